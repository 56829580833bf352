"""The reconcile loop (DESIGN 3, issue 12: the kernel is the truth): a VIP
removed from the master behind vipd's back is re-added and announced at
once, and an instance whose VIP the kernel refuses resigns to the peer
until it can hold it again (docs/security.md, docs/convergence.md)."""

import datetime
import time

from lab import wait_until
from test_operator import Events, parse_metrics
from vrrp_topo import Cluster, NODE_ADDR, config

V4 = "eth0/master/ipv4/vrrp"
V6 = "eth0/master/ipv6/vrrp"
VIP4, VIP4X, VIP6 = "192.0.2.200/24", "192.0.2.202/24", "2001:db8::200/64"
REPAIR_MS = 100


def event_wall(ev):
    return datetime.datetime.strptime(ev["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def up(lab, vips):
    c = Cluster(lab)
    c.write_config(config(vips_master=vips))
    c.start("a")
    c.start("b")
    for v in vips:
        name = V6 if ":" in v else V4
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    return c


def client_at(c, node, vip, timeout=3):
    mac = c.mac(node)
    assert c.client_ping(vip), f"client cannot ping {vip}"
    wait_until(lambda: c.client_neigh_mac(vip) == mac, timeout=timeout, interval=0.05,
               what=f"client entry of {vip} to be {node}'s {mac} "
                    f"(is {c.client_neigh_mac(vip)})")


def test_ip_addr_flush_on_the_master_is_repaired_within_100ms(lab):
    """`ip addr flush dev eth0` on a removes its node address and both VIPs:
    the VIPs are back within 100 ms, announced once each, a stays MASTER and
    the client is served by a. (IPv4 only: the flush also takes a's own
    IPv6 address, which IPv6 adverts need as their source; vipd does not
    own node addresses.)"""
    c = up(lab, [VIP4, VIP4X])
    client_at(c, "a", VIP4)
    before = c.instance("a", V4)
    ev = Events(c, "a")
    time.sleep(0.2)
    # a's neighbour entry would still name a: make the client forget it, so
    # that it must learn it again from a's announcement or by asking
    c.ns["client"].ip(["neigh", "flush", "dev", "eth0"])
    t_flush = time.time()
    c.ns["a"].ip(["addr", "flush", "dev", "eth0"])
    wait_until(lambda: {VIP4, VIP4X} <= c.addrs("a"), timeout=2, interval=0.005,
               what="a's VIPs back after the flush")
    # when vipd re-added them (its events' wall clock), not when this
    # test's polling noticed: a loaded machine delays the poll, not vipd
    for vip in ("192.0.2.200", "192.0.2.202"):
        ev.next = 0  # either may come first
        got = ev.wait(lambda e: e["type"] == "vip_repair" and e["vip"] == vip)
        assert got["instance"] == V4 and got["repaired"] is True
        took_ms = (event_wall(got) - t_flush) * 1000
        assert took_ms <= REPAIR_MS, f"{vip} back {took_ms:.0f} ms after the flush began"
    ev.stop()
    time.sleep(0.5)
    inst = c.instance("a", V4)
    assert inst["state"] == "MASTER" and inst["healthy"] is True
    # `ip addr flush` dumps and deletes again until a dump finds nothing:
    # a VIP vipd put back between its rounds is deleted (and repaired) again
    assert inst["counters"]["vip_repairs"] >= 2
    assert inst["counters"]["transitions"] == before["counters"]["transitions"]
    assert inst["counters"]["garp_sent"] >= before["counters"]["garp_sent"] + 2
    assert inst["vips_missing"] == [] and inst["hold_error"] is None
    assert c.instance("b", V4)["state"] == "BACKUP"
    assert "VIP 192.0.2.200 removed by someone else: re-added" in c.log("a")
    for vip in (VIP4, VIP4X):
        assert vip not in c.addrs("b")
        client_at(c, "a", vip)
    fams = parse_metrics(c.vipctl("a", "metrics").stdout)
    hits = [s for s in fams["vipd_vip_repairs_total"]["samples"] if s[1]["instance"] == V4]
    assert len(hits) == 1 and hits[0][2] == inst["counters"]["vip_repairs"]


def test_a_vip_the_kernel_refuses_hands_over_to_the_peer_and_comes_back(lab):
    """IPv6 disabled on a's eth0 removes its IPv6 VIP and refuses it back
    (EACCES): the instance cannot hold it, resigns, and b serves the VIP;
    its IPv4 instance is untouched. IPv6 back (with a's own address): a's
    retry adds the VIP, it is healthy again and preempts."""
    c = up(lab, [VIP4, VIP6])
    client_at(c, "a", VIP6)
    c.ns["a"].run(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"])
    c.wait_state("b", V6, "MASTER", timeout=3)
    wait_until(lambda: (c.instance("a", V6)["hold_error"] or "").startswith(
        "cannot hold VIP 2001:db8::200: "), timeout=3, interval=0.05,
        what="a's V6 instance to say it cannot hold its VIP")
    inst = c.instance("a", V6)
    assert inst["healthy"] is False
    assert inst["health_reason"].startswith("cannot hold VIP 2001:db8::200")
    assert inst["priority"]["effective"] == 1
    assert VIP6 not in c.addrs("a")
    client_at(c, "b", VIP6)
    assert c.instance("a", V4)["state"] == "MASTER"
    client_at(c, "a", VIP4)

    c.ns["a"].run(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=0"])
    c.ns["a"].ip(["addr", "add", f"{NODE_ADDR['a'][1]}/64", "dev", "eth0", "nodad"])
    wait_until(lambda: c.instance("a", V6)["hold_error"] is None, timeout=3, interval=0.05,
               what="a's retry to add its IPv6 VIP")
    c.wait_state("a", V6, "MASTER", timeout=5)
    c.wait_state("b", V6, "BACKUP", timeout=5)
    assert c.instance("a", V6)["healthy"] is True
    assert VIP6 in c.addrs("a") and VIP6 not in c.addrs("b")
    client_at(c, "a", VIP6)
    assert "every VIP can be held again" in c.log("a")
