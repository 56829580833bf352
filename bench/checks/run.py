#!/usr/bin/env python3
"""Service-check benchmark: vipd's local service checks against keepalived's
track_script, side by side, in one lab (tests/topo/svc_topo.py: nodes a
(preferred) and b, a client, one VRRPv3 instance at 100 ms, unicast,
preempt on, VIP 192.0.2.150 on eth0).

1. Failover: the service on a fails, the client pings the VIP every 5 ms
   and records which MAC answers (bench/failover/probe.py). Time = fault ->
   first reply from b's MAC. Two faults:
   - process: the service process (`svcproc`) is killed.
     vipd: {type: process}, interval 100 ms, fall 2.
     keepalived: `killall -0 svcproc`, interval 1 s, fall 1 (the fastest
     keepalived accepts: whole seconds).
   - tcp: the service's port closes (its listener is killed).
     vipd: {type: tcp}, interval 100 ms, timeout 80 ms, fall 2.
     keepalived: `bash -c '</dev/tcp/127.0.0.1/8080'`, interval 1 s, fall 1.
   Both track the check bare: vipd resigns, keepalived enters FAULT.
2. CPU: 50 checks on a healthy node for --seconds: vipd 25 process + 25 tcp
   checks at 100 ms; keepalived 25 `killall -0` + 25 `</dev/tcp` scripts
   at 1 s. CPU = user + system time of the daemon's processes and every
   child they reaped (/proc/PID/stat utime, stime, cutime, cstime).

usage (root): bench/checks/run.py [--reps N] [--seconds S] [--only vipd|keepalived]
A benchmark, not a test: it prints a table and exits 0. The goal: vipd at
least 3x faster to fail over and at least 10x less CPU.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from lab import Lab, wait_until  # noqa: E402
from client import answered_by, probe  # noqa: E402
from stats import fmt_ms  # noqa: E402
from svc_topo import SvcCluster, VIP0  # noqa: E402
from vrrp_topo import NODE_ADDR  # noqa: E402

VIP_IP = VIP0.split("/")[0]
NAME = "eth0/master/ipv4/vrrp"
PORT = 8080
N_CHECKS = 50
GOAL_SPEED, GOAL_CPU = 3.0, 10.0

TCP_SERVER = ("import socket\n"
              "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
              f"s.bind(('127.0.0.1',{PORT}));s.listen(128)\n"
              "while True:\n  c,_=s.accept();c.close()\n")


# The lab's nodes share one pid namespace (real nodes do not): each node
# watches a process of its own name, svcproc-a or svcproc-b.
PROC_CHECK = "{type: process, name: svcproc-NODE, interval: 100ms, fall: 2, rise: 2}"
TCP_CHECK = (f"{{type: tcp, address: 127.0.0.1, port: {PORT}, interval: 100ms, "
             "timeout: 80ms, fall: 2, rise: 2}")


def vipd_config(kinds, node):
    """One check per kind, c0 tracked (the others only run: the CPU case)."""
    checks = "\n".join(f"  c{i}: {PROC_CHECK if k == 'process' else TCP_CHECK}"
                       for i, k in enumerate(kinds)).replace("NODE", node)
    return f"""cluster:
  name: chkbench
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: 100ms, priority: {{preferred: 150, other: 100}}, track: [c0]}}
  garp: {{count: 5, interval: 100ms}}
checks:
{checks}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24]
      b: [192.0.2.12/24]
    vips:
      master: ["{VIP0}"]
"""


def kinds_for(kind, n):
    return [kind] if n == 1 else ["process" if i % 2 == 0 else "tcp" for i in range(n)]


def ka_script(kind, node):
    if kind == "process":
        return f"/usr/bin/killall -0 svcproc-{node}"
    return f"/bin/bash -c '</dev/tcp/127.0.0.1/{PORT}'"


def keepalived_conf(node, kinds):
    src = NODE_ADDR[node][0]
    peer = NODE_ADDR["b" if node == "a" else "a"][0]
    prio = 150 if node == "a" else 100
    # keepalived runs only the scripts an instance tracks
    tracked = "\n".join(f"    chk{i}" for i in range(len(kinds)))
    scripts = "".join(f"""vrrp_script chk{i} {{
  script "{ka_script(k, node)}"
  interval 1
  fall 1
  rise 1
}}
""" for i, k in enumerate(kinds))
    return f"""global_defs {{
  router_id ka-{node}
  script_user root
  enable_script_security
  vrrp_garp_master_repeat 5
}}
{scripts}vrrp_instance VI_51 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority {prio}
  advert_int 0.1
  version 3
  unicast_src_ip {src}
  unicast_ttl 255
  unicast_peer {{
    {peer}
  }}
  virtual_ipaddress {{
    {VIP0} dev eth0
  }}
  track_script {{
{tracked}
  }}
}}
"""


class Service:
    """The service on a node: a process named svcproc that listens on PORT."""

    def __init__(self, lab, c):
        self.lab, self.c = lab, c
        self.exe = {}
        for node in ("a", "b"):
            self.exe[node] = os.path.join(lab.workdir, f"svcproc-{node}")
            if not os.path.exists(self.exe[node]):
                os.symlink("/usr/bin/python3", self.exe[node])
        self.procs = {}

    def start(self, node):
        self.procs[node] = self.lab.popen(self.c.ns[node], [self.exe[node], "-c", TCP_SERVER],
                                          log=f"svc-{node}-{time.time():.3f}")
        wait_until(lambda: str(PORT) in self.c.ns[node].run(["ss", "-Hltn"]).stdout,
                   timeout=10, interval=0.05, what=f"service on {node}")

    def kill(self, node):
        p = self.procs.pop(node)
        t = time.time()
        p.kill()
        p.wait()
        return t


class Vipd:
    name = "vipd"

    def __init__(self, c, kind, n=1):
        self.c = c
        self.kinds = kinds_for(kind, n)

    def start(self, node):
        self.c.write_config(vipd_config(self.kinds, node), name=f"cluster-{node}.yaml")
        self.c.start(node)

    def pids(self):
        return [self.c.procs["a"].pid]

    def a_is_master(self):
        return self.c.state("a", NAME) == "MASTER" and self.c.state("b", NAME) == "BACKUP"

    def a_is_healthy(self):
        return self.c.instance("a", NAME)["health"]["healthy"]


class Keepalived:
    name = "keepalived"

    def __init__(self, c, kind, n=1):
        self.c = c
        self.kinds = kinds_for(kind, n)

    def start(self, node):
        self.c.start_keepalived(node, keepalived_conf(node, self.kinds))

    def pids(self):
        """a's keepalived: the parent and its VRRP child (which runs and
        reaps the scripts), from their pid files."""
        run = os.path.join(self.c.lab.workdir, "ka-a")
        pids = []
        for f in ("k.pid", "v.pid"):
            try:
                with open(os.path.join(run, f)) as fh:
                    pids.append(int(fh.read().strip()))
            except (OSError, ValueError):
                pass
        return pids

    def state(self, node):
        states = re.findall(r"Entering (MASTER|BACKUP|FAULT) STATE", self.c.log(node))
        return states[-1] if states else None

    def a_is_master(self):
        return self.state("a") == "MASTER" and self.state("b") == "BACKUP"

    def a_is_healthy(self):
        return self.state("a") in ("MASTER", "BACKUP")


def settle(c, d):
    wait_until(d.a_is_healthy, timeout=15, interval=0.05, what="a's check to pass")
    wait_until(d.a_is_master, timeout=15, interval=0.05, what="a to be master")
    mac_a = c.mac("a")
    wait_until(lambda: answered_by(c, VIP_IP, mac_a), timeout=10, interval=0.1, what="client to reach a")


def one_rep(c, d, svc, window_s):
    mac_b = c.mac("b")
    phase = random.uniform(0, 1.0)  # the fault lands anywhere in a check period
    p = probe(c, VIP_IP, 0.5 + phase + window_s)
    time.sleep(0.5 + phase)
    t0 = svc.kill("a")
    out = json.loads(p.communicate()[0])
    after = [t for t, mac in out["replies"] if t > t0 and mac == mac_b]
    svc.start("a")
    settle(c, d)
    return (after[0] - t0) * 1000 if after else None


def failover(daemon_cls, kind, reps):
    with Lab() as lab:
        c = SvcCluster(lab, eth1=False)
        svc = Service(lab, c)
        svc.start("a")
        svc.start("b")
        d = daemon_cls(c, kind)
        d.start("a")
        d.start("b")
        settle(c, d)
        window = 2.0 if daemon_cls is Vipd else 5.0
        results = []
        for i in range(reps):
            ms = one_rep(c, d, svc, window)
            results.append(ms)
            print(f"  {d.name:10s} {kind:7s} rep {i + 1}: "
                  f"{'no takeover' if ms is None else f'{ms:.0f} ms'}", file=sys.stderr)
        return results


def cpu_seconds(pids):
    """user + system of pids and of the children each reaped (s)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / tick


def cpu(daemon_cls, seconds):
    with Lab() as lab:
        c = SvcCluster(lab, eth1=False)
        svc = Service(lab, c)
        svc.start("a")
        svc.start("b")
        d = daemon_cls(c, "process", N_CHECKS)
        d.start("a")
        d.start("b")
        settle(c, d)
        pids = d.pids()
        before = cpu_seconds(pids)
        time.sleep(seconds)
        used = cpu_seconds(pids) - before
        print(f"  {d.name:10s} cpu: {used:.2f} s over {seconds} s", file=sys.stderr)
        return used / seconds * 100


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--only", choices=["vipd", "keepalived"])
    ap.add_argument("--cpu-only", action="store_true", help="skip the failover part")
    args = ap.parse_args()
    daemons = [x for x in (Vipd, Keepalived) if not args.only or x.name == args.only]
    res = {} if args.cpu_only else {(d.name, k): failover(d, k, args.reps)
                                    for k in ("process", "tcp") for d in daemons}
    load = {d.name: cpu(d, args.seconds) for d in daemons}
    print(f"\nservice failed on the master: fault -> first reply from the backup's MAC, "
          f"{args.reps} repetitions, median (min–max)\n")
    print("| fault | vipd (interval 100 ms, fall 2) | keepalived (track_script, 1 s, fall 1) |")
    print("|---|---|---|")
    for k in ("process", "tcp") if res else ():
        cells = [fmt_ms(res[(n, k)]) if (n, k) in res else "–" for n in ("vipd", "keepalived")]
        print(f"| {k} | {cells[0]} | {cells[1]} |")
    print(f"\nCPU of {N_CHECKS} checks, % of one core over {args.seconds} s:")
    print("| daemon | checks | CPU |")
    print("|---|---|---|")
    if "vipd" in load:
        print(f"| vipd | 25 process + 25 tcp, every 100 ms | {load['vipd']:.2f} % |")
    if "keepalived" in load:
        print(f"| keepalived | 25 killall -0 + 25 </dev/tcp, every 1 s | "
              f"{load['keepalived']:.2f} % |")
    for k in ("process", "tcp"):
        v = [r for r in res.get(("vipd", k), []) if r is not None]
        ka = [r for r in res.get(("keepalived", k), []) if r is not None]
        if v and ka:
            ratio = statistics.median(ka) / statistics.median(v)
            print(f"{k}: keepalived / vipd (medians) {ratio:.1f}x "
                  f"(goal >= {GOAL_SPEED:.0f}x: {'met' if ratio >= GOAL_SPEED else 'NOT met'})")
    if "vipd" in load and "keepalived" in load and load["vipd"] > 0:
        ratio = load["keepalived"] / load["vipd"]
        print(f"CPU: keepalived / vipd {ratio:.1f}x "
              f"(goal >= {GOAL_CPU:.0f}x: {'met' if ratio >= GOAL_CPU else 'NOT met'})")


if __name__ == "__main__":
    main()
