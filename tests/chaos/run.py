#!/usr/bin/env python3
"""The chaos driver: seeded random sequences of faults over the namespace
lab, with the convergence promise of DESIGN 3 checked from outside the
daemons after every step (docs/convergence.md, tests/chaos/README.md).

    tests/chaos/run.py --seed 7 --steps 40                run (root)
    tests/chaos/run.py --seed 7 --steps 40 --keep-going   go on after a failure
    tests/chaos/run.py --seed 7 --steps 40 --list         print the faults only
    tests/chaos/run.py --seed 7 --steps 40 --bfd          with BFD (50ms:4) between the nodes
    tests/chaos/run.py --seed 7 --steps 40 --bfd 10ms:3   ... at another interval:multiplier
    tests/chaos/run.py --seed 7 --steps 40 --virtual-mac  with vrrp.virtual_mac
    tests/chaos/run.py --seed 7 --steps 40 --packet-socket  with vrrp.packet_socket

The binaries come from $VIPD_BUILD (default <repo>/build), as for the
topology tests. The fault sequence depends on the seed and the step index
alone (it is drawn before the lab exists, never from timing), so
`--seed N --steps K` replays a failure exactly as far as the faults go; the
daemons' timing is the real kernel's.

Exit status: 0 when every step converged, 1 when one did not (the report
names the seed, the step, the faults so far, every broken invariant with
what was expected and what was seen, and both nodes' last log lines), 2 on
a usage or lab error, 130 when interrupted (SIGINT, SIGTERM, SIGHUP). The
lab (namespaces vt<pid>-*) is removed in every case.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))

from lab import Lab, LabError  # noqa: E402
from health_topo import GW, HealthCluster  # noqa: E402
from vipd_env import BUILD, VIPCTL, VIPD  # noqa: E402

PROBE = os.path.join(HERE, "probe.py")
NODES = ("a", "b")
FAMILIES = (4, 6)
METHODS = ("vrrp", "link", "gw", "link+gw")
SLOT_OWNER = {"master": "a", "backup": "b"}  # nodes[0] prefers master, nodes[1] backup
NODE_ADDRS = {"a": {"192.0.2.11/24", "2001:db8::11/64"},
              "b": {"192.0.2.12/24", "2001:db8::12/64"}}

# ---- the file and the bound derived from it -----------------------------------------

ADVERT_MS = 100
PREFERRED_PRIO, OTHER_PRIO = 200, 100
GW_INTERVAL_MS, GW_TIMEOUT_MS, GW_FALL, GW_RISE = 100, 80, 3, 2
# Master_Down_Interval (RFC 5798: 3 x advert + skew, skew = (256 - p) x
# advert / 256) of the node that takes over, the one with the lower
# priority, rounded up: 300 + 61 = 361 ms.
MASTER_DOWN_MS = 3 * ADVERT_MS + -(-(256 - OTHER_PRIO) * ADVERT_MS // 256)
# --bfd: the file adds cluster.bfd (issue 16, docs/bfd.md): a lost master is
# taken over after BFD's detection time instead of MASTER_DOWN_MS, so every
# bound derived from MASTER_DOWN_MS still holds; set once by main().
# The default detects in 200 ms, under MASTER_DOWN_MS: at 10 ms x 3 (30 ms)
# a daemon that the host does not schedule for 30 ms (seen on a loaded 2-core
# machine: VRRP adverts 124 ms apart at 100 ms) is taken for dead, and every
# such false loss costs two transitions; `--bfd 10ms:3` runs that anyway.
OPTIONS = {"bfd": None}
BFD_DEFAULT = "50ms:4"


def bfd_setting(text):
    """'10ms:3' -> the cluster.bfd mapping."""
    interval, _, mult = text.partition(":")
    return f"{{interval: {interval}, multiplier: {mult or 3}}}"
# A carrier that returns may carry nothing for up to a second: the kernel's
# linkwatch runs a non-urgent carrier change (a veth whose ifindex equals
# its peer's, as in two fresh namespaces) at most once per second, and the
# device's qdisc stays noop until it has run. Not a daemon constant: the
# network's, so a node whose link returns hears its peer only after it.
LINK_RETURN_MS = 1000
# Margin: the checker's own round (kernel addresses, the client's probe of
# every VIP with up to 600 ms of retries, status of both daemons: about
# 0.3 s on two busy cores), a GARP/NA's way to the client, IPv6 DAD-less
# address setup. A restarted daemon's start-up is not in it: the step heals
# only once the new daemon answers on its control socket.
MARGIN_MS = 1000
BOUND_MS = (MASTER_DOWN_MS + LINK_RETURN_MS + GW_FALL * GW_INTERVAL_MS + GW_TIMEOUT_MS
            + GW_RISE * GW_INTERVAL_MS + MARGIN_MS)
# Once the invariants hold they must still hold this long: longer than
# Master_Down_Interval + fall x interval + timeout (741 ms), so that a
# second master out of a link that does not forward yet, or a check that
# falls right after it rose, shows as a bounce rather than as convergence.
STABLE_MS = 1000
# Transitions of one instance on one node (from that node's vipd logs, all
# its processes) per segment of a step (from one checkpoint to the next,
# including the wait for convergence): at most 4 per fault in the segment.
# A fault moves an instance there and back (on one node: MASTER -> x and
# back, 2 transitions); a restart adds the old process's shutdown and the
# new one's INIT -> BACKUP, a lost link -> FAULT and FAULT -> BACKUP in
# place of the first move (so 3 for a flap of the master, 3 for a restart
# of it, 2 on the peer); one more is slack. A reload of an unchanged
# file, and of a changed file for an instance it does not change, must not
# cause any (DESIGN 3: reload moves no VIP whose instance did not change).
TRANSITIONS_PER_FAULT = 4
EXTRA_VIP = "192.0.2.209/24"  # added to master/ipv4/vrrp by a changed reload
REMOVED = ("backup", 6, "link+gw")  # dropped from the file by a changed reload


def vip_addrs(slot):
    base = 201 if slot == "master" else 211
    return {(fam, m): (f"192.0.2.{base + i}/24" if fam == 4 else f"2001:db8::{base + i}/64")
            for fam in FAMILIES for i, m in enumerate(METHODS)}


def inst_name(slot, fam, method):
    return f"eth0/{slot}/ipv{fam}/{method}"


def file_vips(change=None):
    """{slot: {(family, method): vip}} of the file with ``change``."""
    out = {slot: dict(vip_addrs(slot)) for slot in SLOT_OWNER}
    if change == "vip_add":
        out["master"][(4, "vrrp+")] = EXTRA_VIP
    elif change == "vip_remove":
        del out[REMOVED[0]][REMOVED[1:]]
    return out


# --virtual-mac: the file runs with vrrp.virtual_mac (docs/vmac.md); set once
# by main() before the lab exists.
OPTIONS["virtual_mac"] = False
# --packet-socket: with vrrp.packet_socket (docs/vrrp.md, "Packet socket")
OPTIONS["packet_socket"] = False


def config(change=None):
    """Active-Active on eth0: one VIP per (slot, family, method), so 16
    instances; ``change`` is one of the reload variants, or None."""
    vips = file_vips(change)
    lines = []
    for slot in ("master", "backup"):
        lines.append(f"      {slot}:")
        for (fam, m), v in vips[slot].items():
            lines.append(f'        - {{address: "{v}", clusterIpMethod: {m.rstrip("+")}}}')
    pref, oth = PREFERRED_PRIO, OTHER_PRIO
    if change == "prio_other":
        oth += 10
    elif change == "prio_preferred":
        pref -= 40
    body = "\n".join(lines)
    bfd = f"  bfd: {OPTIONS['bfd']}\n" if OPTIONS["bfd"] else ""
    return f"""cluster:
  name: chaos
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: {ADVERT_MS}ms, preempt: true, unicast: true,
         virtual_mac: {"true" if OPTIONS["virtual_mac"] else "false"},
         packet_socket: {"true" if OPTIONS["packet_socket"] else "false"},
         priority: {{preferred: {pref}, other: {oth}}}}}
  garp: {{count: 3, interval: 100ms}}
{bfd}  gateway_check: {{interval: {GW_INTERVAL_MS}ms, timeout: {GW_TIMEOUT_MS}ms, fall: {GW_FALL},
                  rise: {GW_RISE}}}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24, "2001:db8::11/64"]
      b: [192.0.2.12/24, "2001:db8::12/64"]
    gateway: {{ipv4: {GW[4]}, ipv6: "{GW[6]}"}}
    vips:
{body}
"""


# ---- faults -------------------------------------------------------------------------
#
# A fault is a dict that says everything needed to replay it; a step is one
# fault or an overlapping pair. Everything is drawn from random.Random(seed)
# in step order, before the lab exists.

KINDS = ["kill", "kill", "flap", "flap", "flap", "flap_in_failover", "both_links",
         "gw_cut", "gw_cut", "gw_down", "drain", "drain_hold", "reload_same",
         "reload_changed", "reload_changed"]
OVERLAPPABLE = ("kill", "flap", "gw_cut", "gw_down")
RELOAD_CHANGES = ("vip_add", "vip_remove", "prio_other", "prio_preferred")


def other(node):
    return "b" if node == "a" else "a"


def draw_part(rng, kind):
    node = rng.choice(NODES)
    if kind == "kill":
        return {"kind": kind, "node": node, "sig": rng.choice(["KILL", "TERM"]),
                "down_s": round(rng.uniform(0, 3), 2)}
    if kind == "flap":
        return {"kind": kind, "node": node, "down_s": round(rng.uniform(0.02, 3), 3)}
    if kind == "flap_in_failover":
        # node's daemon dies (SIGKILL: no priority 0, the peer waits for
        # Master_Down); after_s later, while the peer is taking over (or
        # just has), the peer's own link flaps; then node's vipd restarts
        return {"kind": kind, "node": node, "after_s": round(rng.uniform(0.1, 0.6), 2),
                "down_s": round(rng.uniform(0.02, 1.5), 3),
                "restart_s": round(rng.uniform(0, 2), 2)}
    if kind == "both_links":
        return {"kind": kind, "down_s": round(rng.uniform(0.02, 3), 3)}
    if kind == "gw_cut":  # one node loses one family's gateway
        return {"kind": kind, "node": node, "family": rng.choice(FAMILIES),
                "down_s": round(rng.uniform(0.2, 3), 2)}
    if kind == "gw_down":  # one family's gateway stops answering both nodes
        return {"kind": kind, "family": rng.choice(FAMILIES),
                "down_s": round(rng.uniform(0.2, 3), 2)}
    if kind in ("drain", "drain_hold"):
        return {"kind": kind, "node": node}
    if kind == "reload_same":
        return {"kind": kind, "node": rng.choice(["a", "b", "both"])}
    if kind == "reload_changed":
        return {"kind": kind, "change": rng.choice(RELOAD_CHANGES)}
    raise ValueError(kind)


def compatible(p, q):
    """Two faults that can run at once without one's heal undoing the other."""
    if p["kind"] == q["kind"] and p.get("node") == q.get("node") \
            and p.get("family") == q.get("family"):
        return False
    if p["kind"] == q["kind"] == "gw_cut":
        # isolated bridge ports: two nodes' cuts would cut the nodes from
        # each other, and one node's two cuts share its isolated port
        return False
    return True


def draw_step(rng, prev):
    held = prev is not None and prev["kind"] == "drain_hold"
    while True:
        if rng.random() < 0.2:
            p = draw_part(rng, rng.choice(OVERLAPPABLE))
            while True:
                q = draw_part(rng, rng.choice(OVERLAPPABLE))
                if compatible(p, q):
                    break
            f = {"kind": "overlap", "parts": [p, q], "gap_s": round(rng.uniform(0, 0.5), 2)}
        else:
            f = draw_part(rng, rng.choice(KINDS))
        # while a node stays drained, the other one is not drained too
        # (no preferred node left: who wins is an address tie-break)
        if not (held and f["kind"] in ("drain", "drain_hold")):
            return f


def draw_faults(seed, steps):
    rng = random.Random(seed)
    out = []
    for _ in range(steps):
        out.append(draw_step(rng, out[-1] if out else None))
    return out


def describe(f):
    if f["kind"] == "overlap":
        return (f"overlap(+{f['gap_s']}s: " + describe(f["parts"][0]) + " & "
                + describe(f["parts"][1]) + ")")
    args = ", ".join(f"{k}={v}" for k, v in f.items() if k != "kind")
    return f"{f['kind']}({args})"


def fault_count(f):
    if f["kind"] == "overlap":
        return len(f["parts"])
    return 2 if f["kind"] == "flap_in_failover" else 1


class StepFailed(Exception):
    """A fault could not be injected or healed because of the daemon (a
    restarted vipd that exits or never answers)."""


# ---- the lab ------------------------------------------------------------------------

class Chaos:
    def __init__(self, lab):
        self.lab = lab
        self.c = HealthCluster(lab, physical_ports=True)
        self.change = None  # the reload variant the daemons run with
        self.c.write_config(config())
        self.drained = set()
        self.hold = None  # (node, step) drained by drain_hold, undrained after the next step
        self.logs = {n: [] for n in NODES}
        self.macs = {}
        self.restarted = set()  # nodes restarted since the last log marks
        for n in NODES:
            self.start(n)
        self.macs = {n: self.c.mac(n) for n in NODES}
        self.who = {m: n for n, m in self.macs.items()}

    # -- daemons

    def start(self, node):
        try:
            proc = self.c.start(node)
        except (AssertionError, LabError) as e:
            raise StepFailed(f"vipd on {node} did not come back: {e}") from e
        self.logs[node].append(proc.log_path)
        self.restarted.add(node)
        # a drained vipd stays drained when restarted (docs/operations.md)

    def kill(self, node, sig):
        proc = self.c.procs[node]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL if sig == "KILL" else signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired as e:
                raise StepFailed(f"vipd on {node} ignored SIG{sig} for 10 s") from e

    def ctl(self, node, *args):
        cp = self.c.vipctl(node, *args, check=False)
        if cp.returncode != 0:
            raise StepFailed(f"vipctl {' '.join(args)} on {node} failed (exit "
                             f"{cp.returncode}): {cp.stderr.strip() or cp.stdout.strip()}")
        return cp

    def drain(self, node, on):
        self.ctl(node, "drain" if on else "undrain")
        (self.drained.add if on else self.drained.discard)(node)

    def reload(self, nodes, change):
        self.c.write_config(config(change))
        self.change = change
        for n in nodes:
            self.ctl(n, "reload")

    # -- links and gateways

    def port(self, node, up):
        self.c.service_link(node, up)

    def gateway_address(self, family, present):
        """The gateway stops (or starts again) answering, for both nodes. Its
        address goes, not its link: a link down would take an IPv6 address
        with it for good, and one re-added runs DAD first."""
        cidr = f"{GW[family]}/{24 if family == 4 else 64}"
        args = ["addr", "add" if present else "del", cidr, "dev", "eth0"]
        if present and family == 6:
            args.append("nodad")
        self.c.gw[family].ip(args)

    # -- injecting

    def inject(self, f):
        """Starts fault f (kill, flap, gw_cut, gw_down); returns its heal."""
        k = f["kind"]
        if k == "kill":
            self.kill(f["node"], f["sig"])
            return lambda: self.start(f["node"])
        if k == "flap":
            self.port(f["node"], False)
            return lambda: self.port(f["node"], True)
        if k == "gw_cut":
            self.c.cut_gateway(f["node"], f["family"])
            return lambda: self.c.restore_gateway(f["node"], f["family"])
        if k == "gw_down":
            self.gateway_address(f["family"], False)
            return lambda: self.gateway_address(f["family"], True)
        raise ValueError(k)

    def run_fault(self, f, step):
        """Injects f and heals it, yielding at each checkpoint a label and
        the transition limit of the segment before it: an int for every
        instance, or a function of the instance name."""
        k = f["kind"]
        limit = TRANSITIONS_PER_FAULT * fault_count(f)
        if k in ("kill", "flap", "gw_cut", "gw_down"):
            heal = self.inject(f)
            time.sleep(f["down_s"])
            heal()
        elif k == "flap_in_failover":
            n, peer = f["node"], other(f["node"])
            self.kill(n, "KILL")
            time.sleep(f["after_s"])
            self.port(peer, False)
            time.sleep(f["down_s"])
            self.port(peer, True)
            time.sleep(f["restart_s"])
            self.start(n)
        elif k == "both_links":
            for n in NODES:
                self.port(n, False)
            time.sleep(f["down_s"])
            for n in NODES:
                self.port(n, True)
        elif k == "overlap":
            p, q = f["parts"]
            heal_p = self.inject(p)
            time.sleep(f["gap_s"])
            heal_q = self.inject(q)
            time.sleep(p["down_s"])
            heal_p()
            time.sleep(max(0.0, q["down_s"] - p["down_s"]))
            heal_q()
        elif k == "drain":
            self.drain(f["node"], True)
            yield f"{f['node']} drained", limit
            self.drain(f["node"], False)
            label = f"{f['node']} undrained"
        elif k == "drain_hold":
            self.drain(f["node"], True)
            self.hold = (f["node"], step)
            label = f"{f['node']} drained, stays drained through the next step"
        elif k == "reload_same":
            self.reload(NODES if f["node"] == "both" else (f["node"],), self.change)
            limit = 0
        elif k == "reload_changed":
            before = self.change
            changed = self.changed_instances(before, f["change"])
            self.reload(NODES, f["change"])
            lim = (lambda name, changed=changed: TRANSITIONS_PER_FAULT if name in changed
                   else 0)
            yield f"changed file ({f['change']}) reloaded", lim
            self.reload(NODES, before)
            label, limit = "original file reloaded", lim
        else:
            raise ValueError(k)
        yield (label if k in ("drain", "drain_hold", "reload_changed") else "healed"), limit
        if self.hold and self.hold[1] < step:
            node = self.hold[0]
            self.hold = None
            self.drain(node, False)
            yield f"{node} undrained (drained in step {step - 1})", TRANSITIONS_PER_FAULT

    def changed_instances(self, old, new):
        """Names of the instances a reload from file variant old to new
        restarts, which only may have transitions: added, removed, or a
        field of `vipctl show` other than the VIP list differs on either
        node. An instance whose VIP list alone changes is updated in place,
        with no transition (docs/operations.md, "Reload")."""
        out = set()
        views = {}
        for tag, change in (("old", old), ("new", new)):
            path = os.path.join(self.lab.workdir, f"show-{tag}.yaml")
            with open(path, "w") as fh:
                fh.write(config(change))
            for n in NODES:
                cp = self.c.ns[n].run([VIPCTL, "-c", path, "show", "--node", n, "-o", "json"])
                views[(tag, n)] = {i["name"]: i for i in json.loads(cp.stdout)["instances"]}
        for n in NODES:
            o, w = views[("old", n)], views[("new", n)]
            for name in set(o) | set(w):
                if name not in o or name not in w:
                    out.add(name)
                    continue
                strip = ("vips", "vip_details")
                if {k: v for k, v in o[name].items() if k not in strip} != \
                        {k: v for k, v in w[name].items() if k not in strip}:
                    out.add(name)
        return out

    # -- what is, and what must be

    def expected(self):
        """{vip: (node, instance name)}: where every VIP of the file in
        force must be once everything healed."""
        out = {}
        for slot, vips in file_vips(self.change).items():
            want = SLOT_OWNER[slot]
            if want in self.drained:
                want = other(want)
            for (fam, m), v in vips.items():
                out[v] = (want, inst_name(slot, fam, m.rstrip("+")))
        return out

    def kernel_vips(self):
        """{node: set of ADDR/PLEN} on eth0 (and with --virtual-mac on the
        virtual MAC links vm*), the node's own addresses and link-local
        ones left out."""
        out = {}
        for n in NODES:
            have = set()
            for link in self.c.ns[n].json("addr show"):
                if link["ifname"] == "eth0" or link["ifname"].startswith("vm"):
                    have |= {f"{i['local']}/{i['prefixlen']}" for i in link["addr_info"]}
            have -= NODE_ADDRS[n]
            out[n] = {a for a in have if not a.startswith("fe80:")}
        return out

    def vmacs(self):
        """--virtual-mac: {instance name: its virtual MAC} of the file in
        force (vipctl show); {} without."""
        if not OPTIONS["virtual_mac"]:
            return {}
        cp = self.c.ns["a"].run([VIPCTL, "show", "-c", self.c.config_path, "--node", "a",
                                 "-o", "json"])
        return {i["name"]: i["virtual_mac"]["mac"] for i in json.loads(cp.stdout)["instances"]
                if i.get("virtual_mac")}

    def client_view(self, vips):
        """{vip: (reply MACs, neighbour entry MAC, neighbour state)} from the
        client: every VIP probed at once (tests/chaos/probe.py), then the
        client's neighbour table."""
        ips = [v.split("/")[0] for v in vips]
        cp = self.c.ns["client"].run(["python3", PROBE, "--timeout", "0.6", *ips], timeout=20)
        replies = json.loads(cp.stdout)
        neigh = {}
        for e in self.c.ns["client"].json(["neigh", "show", "dev", "eth0"]):
            neigh[e["dst"]] = (e.get("lladdr"), "/".join(e.get("state", [])))
        out = {}
        for v, ip in zip(vips, ips):
            mac, state = neigh.get(ip, (None, "none"))
            out[v] = (replies.get(ip, {}).get("macs", []), mac, state)
        return out

    def statuses(self):
        out = {}
        for n in NODES:
            proc = self.c.procs[n]
            if proc.poll() is not None:
                out[n] = f"vipd on {n} exited with {proc.returncode}"
                continue
            cp = self.c.vipctl(n, "status", "-o", "json", check=False)
            if cp.returncode != 0:
                out[n] = f"vipctl status on {n} failed: {cp.stderr.strip()}"
                continue
            out[n] = json.loads(cp.stdout)["instances"]
        return out

    def name(self, mac):
        return self.who.get(mac, "nobody" if mac is None else "a stranger")

    def problems(self):
        """Every broken invariant, as (number, text); empty when all hold."""
        out = []
        want = self.expected()
        kernel = self.kernel_vips()
        # 1. every VIP configured on exactly the node its slot and health say,
        #    and nothing else configured on either node
        for v, (node, inst) in want.items():
            holders = [n for n in NODES if v in kernel[n]]
            if holders != [node]:
                out.append((1, f"{v} ({inst}): held by {holders or 'no node'} in the "
                               f"kernel, want [{node}]"))
        for n in NODES:
            for a in sorted(kernel[n] - set(want)):
                out.append((1, f"{a}: on {n}'s eth0, but not a VIP of the file in force"))
        # 2, 3. the client reaches it at that node's MAC and no other; with
        #    --virtual-mac its entry is the instance's virtual MAC (both
        #    nodes share it: invariant 1 says which one holds the VIP), and
        #    a reply may come from it or from the holder's own MAC
        vmacs = self.vmacs()
        for v, (macs, neigh, state) in self.client_view(list(want)).items():
            node, inst = want[v]
            mac = vmacs.get(inst, self.macs[node])
            replies_ok = set(macs) <= {mac, self.macs[node]} if inst in vmacs else macs == [mac]
            if not macs:
                out.append((2, f"{v} ({inst}): no echo reply (dark); want {node} {mac}; "
                               f"client's neighbour entry {neigh} ({self.name(neigh)}, {state})"))
            elif not replies_ok:
                out.append((2, f"{v} ({inst}): echo replies from "
                               + ", ".join(f"{m} ({self.name(m)})" for m in macs)
                               + f", want {node} {mac} only"))
            if neigh != mac:
                out.append((3, f"{v} ({inst}): client's neighbour entry {neigh} "
                               f"({self.name(neigh)}, {state}), want {node} {mac}"))
        # 4. each daemon's status agrees with the kernel: a MASTER holds its
        #    VIPs, a BACKUP (or FAULT) none; after the heal nothing is FAULT
        for n, insts in self.statuses().items():
            if isinstance(insts, str):
                out.append((4, insts))
                continue
            for i in insts:
                held = [v for v in i["vips"] if v in kernel[n]]
                st = i["state"]
                if st == "MASTER":
                    if len(held) != len(i["vips"]) or not i["vips_held"]:
                        out.append((4, f"{n} {i['name']}: status MASTER (vips_held "
                                       f"{i['vips_held']}), kernel holds {held} of {i['vips']}"))
                else:
                    if held or i["vips_held"]:
                        out.append((4, f"{n} {i['name']}: status {st} (vips_held "
                                       f"{i['vips_held']}), kernel holds {held}"))
                    if st != "BACKUP":
                        why = f" (waiting: {i['waiting']})" if i.get("waiting") else ""
                        out.append((4, f"{n} {i['name']}: state {st} although every link "
                                       f"and daemon is back{why}"))
        return out

    # -- transitions

    TRANSITION_RE = re.compile(r"\[vr (\S+) vrid \d+\] (\w+) -> (\w+) ")

    def log_marks(self):
        return {p: os.path.getsize(p) for n in NODES for p in self.logs[n]}

    def transitions_since(self, marks):
        """{(node, instance): ["FROM->TO", ...]} logged since marks."""
        out = {}
        for n in NODES:
            for path in self.logs[n]:
                with open(path, errors="replace") as fh:
                    fh.seek(marks.get(path, 0))
                    for line in fh:
                        m = self.TRANSITION_RE.search(line)
                        if m:
                            out.setdefault((n, m.group(1)), []).append(
                                f"{m.group(2)}->{m.group(3)}")
        return out

    # -- waiting

    def wait_converged(self):
        """(ms until the invariants held, []) once they held and still held
        STABLE_MS later; (None, problems) when the bound passed first."""
        t0 = time.monotonic()
        deadline = t0 + BOUND_MS / 1000
        while True:
            last = self.problems()
            if not last:
                ms = int((time.monotonic() - t0) * 1000)
                time.sleep(STABLE_MS / 1000)
                last = self.problems()
                if not last:
                    return ms, []
                last = [(0, f"they held {ms} ms after the heal, then broke again "
                            f"within {STABLE_MS} ms (a bounce):")] + last
            if time.monotonic() > deadline:
                return None, last
            time.sleep(0.05)

    def tail(self, path, lines):
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])

    def reset(self):
        """After a failed step (--keep-going): every link up, no gateway
        cut, the original file, nobody drained, every daemon running."""
        for n in NODES:
            self.port(n, True)
            for fam in FAMILIES:
                self.c.restore_gateway(n, fam)
        for fam in FAMILIES:
            cidr = f"{GW[fam]}/{24 if fam == 4 else 64}"
            if cidr not in {f"{i['local']}/{i['prefixlen']}" for i in
                            self.c.gw[fam].json("addr show dev eth0")[0]["addr_info"]}:
                self.gateway_address(fam, True)
        for n in NODES:
            if self.c.procs[n].poll() is not None:
                self.start(n)
        if self.change is not None:
            self.reload(NODES, None)
        for n in NODES:
            self.drain(n, False)
        self.hold = None


# ---- the run ------------------------------------------------------------------------

INVARIANTS = {
    0: "stability",
    1: "1 (held by exactly the right node)",
    2: "2 (the client's ping answered from that node's MAC)",
    3: "3 (the client's neighbour entry is that node's MAC)",
    4: "4 (status agrees with the kernel)",
    5: "5 (transitions bounded)",
}


def save_logs(ch, seed, step):
    """Copies both nodes' logs out of the lab (it is removed on exit)."""
    dest = tempfile.mkdtemp(prefix=f"chaos-seed{seed}-step{step}-")
    for n in NODES:
        for i, path in enumerate(ch.logs[n]):
            shutil.copy(path, os.path.join(dest, f"vipd-{n}.{i}.log"))
    return dest


def report_failure(ch, seed, step, faults, label, probs, out=sys.stdout):
    def p(*a):
        print(*a, file=out)
    nums = sorted({n for n, _ in probs})
    what = []
    if any(n < 5 for n in nums):
        what.append(f"not converged within {BOUND_MS} ms of the heal")
    if 5 in nums:
        what.append("too many transitions")
    if 9 in nums:
        what.append("a daemon failed")
    p(f"\nFAILED: seed {seed}, step {step} ({label}): {'; '.join(what)}")
    for num in nums:
        p(f"  {'invariant ' + INVARIANTS[num] if num in INVARIANTS else 'daemon'}:")
        for n, text in probs:
            if n == num:
                p(f"    {text}")
    p(f"  nodes' MACs: a {ch.macs.get('a')}, b {ch.macs.get('b')}; drained: "
      f"{sorted(ch.drained) or 'none'}; file: {ch.change or 'original'}")
    p(f"\nfaults so far (replay: VIPD_BUILD={BUILD} tests/chaos/run.py --seed {seed} "
      f"--steps {step}):")
    for i, f in enumerate(faults[:step], 1):
        p(f"  {i:4d}  {describe(f)}")
    for n in NODES:
        paths = ch.logs[n]
        p(f"\n--- vipd on {n}: last 60 lines of {paths[-1]} ---")
        p(ch.tail(paths[-1], 60).rstrip())
        if len(paths) > 1 and n in ch.restarted:
            p(f"--- vipd on {n} before its restart in this step: last 20 lines ---")
            p(ch.tail(paths[-2], 20).rstrip())
    if os.environ.get("VIPD_CHAOS_DIAG"):
        for cmd, ns in ((["bridge", "fdb", "show", "br", "br0"], ch.c.sw),
                        (["ip", "-d", "link", "show"], ch.c.ns["a"]),
                        (["ip", "addr", "show"], ch.c.ns["a"]),
                        (["ip", "-6", "route", "show", "table", "all"], ch.c.ns["a"]),
                        (["ip", "-6", "neigh", "show"], ch.c.ns["a"]),
                        (["ip", "-d", "link", "show"], ch.c.ns["b"]),
                        (["ip", "addr", "show"], ch.c.ns["b"]),
                        (["ip", "-6", "route", "show", "table", "all"], ch.c.ns["b"]),
                        (["ip", "-6", "neigh", "show"], ch.c.ns["b"]),
                        (["ip", "-6", "neigh", "show"], ch.c.ns["client"])):
            p(f"--- diag {' '.join(cmd)} ---")
            p(ns.run(cmd, check=False).stdout)
    p(f"\n(all logs kept in {save_logs(ch, seed, step)})")


def check_transitions(ch, marks, limit):
    counts = ch.transitions_since(marks)
    probs = []
    for (node, inst), trs in sorted(counts.items()):
        lim = limit(inst) if callable(limit) else limit
        if len(trs) > lim:
            probs.append((5, f"{inst} on {node}: {len(trs)} transitions, at most {lim} "
                             f"here: " + ", ".join(trs)))
    return counts, probs


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def run(seed, steps, keep_going):
    faults = draw_faults(seed, steps)
    times, failed, passed, worst_tr, total_tr = [], 0, 0, 0, 0
    print(f"chaos: seed {seed}, {steps} steps, binaries {VIPD}")
    print(f"chaos: convergence bound {BOUND_MS} ms = Master_Down_Interval {MASTER_DOWN_MS}"
          f" + link return {LINK_RETURN_MS} + gateway fall {GW_FALL}x{GW_INTERVAL_MS}"
          f" + timeout {GW_TIMEOUT_MS} + rise {GW_RISE}x{GW_INTERVAL_MS} + margin {MARGIN_MS};"
          f" then stable for {STABLE_MS} ms; at most {TRANSITIONS_PER_FAULT} transitions"
          f" per instance per fault, 0 for a reload that does not change the instance",
          flush=True)
    lab = Lab()
    rc = 0
    step = 0
    try:
        ch = Chaos(lab)
        ms, probs = ch.wait_converged()
        if ms is None:
            report_failure(ch, seed, 0, faults, "start", probs)
            print(f"chaos: 0 passed, {steps} failed (the lab never converged)")
            return 1
        print(f"step    0 start: converged in {ms} ms", flush=True)
        for step, f in enumerate(faults, 1):
            t_step = time.monotonic()
            ok, most, msgs = True, 0, []
            marks = ch.log_marks()
            ch.restarted = set()
            try:
                for label, limit in ch.run_fault(f, step):
                    ms, probs = ch.wait_converged()
                    counts, tprobs = check_transitions(ch, marks, limit)
                    most = max([most, *(len(v) for v in counts.values())])
                    total_tr += sum(len(v) for v in counts.values())
                    marks = ch.log_marks()
                    if ms is None or tprobs:
                        ok = False
                        report_failure(ch, seed, step, faults, label, probs + tprobs)
                        break
                    times.append(ms)
                    msgs.append(f"{label} {ms} ms")
            except StepFailed as e:
                ok = False
                report_failure(ch, seed, step, faults, "restart", [(9, str(e))])
            worst_tr = max(worst_tr, most)
            state = "ok" if ok else "FAILED"
            print(f"step {step:4d} {describe(f)}: {'; '.join(msgs) or '-'}"
                  f" [{state}, {time.monotonic() - t_step:.1f} s, most transitions of one "
                  f"instance {most}]", flush=True)
            if ok:
                passed += 1
                continue
            failed += 1
            if not keep_going:
                break
            try:
                ch.reset()
                ch.wait_converged()
            except StepFailed as e:
                print(f"chaos: cannot go on: {e}")
                break
    except Interrupted as e:
        print(f"\nchaos: interrupted ({e}) in step {step}; removing the lab", flush=True)
        rc = 130
    finally:
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)  # cleanup is not to be interrupted
        try:
            lab.close()
        except LabError as e:
            print(f"chaos: {e}", file=sys.stderr)
            rc = rc or 2
    if times:
        print(f"\nsummary: {passed + failed} steps, {len(times)} checkpoints; convergence "
              f"after the heal: median {statistics.median(times):.0f} ms, max {max(times)} ms "
              f"(bound {BOUND_MS}); transitions: {total_tr} in all, at most {worst_tr} of one "
              f"instance in one step")
    print(f"chaos: {passed} passed, {failed} failed")
    return rc or (1 if failed else 0)


def selftest():
    """The judge judged: breaks the lab behind the daemons' backs in ways
    they cannot repair and checks that the invariants see each one."""
    results = []
    lab = Lab()
    try:
        ch = Chaos(lab)
        if ch.wait_converged()[0] is None:
            print("selftest: the lab never converged")
            return 1

        def expect(case, want, probs, needle):
            nums = {n for n, text in probs if needle in text}
            ok = want <= nums
            results.append(ok)
            print(f"selftest: {case}: {'detected' if ok else 'MISSED'} (invariants "
                  f"{sorted(nums) or 'none'} on {needle}, want {sorted(want)})", flush=True)
            if not ok:
                for p in probs:
                    print(f"    {p}")

        vip = vip_addrs("master")[(4, "vrrp")]
        ip = vip.split("/")[0]
        ch.c.ns["a"].ip(["addr", "add", "192.0.2.250/24", "dev", "eth0"])
        expect("a stray address on a", {1}, ch.problems(), "192.0.2.250")
        ch.c.ns["a"].ip(["addr", "del", "192.0.2.250/24", "dev", "eth0"])

        ch.c.ns["client"].ip(["neigh", "replace", ip, "lladdr", ch.macs["b"], "dev", "eth0",
                              "nud", "permanent"])
        expect("the client sends a's VIP to b", {2, 3}, ch.problems(), vip)
        ch.c.ns["client"].ip(["neigh", "del", ip, "dev", "eth0"])

        marks = ch.log_marks()
        ch.drain("a", True)
        ch.wait_converged()
        expect("transitions where none may be", {5},
               check_transitions(ch, marks, 0)[1], "eth0/master/ipv4/vrrp on a")
        ch.drain("a", False)
        ch.wait_converged()

        # vipd on b dies and leaves its VIPs in the kernel; a takes them over
        ch.kill("b", "KILL")
        time.sleep(1.0)
        probs = ch.problems()
        expect("a dead daemon's VIPs left behind", {1}, probs,
               vip_addrs("backup")[(4, "vrrp")])
        expect("a dead daemon", {4}, probs, "vipd on b exited")
        ch.start("b")
        ms, probs = ch.wait_converged()
        results.append(ms is not None)
        print(f"selftest: back to converged: {'yes' if ms is not None else 'NO'}")
    except Interrupted as e:
        print(f"selftest: interrupted ({e})")
        results.append(False)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        lab.close()
    print(f"selftest: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--list", action="store_true", help="print the faults and exit")
    ap.add_argument("--virtual-mac", action="store_true",
                    help="run the file with vrrp.virtual_mac (docs/vmac.md)")
    ap.add_argument("--packet-socket", action="store_true",
                    help="run the file with vrrp.packet_socket (docs/vrrp.md)")
    ap.add_argument("--keep-going", action="store_true",
                    help="after a failure, reset (original file, undrained) and go on")
    ap.add_argument("--bfd", nargs="?", const=BFD_DEFAULT, metavar="INTERVAL:MULT",
                    help=f"run BFD between the nodes (default {BFD_DEFAULT})")
    ap.add_argument("--selftest", action="store_true",
                    help="break the lab on purpose and check that the invariants see it")
    args = ap.parse_args()
    if args.bfd:
        OPTIONS["bfd"] = bfd_setting(args.bfd)
    OPTIONS["virtual_mac"] = args.virtual_mac
    OPTIONS["packet_socket"] = args.packet_socket
    if args.list:
        for i, f in enumerate(draw_faults(args.seed, args.steps), 1):
            print(f"{i:4d}  {describe(f)}")
        return 0
    if os.geteuid() != 0:
        print("chaos: run as root (it creates network namespaces)", file=sys.stderr)
        return 2
    for exe in (VIPD, VIPCTL):
        if not os.access(exe, os.X_OK):
            print(f"chaos: {exe} missing: build first (ninja -C {BUILD}) or set VIPD_BUILD",
                  file=sys.stderr)
            return 2
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        if args.selftest:
            return selftest()
        return run(args.seed, args.steps, args.keep_going)
    except (LabError, OSError, subprocess.SubprocessError) as e:
        print(f"chaos: lab error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
