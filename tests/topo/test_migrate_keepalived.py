"""A rolling migration from keepalived to vipd with no outage
(docs/migrate-from-keepalived.md): two nodes run keepalived with a pair of
files (Active-Active on eth0: VRID 51 preferred by a, 52 by b; with VRRPv3 at
100 ms also an IPv6 instance, VRID 61, preferred by a; with keepalived's
default VRRPv2 at 1 s IPv4 only), `vipctl import keepalived` writes the
cluster file, node b is switched to vipd (which then speaks VRRP with
keepalived on a), then node a.

A client pings every VIP throughout, and both nodes' addresses are sampled:
- no VIP is held by both nodes in two samples in a row (a takeover may
  overlap one sample: the new master adds before the old one removes);
- switching a node moves only the VIPs that node held: each goes to the
  peer once (keepalived's priority-0 advert at its stop) and comes back
  once (vipd preempts as keepalived did); the peer's VIPs never move;
- no VIP is unanswered longer than one failover time.
"""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

import conftest

from lab import Lab, wait_until
from vrrp_topo import NODE_ADDR, Cluster
from vipd_env import VIPCTL

def failover_s(advert_s):
    """One failover: Master_Down_Interval (3 adverts + skew), then GARP/NA
    reach the client; a loaded machine gets half a second on top."""
    return 3 * advert_s + advert_s + 0.5


V4_VIPS = {  # VIP -> (VRID, the node that prefers it)
    "192.0.2.51/24": (51, "a"),
    "192.0.2.52/24": (52, "b"),
}
VIPS = {**V4_VIPS, "2001:db8::61/64": (61, "a")}

CASES = [
    # keepalived's vrrp_version (None: its default, 2), advert_int, the VIPs
    pytest.param(3, 0.1, VIPS, id="v3-100ms-ipv4-ipv6"),
    pytest.param(None, 1, V4_VIPS, id="v2-default-1s-ipv4"),
]


def ka_conf(node, version=3, advert_s=0.1, vips=VIPS):
    """keepalived.conf of node, in the usual production shape."""
    me, peer = NODE_ADDR[node], NODE_ADDR["b" if node == "a" else "a"]

    def prio(pref):
        return 150 if pref == node else 100

    def inst(name, vrid, pref, vip, fam):
        return f"""
vrrp_instance {name} {{
    state {"MASTER" if pref == node else "BACKUP"}
    interface eth0
    virtual_router_id {vrid}
    priority {prio(pref)}
    advert_int {advert_s}
{"    native_ipv6" if fam == 6 else ""}
    unicast_src_ip {me[0 if fam == 4 else 1]}
    unicast_ttl 255
    unicast_peer {{
        {peer[0 if fam == 4 else 1]}
    }}
    virtual_ipaddress {{
        {vip} dev eth0
    }}
    notify_master "/bin/true"
}}
"""
    names = {51: "VI_WEB_A", 52: "VI_WEB_B", 61: "VI_WEB6"}
    return (f"""! keepalived on {node}
global_defs {{
    router_id lb-{node}
{f"    vrrp_version {version}" if version else ""}
    vrrp_garp_master_repeat 3
}}
""" + "".join(inst(names[vrid], vrid, pref, vip, 6 if ":" in vip else 4)
              for vip, (vrid, pref) in vips.items()))


@pytest.fixture
def mig_lab(request):
    if shutil.which("keepalived") is None:
        pytest.fail("keepalived is not installed (scripts/install-deps.sh)", pytrace=False)
    with Lab(prefix=f"imp17-{os.getpid()}") as the_lab:
        request.node.stash[conftest._LAB_KEY] = the_lab  # its logs in a failure's report
        yield the_lab


class Pinger:
    """ping -D at 20 ms from the client to one VIP; the reply times."""

    def __init__(self, c, vip):
        ip = vip.split("/")[0]
        self.proc = c.lab.popen(c.ns["client"], ["ping", "-6" if ":" in ip else "-4", "-D",
                                                 "-n", "-i", "0.02", "-W", "1", ip],
                                log=f"ping-{ip.replace(':', '_')}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=5)
        with open(self.proc.log_path) as f:
            return [float(m.group(1)) for m in
                    re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", f.read(), re.M)]


class Sampler(threading.Thread):
    """Which node holds each VIP, sampled until stopped: [(t, {vip: {nodes}})]."""

    def __init__(self, c, vips):
        super().__init__(daemon=True)
        self.c, self.vips, self.samples, self.done = c, vips, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            held = {v: set() for v in self.vips}
            for node in ("a", "b"):
                have = self.c.addrs(node)
                for v in self.vips:
                    if v in have:
                        held[v].add(node)
            self.samples.append((time.time(), held))
            time.sleep(0.02)

    def stop(self):
        self.done.set()
        self.join(timeout=10)
        return self.samples


def holders(samples, vip, t0, t1):
    """The successive single holders of vip in [t0, t1) (overlaps and gaps
    of one sample left out), and whether two samples in a row saw both."""
    seq, dual_run, both_twice = [], 0, False
    for t, held in samples:
        h = held[vip]
        if t < t0 and len(h) == 1:
            seq = [next(iter(h))]  # the holder when the phase begins
        if not t0 <= t < t1:
            continue
        dual_run = dual_run + 1 if len(h) == 2 else 0
        both_twice |= dual_run >= 2
        if len(h) == 1 and (not seq or seq[-1] != next(iter(h))):
            seq.append(next(iter(h)))
    return seq, both_twice


def max_gap(times, t0, t1):
    ts = [t for t in times if t0 <= t <= t1]
    if len(ts) < 2:
        return float("inf")
    return max(b - a for a, b in zip([t0] + ts, ts + [t1]))




def ka_stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def on(c, node, vip):
    return vip in c.addrs(node)


def settled(c, vips):
    """Every VIP on the node that prefers it, and only there."""
    return all(on(c, pref, v) and not on(c, "b" if pref == "a" else "a", v)
               for v, (_, pref) in vips.items())


@pytest.mark.parametrize("version,advert_s,vips", CASES)
def test_rolling_migration_from_keepalived_moves_each_vip_once_per_switched_node(
        mig_lab, version, advert_s, vips):
    c = Cluster(mig_lab)
    work = mig_lab.workdir
    tmo = 10 + 6 * advert_s
    confs = {}
    ka = {}
    for node in ("a", "b"):
        text = ka_conf(node, version, advert_s, vips)
        confs[node] = os.path.join(work, f"keepalived-{node}.conf")
        with open(confs[node], "w") as f:
            f.write(text)
        ka[node] = c.start_keepalived(node, text)
    wait_until(lambda: settled(c, vips), timeout=tmo, what="keepalived pair settled")

    # the import, as docs/migrate-from-keepalived.md runs it
    imp = subprocess.run([VIPCTL, "import", "keepalived", confs["a"], confs["b"],
                          "--nodes", "a,b", "--name", "migration"],
                         capture_output=True, text=True, timeout=30)
    assert imp.returncode == 0, imp.stderr
    # the one warning of this pair: router_id (the node names come from --nodes)
    others = [l for l in imp.stderr.splitlines() if "router_id is not carried over" not in l]
    assert not others, "\n".join(others)
    c.write_config(imp.stdout)
    v = subprocess.run([VIPCTL, "-c", c.config_path, "validate"], capture_output=True,
                       text=True)
    assert v.returncode == 0 and not v.stderr, v.stderr

    pingers = {vip: Pinger(c, vip) for vip in vips}
    sampler = Sampler(c, vips)
    sampler.start()
    time.sleep(1)
    marks = [time.time()]

    # switch b: keepalived stops (priority 0: a takes VRID 52 at once),
    # vipd starts and takes VRID 52 back, speaking VRRP with keepalived on a
    ka_stop(ka["b"])
    wait_until(lambda: on(c, "a", "192.0.2.52/24"), timeout=tmo, what="a takes 52")
    c.start("b")
    wait_until(lambda: settled(c, vips), timeout=tmo, what="settled with vipd on b")
    time.sleep(max(2, 4 * advert_s))  # keepalived on a and vipd on b side by side
    marks.append(time.time())

    # switch a the same way
    ka_stop(ka["a"])
    wait_until(lambda: on(c, "b", "192.0.2.51/24"), timeout=tmo, what="b takes 51")
    c.start("a")
    wait_until(lambda: settled(c, vips), timeout=tmo, what="settled with vipd on both")
    time.sleep(1)
    marks.append(time.time())

    samples = sampler.stop()
    replies = {vip: p.stop() for vip, p in pingers.items()}

    for vip, (vrid, pref) in vips.items():
        other = "b" if pref == "a" else "a"
        for phase, switched in ((0, "b"), (1, "a")):
            seq, dual = holders(samples, vip, marks[phase], marks[phase + 1])
            assert not dual, f"{vip} on both nodes in two samples in a row ({switched})"
            if switched == pref:  # its node is switched: away once, back once
                assert seq == [pref, other, pref], f"{vip} while {switched} switched: {seq}"
            else:  # the peer's switch does not move it
                assert seq == [pref], f"{vip} while {switched} switched: {seq}"
        gap = max_gap(replies[vip], marks[0], marks[2])
        bound = failover_s(advert_s)
        assert gap <= bound, f"{vip}: no answer for {gap:.2f}s (bound {bound}s)"

    # vipd and keepalived understood each other: vipd counted no drop
    for node in ("a", "b"):
        for inst in c.status(node)["instances"]:
            assert sum(inst["counters"]["drops"].values()) == 0, (node, inst["name"],
                                                                  inst["counters"]["drops"])
    st = {i["vrid"]: i for i in c.status("b")["instances"]}
    assert st[52]["state"] == "MASTER" and st[51]["state"] == "BACKUP"
