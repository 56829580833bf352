#!/usr/bin/env python3
"""The chaos driver: seeded random sequences of faults over the namespace
lab, with the convergence promise of DESIGN 3 checked from outside the
daemons after every step (docs/convergence.md, tests/chaos/README.md).

    tests/chaos/run.py --seed 7 --steps 40          run (root)
    tests/chaos/run.py --seed 7 --steps 40 --list   print the faults only

The fault sequence depends on the seed and the step index alone (it is drawn
before the lab exists), so `--seed N --steps K` replays a failure exactly as
far as the faults go; the daemons' timing is the real kernel's.
Exit status: 0 when every step converged, 1 when one did not (the report
names the seed, the step, the faults so far, the broken invariant for each
VIP and both nodes' last log lines), 2 on a usage or lab error.
"""

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))

from lab import Lab, LabError, wait_until  # noqa: E402
from health_topo import GW, HealthCluster  # noqa: E402

NODES = ("a", "b")
FAMILIES = (4, 6)
METHODS = ("vrrp", "link", "gw", "link+gw")
SLOT_OWNER = {"master": "a", "backup": "b"}  # nodes[0] prefers master

# The lab's timing (the file below): adverts, the other node's priority,
# the gateway check.
ADVERT_MS = 100
OTHER_PRIO = 100
GW_INTERVAL_MS, GW_TIMEOUT_MS, GW_FALL, GW_RISE = 100, 80, 3, 2
# Master_Down_Interval at the other priority, rounded up as the FSM does
MASTER_DOWN_MS = 3 * ADVERT_MS + -(-(256 - OTHER_PRIO) * ADVERT_MS // 256)
# Margin: start-up of a restarted daemon (sweep, sockets), a switch port and
# IPv6 duplicate address detection settling after a link returns, and the
# checker's own round of pings (all VIPs in parallel, 300 ms timeout).
MARGIN_MS = 1500
BOUND_MS = (MASTER_DOWN_MS + GW_FALL * GW_INTERVAL_MS + GW_TIMEOUT_MS
            + GW_RISE * GW_INTERVAL_MS + MARGIN_MS)
STABLE_S = 0.6  # the invariants must still hold this long after they first do
# A fault moves an instance at most there and back, and a restart adds its
# own start-up (INIT -> BACKUP) and a link its FAULT: 4 transitions per
# instance per fault (2 faults in an overlapping step). More is a bounce.
TRANSITIONS_PER_FAULT = 4
EXTRA_VIP = "192.0.2.209/24"  # added to master/ipv4/vrrp by a changed reload


def vip_addrs(slot):
    base = 201 if slot == "master" else 211
    return {(fam, m): (f"192.0.2.{base + i}/24" if fam == 4 else f"2001:db8::{base + i}/64")
            for fam in FAMILIES for i, m in enumerate(METHODS)}


def config(extra_vip=False, other_prio=OTHER_PRIO):
    """Active-Active on eth0: one VIP per (slot, family, method)."""
    lines = []
    for slot in ("master", "backup"):
        lines.append(f"      {slot}:")
        for (fam, m), v in vip_addrs(slot).items():
            lines.append(f'        - {{address: "{v}", clusterIpMethod: {m}}}')
        if slot == "master" and extra_vip:
            lines.append(f'        - {{address: "{EXTRA_VIP}", clusterIpMethod: vrrp}}')
    vips = "\n".join(lines)
    return f"""cluster:
  name: chaos
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: {ADVERT_MS}ms, preempt: true, unicast: true,
         priority: {{preferred: 200, other: {other_prio}}}}}
  garp: {{count: 3, interval: 100ms}}
  gateway_check: {{interval: {GW_INTERVAL_MS}ms, timeout: {GW_TIMEOUT_MS}ms, fall: {GW_FALL},
                  rise: {GW_RISE}}}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24, "2001:db8::11/64"]
      b: [192.0.2.12/24, "2001:db8::12/64"]
    gateway: {{ipv4: {GW[4]}, ipv6: "{GW[6]}"}}
    vips:
{vips}
"""


# ---- faults -------------------------------------------------------------------------

def other(node):
    return "b" if node == "a" else "a"


def draw_part(rng, kind=None):
    """One fault: a dict that says everything needed to replay it."""
    kind = kind or rng.choice(["kill", "kill", "flap", "flap", "flap", "flap_in_failover",
                               "both_links", "gw_cut", "gw_cut", "gw_down", "drain",
                               "reload_same", "reload_changed"])
    node = rng.choice(NODES)
    if kind == "kill":
        return {"kind": kind, "node": node, "sig": rng.choice(["KILL", "TERM"]),
                "down_s": round(rng.uniform(0, 3), 2)}
    if kind == "flap":
        return {"kind": kind, "node": node, "down_s": round(rng.uniform(0.02, 3), 3)}
    if kind == "flap_in_failover":
        # the other node's daemon dies; while its peer is taking over (or
        # just has) the peer's own link flaps
        return {"kind": kind, "node": node, "after_s": round(rng.uniform(0.1, 0.6), 2),
                "down_s": round(rng.uniform(0.02, 1.5), 3),
                "restart_s": round(rng.uniform(0, 2), 2)}
    if kind == "both_links":
        return {"kind": kind, "down_s": round(rng.uniform(0.05, 3), 3)}
    if kind == "gw_cut":
        return {"kind": kind, "node": node, "family": rng.choice(FAMILIES),
                "down_s": round(rng.uniform(0.2, 3), 2)}
    if kind == "gw_down":  # the gateway itself: both nodes lose it
        return {"kind": kind, "family": rng.choice(FAMILIES),
                "down_s": round(rng.uniform(0.2, 3), 2)}
    if kind == "drain":
        return {"kind": kind, "node": node}
    if kind == "reload_same":
        return {"kind": kind, "node": rng.choice(["a", "b", "both"])}
    if kind == "reload_changed":
        return {"kind": kind, "change": rng.choice(["vip", "priority"])}
    raise ValueError(kind)


OVERLAPPABLE = ("kill", "flap", "gw_cut")


def compatible(p, q):
    """Two faults that can run at once without one undoing the other."""
    if p["kind"] == q["kind"] and p.get("node") == q.get("node"):
        return False
    # an isolated port stays isolated against every other isolated port:
    # two nodes' gateway cuts would cut the nodes from each other too
    return not (p["kind"] == q["kind"] == "gw_cut" and p["node"] != q["node"])


def draw_step(rng):
    if rng.random() < 0.2:
        p = draw_part(rng, rng.choice(OVERLAPPABLE))
        while True:
            q = draw_part(rng, rng.choice(OVERLAPPABLE))
            if compatible(p, q):
                break
        return {"kind": "overlap", "parts": [p, q], "gap_s": round(rng.uniform(0, 0.5), 2)}
    return draw_part(rng)


def draw_faults(seed, steps):
    rng = random.Random(seed)
    return [draw_step(rng) for _ in range(steps)]


def describe(f):
    if f["kind"] == "overlap":
        return (f"overlap (+{f['gap_s']}s): " + describe(f["parts"][0]) + " & "
                + describe(f["parts"][1]))
    args = ", ".join(f"{k}={v}" for k, v in f.items() if k != "kind")
    return f"{f['kind']}({args})"


def fault_count(f):
    """Faults in one step, for the transition bound."""
    if f["kind"] == "overlap":
        return len(f["parts"])
    return 2 if f["kind"] == "flap_in_failover" else 1


# ---- the lab ------------------------------------------------------------------------

class Chaos:
    def __init__(self, lab, seed):
        self.lab = lab
        self.seed = seed
        self.c = HealthCluster(lab)
        self.c.write_config(config())
        self.expected_vips = {slot: dict(vip_addrs(slot)) for slot in SLOT_OWNER}
        self.drained = set()
        self.logs = {n: [] for n in NODES}
        for n in NODES:
            self.start(n)

    # -- daemons

    def start(self, node):
        proc = self.c.start(node)
        self.logs[node].append(proc.log_path)

    def kill(self, node, sig):
        proc = self.c.procs[node]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL if sig == "KILL" else signal.SIGTERM)
            proc.wait(timeout=10)

    def ctl(self, node, *args):
        return self.c.vipctl(node, *args)

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
        """Starts fault f; returns its heal as a function."""
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
        raise ValueError(k)

    def run_fault(self, f):
        """Injects f and heals it; returns the list of checkpoints: each a
        label, and what to expect then (a step may check twice)."""
        k = f["kind"]
        if k in ("kill", "flap", "gw_cut"):
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
        elif k == "gw_down":
            self.gateway_address(f["family"], False)
            time.sleep(f["down_s"])
            self.gateway_address(f["family"], True)
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
            self.ctl(f["node"], "drain")
            self.drained.add(f["node"])
            yield f"{f['node']} drained"
            self.ctl(f["node"], "undrain")
            self.drained.discard(f["node"])
        elif k == "reload_same":
            for n in (NODES if f["node"] == "both" else (f["node"],)):
                self.ctl(n, "reload")
        elif k == "reload_changed":
            if f["change"] == "vip":
                self.c.write_config(config(extra_vip=True))
                self.expected_vips["master"][(4, "extra")] = EXTRA_VIP
            else:
                self.c.write_config(config(other_prio=OTHER_PRIO + 10))
            for n in NODES:
                self.ctl(n, "reload")
            yield f"changed file ({f['change']}) reloaded"
            self.c.write_config(config())
            self.expected_vips["master"].pop((4, "extra"), None)
            for n in NODES:
                self.ctl(n, "reload")
        else:
            raise ValueError(k)
        yield "healed"

    # -- what is

    def expected_owner(self, slot):
        want = SLOT_OWNER[slot]
        if want in self.drained:
            want = other(want)
        return want

    def kernel_vips(self):
        return {n: self.c.addrs(n) for n in NODES}

    def client_view(self, vips):
        """Pings every VIP at once from the client; then the client's
        neighbour entries: {vip: (answered, lladdr)}."""
        procs = {}
        for v in vips:
            ip = v.split("/")[0]
            fam = "-6" if ":" in ip else "-4"
            procs[v] = subprocess.Popen(
                self.c.ns["client"].argv(["ping", fam, "-n", "-q", "-c", "1", "-W", "0.3", ip]),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        answered = {v: p.wait(timeout=10) == 0 for v, p in procs.items()}
        neigh = {}
        for fam in ("-4", "-6"):
            for e in self.c.ns["client"].json([fam, "neigh", "show", "dev", "eth0"]):
                neigh[e["dst"]] = (e.get("lladdr"), e.get("state", []))
        return {v: (answered[v], neigh.get(v.split("/")[0], (None, []))[0]) for v in vips}

    def statuses(self):
        return {n: self.c.status(n)["instances"] for n in NODES}

    def problems(self):
        """Every broken invariant, as text; empty when all hold."""
        out = []
        macs = {n: self.c.mac(n) for n in NODES}
        who = {m: n for n, m in macs.items()}
        kernel = self.kernel_vips()
        want_of = {}
        for slot, vips in self.expected_vips.items():
            for v in vips.values():
                want_of[v] = self.expected_owner(slot)
        # 1. configured on exactly the expected node
        for v, want in want_of.items():
            holders = [n for n in NODES if v in kernel[n]]
            if holders != [want]:
                out.append(f"{v}: on {holders or 'no node'} in the kernel, want [{want}]")
        # 2 and 3. the client reaches it at the owner's MAC
        for v, (ok, mac) in self.client_view(list(want_of)).items():
            want = want_of[v]
            if not ok:
                out.append(f"{v}: no echo reply (dark); client's entry {mac} "
                           f"({who.get(mac, 'nobody')}), want {want} {macs[want]}")
            elif mac != macs[want]:
                out.append(f"{v}: client's neighbour entry {mac} ({who.get(mac, 'nobody')}), "
                           f"want {want} {macs[want]}")
        # 4. the daemons say what the kernel has
        for n, insts in self.statuses().items():
            for i in insts:
                held = [v for v in i["vips"] if v in kernel[n]]
                if i["state"] == "MASTER" and (not i["vips_held"] or len(held) != len(i["vips"])):
                    out.append(f"{n} {i['name']}: status MASTER but the kernel holds {held}")
                elif i["state"] != "MASTER" and held and not i["vips_held"]:
                    out.append(f"{n} {i['name']}: status {i['state']} but the kernel holds {held}")
                if i["state"] not in ("MASTER", "BACKUP"):
                    out.append(f"{n} {i['name']}: state {i['state']} after the faults healed")
        return out

    def transitions_since(self, marks):
        """{(node, instance): count} of logged transitions after marks."""
        counts = {}
        rx = re.compile(r"\[vr (\S+) vrid \d+\] (INIT|BACKUP|MASTER|FAULT) -> ")
        for n in NODES:
            for path in self.logs[n]:
                with open(path, errors="replace") as f:
                    f.seek(marks.get(path, 0))
                    for line in f:
                        m = rx.search(line)
                        if m:
                            counts[(n, m.group(1))] = counts.get((n, m.group(1)), 0) + 1
        return counts

    def log_marks(self):
        return {p: os.path.getsize(p) for n in NODES for p in self.logs[n]}

    def wait_converged(self):
        """ms until the invariants held (and still held STABLE_S later),
        or None with the last problems."""
        t0 = time.monotonic()
        deadline = t0 + BOUND_MS / 1000
        last = []
        while True:
            last = self.problems()
            if not last:
                ms = int((time.monotonic() - t0) * 1000)
                time.sleep(STABLE_S)
                last = self.problems()
                if not last:
                    return ms, []
                last = ["held, then broke again within %.1f s:" % STABLE_S] + last
            if time.monotonic() > deadline:
                return None, last
            time.sleep(0.05)

    def tail(self, node, lines=60):
        path = self.logs[node][-1]
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


# ---- the run ------------------------------------------------------------------------

def report_failure(ch, seed, step, faults, label, probs, log=sys.stdout):
    p = lambda *a: print(*a, file=log)  # noqa: E731
    if label == "transitions":
        p(f"\nFAILED: seed {seed}, step {step}: too many transitions (a bounce or a flap)")
    else:
        p(f"\nFAILED: seed {seed}, step {step} ({label}): not converged within {BOUND_MS} ms")
    for text in probs:
        p(f"  {text}")
    p(f"\nfaults so far (replay: tests/chaos/run.py --seed {seed} --steps {step}):")
    for i, f in enumerate(faults[:step], 1):
        p(f"  {i:4d}  {describe(f)}")
    for n in NODES:
        p(f"\n--- vipd on {n}: last lines ---")
        p(ch.tail(n).rstrip())


def run(seed, steps, keep_going):
    faults = draw_faults(seed, steps)
    times, failed, worst_tr = [], 0, 0
    print(f"chaos: seed {seed}, {steps} steps; convergence bound {BOUND_MS} ms "
          f"(Master_Down {MASTER_DOWN_MS} + gateway fall {GW_FALL * GW_INTERVAL_MS}"
          f" + timeout {GW_TIMEOUT_MS} + rise {GW_RISE * GW_INTERVAL_MS} + margin {MARGIN_MS})")
    with Lab() as lab:
        ch = Chaos(lab, seed)
        ms, probs = ch.wait_converged()
        if ms is None:
            report_failure(ch, seed, 0, faults, "start", probs)
            return 1
        for step, f in enumerate(faults, 1):
            marks = ch.log_marks()
            t_step = time.monotonic()
            ok = True
            for label in ch.run_fault(f):
                ms, probs = ch.wait_converged()
                if ms is None:
                    ok = False
                    report_failure(ch, seed, step, faults, label, probs)
                    break
                times.append(ms)
                print(f"step {step:4d} {describe(f)}: {label}: converged in {ms} ms", flush=True)
            counts = ch.transitions_since(marks)
            limit = TRANSITIONS_PER_FAULT * fault_count(f) * (2 if f["kind"] in (
                "drain", "reload_changed") else 1)
            bounced = {k: v for k, v in counts.items() if v > limit}
            worst_tr = max([worst_tr, *counts.values()])
            if ok and bounced:
                ok = False
                report_failure(ch, seed, step, faults, "transitions",
                               [f"{n} {i}: {v} transitions, at most {limit} for this step"
                                for (n, i), v in sorted(bounced.items())])
            if not ok:
                failed += 1
                if not keep_going:
                    break
                ch.drained.clear()
                for n in NODES:
                    ch.ctl(n, "undrain")
            print(f"           ({time.monotonic() - t_step:.1f} s, most transitions of one "
                  f"instance: {max(counts.values(), default=0)})", flush=True)
        ran = step if faults else 0
    if times:
        print(f"\nconvergence after a fault healed: median {statistics.median(times):.0f} ms, "
              f"max {max(times)} ms over {len(times)} checkpoints; most transitions of one "
              f"instance in one step: {worst_tr}")
    print(f"chaos: {ran - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--list", action="store_true", help="print the faults and exit")
    ap.add_argument("--keep-going", action="store_true",
                    help="after a failure, go on with the next step")
    args = ap.parse_args()
    if args.list:
        for i, f in enumerate(draw_faults(args.seed, args.steps), 1):
            print(f"{i:4d}  {describe(f)}")
        return 0
    if os.geteuid() != 0:
        print("chaos: run as root (it creates network namespaces)", file=sys.stderr)
        return 2
    try:
        return run(args.seed, args.steps, args.keep_going)
    except (LabError, OSError, subprocess.SubprocessError) as e:
        print(f"chaos: lab error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
