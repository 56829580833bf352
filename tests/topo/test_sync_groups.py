"""Sync groups and transition hooks (issue 13, docs/checks.md): two
segments (eth0, eth1: svc_topo.py's lab, eth1 standing for a second VLAN),
one master-slot VIP on each, node a preferred. In one sync group, a fault
on one segment moves both VIPs, so that the client reaches both on the
same node; the group's hooks run in transition order, one at a time."""

import os
import random
import stat
import time

from lab import wait_until
from svc_topo import VIP0, VIP1, SvcCluster, svc_config

INSTS = ("eth0/master/ipv4/vrrp", "eth1/master/ipv4/vrrp")
GROUP = "  web: {members: [eth0/master, eth1/master]%s}\n"
RECORDER = """#!/bin/sh
# a hook: one line per run, then a pause, so that runs overlap if they can
echo "start $1 $VIPD_STATE $VIPD_PREVIOUS $VIPD_GROUP [$VIPD_VIPS]" >> "$2"
sleep 0.3
echo "end $1" >> "$2"
"""


def up(lab, group=True, hooks=""):
    c = SvcCluster(lab)
    groups = "sync_groups:\n" + GROUP % hooks if group else ""
    c.write_config(svc_config("  {}", "", groups=groups).replace("checks:\n  {}\n", ""))
    c.start("a")
    c.start("b")
    for name in INSTS:
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    return c


def test_one_segment_cut_moves_both_vips_in_a_sync_group(lab):
    c = up(lab)
    c.port_down("a", 1)  # a loses eth1's link: that member goes to FAULT
    c.wait_state("a", INSTS[1], "FAULT", timeout=5)
    c.wait_state("b", INSTS[0], "MASTER", timeout=5)  # eth0 follows its group
    c.wait_state("b", INSTS[1], "MASTER", timeout=5)
    inst = c.instance("a", INSTS[0])
    assert inst["state"] == "BACKUP" and inst["health"]["healthy"] is False
    assert inst["health"]["sync_group"] == "web"
    assert inst["health"]["reason"].startswith("sync group web: eth1/master/ipv4/vrrp"), inst
    wait_until(lambda: c.reached_on("b", VIP0, "eth0"), timeout=3, interval=0.05,
               what="VIP0 through b")
    wait_until(lambda: c.reached_on("b", VIP1, "eth1"), timeout=3, interval=0.05,
               what="VIP1 through b")
    c.port_down("a", 1, down=False)
    for name in INSTS:  # together back
        c.wait_state("a", name, "MASTER", timeout=8)
    wait_until(lambda: c.reached_on("a", VIP0, "eth0") and c.reached_on("a", VIP1, "eth1"),
               timeout=3, interval=0.05, what="both VIPs through a again")


def test_without_a_sync_group_only_the_cut_segment_moves(lab):
    c = up(lab, group=False)
    c.port_down("a", 1)
    c.wait_state("b", INSTS[1], "MASTER", timeout=5)
    time.sleep(1)
    assert c.state("a", INSTS[0]) == "MASTER"  # split across nodes: what groups prevent
    assert c.state("b", INSTS[0]) == "BACKUP"


def recorder(lab):
    path = os.path.join(lab.workdir, "hook.sh")
    with open(path, "w") as f:
        f.write(RECORDER)
    os.chmod(path, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return path


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def test_group_hooks_run_in_transition_order_through_faults(lab):
    hook = recorder(lab)
    logs = {n: os.path.join(lab.workdir, f"hooks-{n}.log") for n in ("a", "b")}
    hooks = (f', hooks: {{master: [{hook}, master, HOOKLOG], backup: [{hook}, backup, HOOKLOG], '
             f'fault: [{hook}, fault, HOOKLOG]}}')
    c = SvcCluster(lab)
    text = {}
    for n in ("a", "b"):
        text[n] = svc_config("  {}", "", groups="sync_groups:\n" + GROUP % hooks.replace(
            "HOOKLOG", logs[n])).replace("checks:\n  {}\n", "")
    # one file per node (the hook's log path differs): same cluster otherwise
    for n in ("a", "b"):
        c.write_config(text[n], name=f"cluster-{n}.yaml")
        c.start(n)
    for name in INSTS:
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    rng = random.Random(13)
    for step in range(8):  # a short chaos run of link faults on either node
        node, seg = rng.choice("ab"), rng.choice((0, 1))
        c.port_down(node, seg)
        time.sleep(rng.uniform(0.1, 0.8))
        c.port_down(node, seg, down=False)
        time.sleep(rng.uniform(0.1, 1.2))
    for name in INSTS:  # settled: a holds the group again
        c.wait_state("a", name, "MASTER", timeout=10)
        c.wait_state("b", name, "BACKUP", timeout=10)
    time.sleep(1.5)  # the last hooks end (0.3 s each, at most one waiting)
    for n, final in (("a", "MASTER"), ("b", "BACKUP")):
        rec = records(logs[n])
        assert rec, f"no hook ran on {n}"
        # one at a time: every start is followed by its own end
        for i in range(0, len(rec) - 1, 2):
            assert rec[i][0] == "start" and rec[i + 1] == ["end", rec[i][1]], rec
        starts = [r for r in rec if r[0] == "start"]
        assert all(r[4] == "web" for r in starts)
        # each run's previous state is the one the run before it acted on
        for prev, cur in zip(starts, starts[1:]):
            assert cur[3] == prev[2], (prev, cur)
        assert starts[-1][2] == final, (n, starts[-1])
        assert starts[0][3] == "INIT"
        # the group's VIPs, both of them
        if starts[-1][2] == "MASTER":
            assert "192.0.2.150/24" in " ".join(starts[-1]) and \
                "203.0.113.150/24" in " ".join(starts[-1])
    st = c.status("a")
    hooks_a = [h for h in st["hooks"] if h["name"] == "web"][0]
    assert hooks_a["for"] == "group" and hooks_a["running"] is False
    assert sum(hooks_a["runs"].values()) == len([r for r in records(logs["a"])
                                                 if r[0] == "start"])
    metrics = c.vipctl("a", "metrics").stdout
    assert f'vipd_hook_runs_total{{group="web",hook="master",result="ok"}} ' \
        f'{hooks_a["runs"]["master"]}' in metrics, metrics
