"""Hitless reload and drain, proven from the client's side.

Lab: nodes ``a`` and ``b`` with ``eth0`` on bridge br0 and ``eth1`` on
bridge br1 of a switch namespace; the client sits on both bridges
(``c0``, ``c1``) and pings every VIP every 10 ms (scripts/demo-probe.py
count), so a lost reply is a 10 ms hole in the service.

- A reload (``vipctl reload`` or SIGHUP) that adds a VIP to eth0 and changes
  eth1's VRRP parameters loses no reply for the VIPs whose instance did not
  change (eth0's); eth1's instances restart and their losses are measured.
- A refused reload changes nothing: status identical, exit 2, every error
  as FILE:LINE:COL.
- ``vipctl drain`` moves every VIP of the node to the peer and ``undrain``
  brings them back without losing a reply (make-before-break).

The measured numbers are printed (pytest -s shows them).
"""

import json
import os
import signal
import subprocess
import time

from lab import addr, bridge, veth, wait_until
from vipd_env import VIPCTL, VIPD, ROOT

PROBE = os.path.join(ROOT, "scripts", "demo-probe.py")

ETH0_M4, ETH0_M6, ETH0_B4 = "192.0.2.100/24", "2001:db8::100/64", "192.0.2.200/24"
ETH0_NEW = "192.0.2.101/24"
ETH1_M4, ETH1_B4 = "198.51.100.100/24", "198.51.100.200/24"
NODE = {"a": ("192.0.2.11", "2001:db8::11", "198.51.100.11"),
        "b": ("192.0.2.12", "2001:db8::12", "198.51.100.12")}


def config(eth0_master=(ETH0_M4, ETH0_M6), eth1_interval="100ms"):
    vips = ", ".join(f'"{v}"' for v in eth0_master)
    return f"""cluster:
  name: rdlab
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: 100ms, unicast: true, preempt: true,
          priority: {{preferred: 200, other: 100}}}}
  garp: {{count: 3, interval: 100ms}}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [{NODE['a'][0]}/24, "{NODE['a'][1]}/64"]
      b: [{NODE['b'][0]}/24, "{NODE['b'][1]}/64"]
    vips:
      master: [{vips}]
      backup: ["{ETH0_B4}"]
  eth1:
    type: ethernet
    vrrp: {{advert_interval: {eth1_interval}}}
    addresses:
      a: [{NODE['a'][2]}/24]
      b: [{NODE['b'][2]}/24]
    vips:
      master: ["{ETH1_M4}"]
      backup: ["{ETH1_B4}"]
"""


class TwoLegs:
    """Two nodes, two segments, a client on both, a vipd on each node."""

    def __init__(self, lab):
        self.lab = lab
        sw = lab.netns("sw")
        self.ns = {n: lab.netns(n) for n in ("a", "b", "client")}
        for n in ("a", "b"):
            veth(self.ns[n], "eth0", sw, f"p0{n}")
            veth(self.ns[n], "eth1", sw, f"p1{n}")
            addr(self.ns[n], "eth0", f"{NODE[n][0]}/24")
            addr(self.ns[n], "eth0", f"{NODE[n][1]}/64")
            addr(self.ns[n], "eth1", f"{NODE[n][2]}/24")
        veth(self.ns["client"], "c0", sw, "p0c")
        veth(self.ns["client"], "c1", sw, "p1c")
        bridge(sw, "br0", ["p0a", "p0b", "p0c"], mcast_snooping=0)
        bridge(sw, "br1", ["p1a", "p1b", "p1c"], mcast_snooping=0)
        addr(self.ns["client"], "c0", "192.0.2.50/24")
        addr(self.ns["client"], "c0", "2001:db8::50/64")
        addr(self.ns["client"], "c1", "198.51.100.50/24")
        self.config = os.path.join(lab.workdir, "cluster.yaml")
        self.procs = {}

    def write(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def sock(self, n):
        return os.path.join(self.lab.workdir, f"vipd-{n}.sock")

    def start(self, n):
        self.procs[n] = self.lab.popen(self.ns[n], [VIPD, "-c", self.config, "--node", n,
                                                    "--control", self.sock(n), "-f"],
                                       log=f"vipd-{n}")
        wait_until(lambda: self.vipctl(n, "status", check=False).returncode == 0,
                   timeout=10, interval=0.05, what=f"vipd on {n}")

    def vipctl(self, n, *args, check=True):
        return self.ns[n].run([VIPCTL, "--control", self.sock(n), *args], check=check)

    def status(self, n):
        return json.loads(self.vipctl(n, "status", "-o", "json").stdout)

    def masters(self, n):
        return sorted(i["name"] for i in self.status(n)["instances"] if i["state"] == "MASTER")

    def settled(self):
        """a is master of the master slots, b of the backup slots, VIPs in place."""
        want_a = sorted(["eth0/master/ipv4/vrrp", "eth0/master/ipv6/vrrp",
                         "eth1/master/ipv4/vrrp"])
        want_b = sorted(["eth0/backup/ipv4/vrrp", "eth1/backup/ipv4/vrrp"])
        wait_until(lambda: self.masters("a") == want_a and self.masters("b") == want_b,
                   timeout=10, interval=0.05, what="a and b to hold their slots")

    def probe(self, targets):
        """A counting probe on every target (addresses without prefix)."""
        proc = subprocess.Popen(
            self.ns["client"].argv(["/usr/bin/python3", PROBE, "count", "--interval", "0.01",
                                    "--warmup", "0.5", *targets]),
            stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.lab.track(proc)
        assert proc.stdout.readline().strip() == "ready"
        return proc

    @staticmethod
    def result(proc):
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        return json.loads(out.strip().splitlines()[-1])


def ip(vip):
    return vip.split("/")[0]


ALL = [ip(v) for v in (ETH0_M4, ETH0_M6, ETH0_B4, ETH1_M4, ETH1_B4)]
ETH0 = [ip(v) for v in (ETH0_M4, ETH0_M6, ETH0_B4)]
ETH1 = [ip(v) for v in (ETH1_M4, ETH1_B4)]


def up(lab):
    t = TwoLegs(lab)
    t.write(config())
    t.start("a")
    t.start("b")
    t.settled()
    return t


def report(what, res):
    lines = [f"{what}:"]
    for target, r in res.items():
        lines.append(f"  {target:<16} sent {r['sent']:4d} lost {r['lost']:3d} late {r['late']:3d}"
                     + (f" at {r['lost_at'][:6]}" if r["lost"] else ""))
    print("\n".join(lines))


def transitions(t, n):
    return {i["name"]: i["counters"]["transitions"] for i in t.status(n)["instances"]}


def reload_both(t, how):
    for n in ("a", "b"):
        if how == "vipctl":
            assert t.vipctl(n, "reload").returncode == 0
        else:
            before = t.status(n)["reloads"]
            os.kill(t.procs[n].pid, signal.SIGHUP)
            wait_until(lambda: t.status(n)["reloads"] == before + 1, timeout=5,
                       interval=0.02, what=f"SIGHUP reload on {n}")


def test_reload_adds_a_vip_and_restarts_a_changed_instance_without_losing_a_reply(lab):
    t = up(lab)
    before = {n: transitions(t, n) for n in "ab"}
    p = t.probe(ALL + [ip(ETH0_NEW)])
    time.sleep(0.5)
    t.write(config(eth0_master=(ETH0_M4, ETH0_M6, ETH0_NEW), eth1_interval="200ms"))
    reload_both(t, "vipctl")
    t.settled()
    time.sleep(0.8)
    res = TwoLegs.result(p)
    report("vipctl reload: VIP added to eth0, eth1's instances changed", res)
    for target in ETH0:  # their instances did not change (one got a VIP in place)
        assert res[target]["lost"] == 0 and res[target]["late"] == 0, (target, res[target])
    assert res[ip(ETH0_NEW)]["answered"] > 0
    for n in "ab":  # eth0's instances went through no transition
        after = transitions(t, n)
        for name, count in before[n].items():
            if name.startswith("eth0/"):
                assert after[name] == count, (n, name)
    inst = {i["name"]: i for i in t.status("a")["instances"]}
    assert inst["eth0/master/ipv4/vrrp"]["vips"] == [ETH0_M4, ETH0_NEW]
    assert inst["eth1/master/ipv4/vrrp"]["advert_interval_ms"] == 200


def test_sighup_reload_is_as_hitless_as_vipctl_reload(lab):
    t = up(lab)
    before = {n: transitions(t, n) for n in "ab"}
    p = t.probe(ALL)
    time.sleep(0.5)
    t.write(config(eth0_master=(ETH0_M4, ETH0_M6, ETH0_NEW), eth1_interval="200ms"))
    reload_both(t, "sighup")
    t.settled()
    time.sleep(0.8)
    res = TwoLegs.result(p)
    report("SIGHUP: VIP added to eth0, eth1's instances changed", res)
    for target in ETH0:
        assert res[target]["lost"] == 0 and res[target]["late"] == 0, (target, res[target])
    for n in "ab":
        after = transitions(t, n)
        assert all(after[k] == v for k, v in before[n].items() if k.startswith("eth0/"))
    assert ETH0_NEW in t.status("a")["instances"][0]["vips"]


def comparable(st):
    """What a refused reload must leave exactly as it was."""
    keep = ("name", "vrid", "state", "priority", "vips", "vips_held", "advert_interval_ms",
            "preempt", "peer", "address")
    insts = [{k: i.get(k) for k in keep} | {"transitions": i["counters"]["transitions"]}
             for i in st["instances"]]
    return {"config": st["config"], "reloads": st["reloads"], "drained": st["drained"],
            "instances": insts}


def test_a_refused_reload_changes_nothing_and_prints_every_error(lab):
    t = up(lab)
    before = comparable(t.status("a"))
    p = t.probe(ALL)
    good = open(t.config).read()
    bad = good.replace("  eth1:\n    type: ethernet\n",
                       "  eth1:\n    type: ethernet\n    mtu: 70000\n    colour: blue\n")
    bad = bad.replace('master: ["198.51.100.100/24"]', 'master: ["203.0.113.7/24"]')
    t.write(bad)
    cp = t.vipctl("a", "reload", check=False)
    assert cp.returncode == 2
    errors = [l for l in cp.stderr.splitlines() if l.startswith(t.config + ":")]
    assert len(errors) >= 3, cp.stderr  # mtu, colour, the VIP outside every subnet
    for line in errors:
        file_, line_no, col, rest = line.split(":", 3)
        assert line_no.isdigit() and col.isdigit() and rest.startswith(" error: "), line
    assert cp.stdout == ""
    os.kill(t.procs["a"].pid, signal.SIGHUP)
    wait_until(lambda: t.status("a")["reload_failures"] == 2, timeout=5, what="SIGHUP")
    time.sleep(0.3)
    res = TwoLegs.result(p)
    report("refused reload (vipctl and SIGHUP)", res)
    assert comparable(t.status("a")) == before
    assert all(r["lost"] == 0 for r in res.values()), res
    t.write(good)


def all_targets():
    return (ip(ETH0_B4), ip(ETH1_B4), ip(ETH0_M4), ip(ETH0_M6), ip(ETH1_M4))


def test_drain_and_undrain_move_every_vip_without_loss(lab):
    t = up(lab)
    p = t.probe(ALL)
    time.sleep(0.5)
    assert "drained" in t.vipctl("a", "drain").stdout
    wait_until(lambda: t.masters("a") == [], timeout=3, interval=0.02, what="a to drain")
    wait_until(lambda: len(t.masters("b")) == 5, timeout=3, interval=0.02,
               what="b to take every instance")
    time.sleep(0.8)
    drained = TwoLegs.result(p)
    report("drain a (all VIPs a -> b)", drained)
    held_a = t.ns["a"].json("addr show dev eth0")[0]["addr_info"]
    assert not any(a["local"] in (ip(ETH0_M4), ip(ETH0_M6)) for a in held_a)
    p = t.probe(ALL)
    time.sleep(0.5)
    t.vipctl("a", "undrain")
    t.settled()
    time.sleep(0.8)
    undrained = TwoLegs.result(p)
    report("undrain a (master VIPs b -> a)", undrained)
    # b's own VIPs never move; a's move twice, make-before-break both ways
    # (docs/operations.md): the new owner adds the VIPs and sends GARP before
    # its advert, and a draining master keeps them until it hears the peer.
    for target in all_targets():
        assert drained[target]["lost"] == 0, (target, drained[target])
        assert undrained[target]["lost"] == 0, (target, undrained[target])
