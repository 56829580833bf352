#!/usr/bin/env python3
"""Failover benchmark: vipd against keepalived in ANCHORS.md's lab.

Namespaces a (.11, priority 150), b (.12, priority 100) and a client (.100)
on one bridge; one VRRP instance, unicast, preempt on. The client pings the
VIP every 5 ms and records which MAC answers (bench/failover/probe.py).
Failover time = fault on a -> first reply from b's MAC.

Scenarios: VRRPv3 at 100 ms and VRRPv2 at 1 s; the master's daemon
SIGKILLed, and stopped with SIGTERM. Prints median (min-max) per scenario
next to the protocol limit: 3 x interval + skew after a crash, the skew
after a priority-0 advert.

vipd runs twice side by side, without and with vrrp.virtual_mac
(docs/vmac.md), and twice more with a client that ignores gratuitous ARP:
its neighbour entry for the VIP is made permanent before each fault (at
a's MAC, or at the virtual MAC). Without virtual_mac that client never
reaches b ("no takeover"); with it, its outage is the failover's.

usage (root): bench/failover/run.py [--reps N]
              [--only vipd|vipd-vmac|vipd-pinned|vipd-vmac-pinned|keepalived]
              [--scenario 100ms|1s] [--fault SIGKILL|SIGTERM]
              bench/failover/run.py --bfd [--reps N]

--bfd (issue 16): the BFD column. The master's link cut (its switch port
down) and its daemon SIGKILLed, -> the client's first answer from b, for
vipd with BFD 10 ms x 3 at 1 s adverts, beside vipd without BFD and
keepalived, both at 100 ms adverts (keepalived's best configuration
without BFD), in the same lab, one after the other in one run.
Needs a built vipd (VIPD_BUILD, default ./build) and keepalived.
This is a benchmark, not a test: it prints a table and exits 0.
"""

import argparse
import json
import math
import os
import random
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from lab import Lab, wait_until  # noqa: E402
from client import answered_by, probe  # noqa: E402
from stats import fmt_ms  # noqa: E402
from vrrp_topo import Cluster, config, keepalived_conf  # noqa: E402

VIP = "192.0.2.200/24"
VIP_IP = "192.0.2.200"
NAME = "eth0/master/ipv4/vrrp"
SCENARIOS = {  # name: (version, vipd interval, seconds)
    "100ms": (3, "100ms", 0.1),
    "1s": (2, "1s", 1.0),
}
PRIO_A, PRIO_B = 150, 100


def skew_ms(iv_s, prio=PRIO_B):
    return math.ceil((256 - prio) * iv_s * 1000 / 256)


def limit_ms(iv_s, fault):
    return skew_ms(iv_s) if fault == "SIGTERM" else 3 * iv_s * 1000 + skew_ms(iv_s)


class Vipd:
    name = "vipd"
    virtual_mac = False
    pinned = False  # the client ignores gratuitous ARP

    def __init__(self, c, version, interval, iv_s):
        self.c = c
        text = config(vips_master=[VIP], version=version, interval=interval,
                      priority=(PRIO_A, PRIO_B), garp="{count: 5, interval: 100ms}")
        if self.virtual_mac:
            text = text.replace("  vrrp: {", "  vrrp: {virtual_mac: true, ", 1)
        c.write_config(text)

    def start(self, node):
        self.c.start(node)

    def fault(self, sig):
        self.c.signal("a", sig)

    def a_is_master(self):
        return (self.c.state("a", NAME) == "MASTER" and self.c.state("b", NAME) == "BACKUP")


class VipdBfd(Vipd):
    """vipd at 1 s adverts with bfd: {interval: 10ms, multiplier: 3}."""
    name = "vipd+bfd"
    # the session is trusted with a takeover once Up for 1 s (docs/bfd.md)
    settle_extra_s = 1.2

    def __init__(self, c, version, interval, iv_s):
        self.c = c
        text = config(vips_master=[VIP], version=version, interval=interval,
                      priority=(PRIO_A, PRIO_B), garp="{count: 5, interval: 100ms}")
        c.write_config(text.replace("  garp:", "  bfd: {interval: 10ms, multiplier: 3}\n"
                                    "  garp:", 1))

    def a_is_master(self):
        return super().a_is_master() and all(
            s["state"] == "Up" for s in self.c.status("b")["bfd"])


class VipdVmac(Vipd):
    name = "vipd-vmac"
    virtual_mac = True


class VipdPinned(Vipd):
    name = "vipd-pinned"
    pinned = True


class VipdVmacPinned(Vipd):
    name = "vipd-vmac-pinned"
    virtual_mac = True
    pinned = True


class Keepalived:
    name = "keepalived"

    def __init__(self, c, version, interval, iv_s):
        self.c = c
        self.version, self.iv_s = version, iv_s
        self.vrid = 51

    def start(self, node):
        prio = PRIO_A if node == "a" else PRIO_B
        self.c.start_keepalived(node, keepalived_conf(node, self.vrid, [VIP], self.version,
                                                      self.iv_s, prio, 4))

    def fault(self, sig):
        proc = self.c.procs["a"]
        if sig == signal.SIGKILL:
            os.killpg(proc.pid, signal.SIGKILL)  # parent and VRRP child at once
        else:
            os.kill(proc.pid, sig)
        proc.wait(timeout=15)

    def state(self, node):
        states = re.findall(r"Entering (MASTER|BACKUP) STATE", self.c.log(node))
        return states[-1] if states else None

    def a_is_master(self):
        return self.state("a") == "MASTER" and self.state("b") == "BACKUP"


def settle(c, d, iv_s):
    """a is master, b is not holding the VIP, the client talks to a."""
    wait_until(d.a_is_master, timeout=10 + 5 * iv_s, interval=0.05, what="a to be master")
    wait_until(lambda: VIP not in c.addrs("b"), timeout=5, what="VIP to leave b")
    mac_a = c.mac("a")
    wait_until(lambda: answered_by(c, VIP_IP, mac_a), timeout=10, interval=0.1,
               what="client to reach a")
    time.sleep(getattr(d, "settle_extra_s", 0))


LINK = "link"  # the fault: a's switch port down, as a cut cable


def inject(c, d, fault):
    if fault == LINK:
        c.sw.run(["ip", "link", "set", "pa", "down"])
    else:
        d.fault(fault)


def heal(c, d, fault):
    if fault == LINK:
        c.sw.run(["ip", "link", "set", "pa", "up"])
    else:
        d.start("a")


def pin(c, mac):
    """The client ignores gratuitous ARP: its entry for the VIP is permanent
    (mac), or back to normal (None)."""
    if mac:
        c.ns["client"].run(["ip", "neigh", "replace", VIP_IP, "lladdr", mac, "nud",
                            "permanent", "dev", "eth0"])
    else:
        c.ns["client"].run(["ip", "neigh", "del", VIP_IP, "dev", "eth0"], check=False)


def one_rep(c, d, iv_s, fault):
    mac_b = c.mac("b")
    if getattr(d, "pinned", False):
        pin(c, c.client_neigh_mac(VIP))
    duration = 0.5 + iv_s + 3 * iv_s + 1.0 + 0.5
    p = probe(c, VIP_IP, duration)
    # a random phase against the master's advert timer: the fault lands
    # anywhere in an interval, as a real one would
    time.sleep(0.5 + random.uniform(0, iv_s))
    t0 = time.time()
    inject(c, d, fault)
    out = json.loads(p.communicate()[0])
    after = [t for t, mac in out["replies"] if t > t0 and mac == mac_b]
    if getattr(d, "pinned", False):
        pin(c, None)
    heal(c, d, fault)  # back for the next repetition (preempts)
    settle(c, d, iv_s)
    return (after[0] - t0) * 1000 if after else None


def run_scenario(daemon_cls, scen, fault, reps):
    version, interval, iv_s = SCENARIOS[scen]
    with Lab() as lab:
        c = Cluster(lab)
        d = daemon_cls(c, version, interval, iv_s)
        d.start("a")
        d.start("b")
        settle(c, d, iv_s)
        results = []
        for i in range(reps):
            ms = one_rep(c, d, iv_s, fault)
            results.append(ms)
            fname = fault if fault == LINK else fault.name
            print(f"  {d.name:10s} {scen:5s} {fname:7s} rep {i + 1}: "
                  f"{'no takeover' if ms is None else f'{ms:.0f} ms'}", file=sys.stderr)
        return results


def bfd_table(reps):
    """vipd+bfd at 1 s adverts beside vipd and keepalived at 100 ms."""
    columns = [(VipdBfd, "1s-v3"), (Vipd, "100ms"), (Keepalived, "100ms")]
    SCENARIOS["1s-v3"] = (3, "1s", 1.0)
    rows = []
    for fault, fname in ((LINK, "master's link cut"), (signal.SIGKILL, "master SIGKILL")):
        row = [fname]
        for dc, scen in columns:
            row.append(fmt_ms(run_scenario(dc, scen, fault, reps)))
        rows.append(row)
    head = ["fault", "vipd + BFD 10 ms x 3, adverts 1 s (detection 30 ms)",
            "vipd, adverts 100 ms (limit 361 ms)", "keepalived, adverts 100 ms (limit 361 ms)"]
    print(f"\nfailover: fault -> first reply from the backup's MAC, {reps} repetitions, "
          "median (min–max)\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


DAEMONS = (Vipd, VipdVmac, VipdPinned, VipdVmacPinned, Keepalived)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--only", choices=[d.name for d in DAEMONS])
    ap.add_argument("--scenario", choices=list(SCENARIOS))
    ap.add_argument("--fault", choices=["SIGKILL", "SIGTERM"])
    ap.add_argument("--bfd", action="store_true", help="the BFD table (issue 16)")
    args = ap.parse_args()
    if args.bfd:
        bfd_table(args.reps)
        return
    daemons = [x for x in (Vipd, Keepalived) if not args.only or x.name == args.only]
    daemons = [x for x in DAEMONS if not args.only or x.name == args.only]
    rows = []
    for scen in SCENARIOS:
        if args.scenario and scen != args.scenario:
            continue
        for fault in ("SIGKILL", "SIGTERM"):
            if args.fault and fault != args.fault:
                continue
            row = [scen, fault, f"{limit_ms(SCENARIOS[scen][2], fault):.0f} ms"]
            for dc in daemons:
                row.append(fmt_ms(run_scenario(dc, scen, getattr(signal, fault), args.reps)))
            rows.append(row)
    head = ["advert", "fault", "protocol limit"] + [d.name for d in daemons]
    print(f"\nfailover: fault -> first reply from the backup, {args.reps} repetitions, "
          "median (min–max); -vmac: vrrp.virtual_mac, -pinned: a client that ignores "
          "gratuitous ARP\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
