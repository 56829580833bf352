#!/usr/bin/env python3
"""Gateway failover benchmark: vipd's gateway check against keepalived's
usual track_script, side by side, in ANCHORS.md's lab.

Lab (tests/topo/health_topo.py): nodes a (.11, preferred) and b (.12), a
client (.100) and the gateway (192.0.2.1) on one bridge; one VRRPv3
instance at 100 ms, unicast, preempt on, VIP 192.0.2.200. The fault: a
alone loses its gateway (a's and the gateway's bridge ports become
isolated ports: a still hears b and the client). The client pings the VIP
every 5 ms and records which MAC answers (bench/failover/probe.py).
Failover time = fault -> first reply from b's MAC.

- vipd: clusterIpMethod gw, gateway_check {interval: 100ms, timeout: 50ms,
  fall: 3, rise: 2}: ARP probes, a resigns with priority 0.
- keepalived: vrrp_script `ping -c1 -W1 192.0.2.1`, interval 1 s, fall 2,
  rise 2, weight -60 on priority 150 (b: 100): a drops to 90 and b
  preempts.

usage (root): bench/gateway/run.py [--reps N] [--only vipd|keepalived]
Needs a built vipd (VIPD_BUILD, default ./build) and keepalived. A
benchmark, not a test: it prints a table and exits 0; the goal is vipd
under 400 ms.
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

from health_topo import GW, HealthCluster  # noqa: E402
from lab import Lab, wait_until  # noqa: E402
from client import answered_by, probe  # noqa: E402
from stats import fmt_ms  # noqa: E402
from vrrp_topo import NODE_ADDR  # noqa: E402

VIP, VIP_IP = "192.0.2.200/24", "192.0.2.200"
NAME = "eth0/master/ipv4/gw"
PRIO_A, PRIO_B = 150, 100
GOAL_MS = 400

VIPD_CONFIG = f"""cluster:
  name: gwbench
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: 100ms, priority: {{preferred: {PRIO_A}, other: {PRIO_B}}}}}
  garp: {{count: 5, interval: 100ms}}
  gateway_check: {{interval: 100ms, timeout: 50ms, fall: 3, rise: 2}}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24, "2001:db8::11/64"]
      b: [192.0.2.12/24, "2001:db8::12/64"]
    gateway: {{ipv4: {GW[4]}}}
    vips:
      master:
        - {{address: {VIP}, clusterIpMethod: gw}}
"""


def keepalived_conf(node):
    src = NODE_ADDR[node][0]
    peer = NODE_ADDR["b" if node == "a" else "a"][0]
    prio = PRIO_A if node == "a" else PRIO_B
    return f"""global_defs {{
  router_id ka-{node}
  script_user root
  enable_script_security
  vrrp_garp_master_repeat 5
}}
vrrp_script chk_gw {{
  script "/usr/bin/ping -c1 -W1 {GW[4]}"
  interval 1
  fall 2
  rise 2
  weight -60
}}
vrrp_instance VI_51 {{
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
    {VIP} dev eth0
  }}
  track_script {{
    chk_gw
  }}
}}
"""


class Vipd:
    name = "vipd"
    setting = "gateway_check 100 ms, timeout 50 ms, fall 3"

    def __init__(self, c):
        self.c = c
        c.write_config(VIPD_CONFIG)

    def start(self, node):
        self.c.start(node)

    def a_is_master(self):
        return self.c.state("a", NAME) == "MASTER" and self.c.state("b", NAME) == "BACKUP"

    def a_is_healthy(self):
        return self.c.instance("a", NAME)["health"]["reason"] == "healthy"


class Keepalived:
    name = "keepalived"
    setting = "track_script ping -c1 -W1, interval 1 s, fall 2"

    def __init__(self, c):
        self.c = c

    def start(self, node):
        self.c.start_keepalived(node, keepalived_conf(node))

    def state(self, node):
        states = re.findall(r"Entering (MASTER|BACKUP) STATE", self.c.log(node))
        return states[-1] if states else None

    def a_is_master(self):
        return self.state("a") == "MASTER" and self.state("b") == "BACKUP"

    def a_is_healthy(self):
        log = self.c.log("a")
        ok, bad = log.rfind("chk_gw` succeeded"), log.rfind("chk_gw` failed")
        return ok > bad or (ok < 0 and bad < 0)


def settle(c, d):
    """a is healthy and master, b does not hold the VIP, the client talks to a."""
    wait_until(d.a_is_healthy, timeout=15, interval=0.05, what="a's gateway check to pass")
    wait_until(d.a_is_master, timeout=15, interval=0.05, what="a to be master")
    wait_until(lambda: VIP not in c.addrs("b"), timeout=5, what="VIP to leave b")
    mac_a = c.mac("a")
    wait_until(lambda: answered_by(c, VIP_IP, mac_a), timeout=10, interval=0.1, what="client to reach a")


def one_rep(c, d, window_s):
    mac_b = c.mac("b")
    phase = random.uniform(0, 1.0)  # the fault lands anywhere in a check period
    p = probe(c, VIP_IP, 0.5 + phase + window_s)
    time.sleep(0.5 + phase)
    t0 = time.time()
    c.cut_gateway("a", 4)
    out = json.loads(p.communicate()[0])
    after = [t for t, mac in out["replies"] if t > t0 and mac == mac_b]
    c.restore_gateway("a", 4)
    settle(c, d)
    return (after[0] - t0) * 1000 if after else None


def run(daemon_cls, reps):
    with Lab() as lab:
        c = HealthCluster(lab)
        d = daemon_cls(c)
        d.start("a")
        d.start("b")
        settle(c, d)
        window = 2.0 if daemon_cls is Vipd else 6.0
        results = []
        for i in range(reps):
            ms = one_rep(c, d, window)
            results.append(ms)
            print(f"  {d.name:10s} rep {i + 1}: "
                  f"{'no takeover' if ms is None else f'{ms:.0f} ms'}", file=sys.stderr)
        return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", choices=["vipd", "keepalived"])
    args = ap.parse_args()
    daemons = [x for x in (Vipd, Keepalived) if not args.only or x.name == args.only]
    res = {d.name: run(d, args.reps) for d in daemons}
    print(f"\ngateway lost on the master: fault -> first reply from the backup's MAC, "
          f"{args.reps} repetitions, median (min–max)\n")
    print("| daemon | check | failover |")
    print("|---|---|---|")
    for d in daemons:
        print(f"| {d.name} | {d.setting} | {fmt_ms(res[d.name])} |")
    ok = {n: [r for r in v if r is not None] for n, v in res.items()}
    if ok.get("vipd") and ok.get("keepalived"):
        ratio = statistics.median(ok["keepalived"]) / statistics.median(ok["vipd"])
        print(f"\nkeepalived / vipd (medians): {ratio:.1f}x")
    if ok.get("vipd"):
        worst = max(ok["vipd"])
        print(f"vipd goal < {GOAL_MS} ms: {'met' if worst < GOAL_MS else 'NOT met'} "
              f"(worst {worst:.0f} ms)")


if __name__ == "__main__":
    main()
