"""Adverts authenticated with IPsec AH (issue 12, docs/security.md,
"Authenticating adverts with IPsec AH"): an AH transport-mode policy on IP
protocol 112 between the communication pair, level required, in both
directions and both families. The protected pair elects one master and
fails over when it is SIGKILLed; a forger on the segment (the lab's client)
that sends adverts in a node's name without AH is dropped by the kernel:
nothing moves and vipd never sees them. Each test runs unicast (the
communication pair's addresses) and multicast (each node's address to the
group, the in policy for any source). The first test is the control: the
same forgeries without the policy move the VIPs and are counted, so the
protected tests can fail.

The protected tests need AH (CONFIG_INET_AH, CONFIG_INET6_AH): this
machine's kernel has neither, nor ESP; user-mode Linux has both as modules,
so they run under tests/lab/kernel-run (scripts/check-kernel.sh).
Same lab as test_vrrp_failover.py (tests/topo/vrrp_topo.py)."""

import os
import re
import signal
import time

import pytest

from lab import wait_until
from vrrp_topo import CLIENT_ADDR, NODE_ADDR, Cluster, Forger, config, raw_vrrp

V4, V6 = "eth0/master/ipv4/vrrp", "eth0/master/ipv6/vrrp"
VIP4, VIP6 = "192.0.2.200/24", "2001:db8::200/64"
# the backup's Master_Down_Interval at 100 ms and priority 100 (361 ms), with margin
MASTER_DOWN_S = 0.361
SETTLE_S = 3 * MASTER_DOWN_S
GROUP4, GROUP6 = "224.0.0.18", "ff02::12"


def forgeries(c):
    """Unprotected adverts a forger sends in a node's name: (what, to, packet).
    The first three fail vipd's own checks (test_vrrp_spoof.py) and are
    counted; the last two pass every check (docs/security.md, "The
    adverts") and move the VIP."""
    vrid = c.instance("a", V4)["vrid"]
    a, b = NODE_ADDR["a"][0], NODE_ADDR["b"][0]
    return [
        ("priority 255", a, raw_vrrp(b, a, vrid, priority=255, vips=[VIP4])),
        ("interval 4095 cs", a, raw_vrrp(b, a, vrid, priority=254, interval_cs=4095,
                                         vips=[VIP4])),
        ("another VIP set", a, raw_vrrp(b, a, vrid, priority=254, vips=["192.0.2.250/24"])),
        ("priority 254, every check passed", a, raw_vrrp(b, a, vrid, priority=254, vips=[VIP4])),
        ("priority 0 to the backup", b, raw_vrrp(a, b, vrid, priority=0, vips=[VIP4])),
    ]


def mc_forgeries(c):
    """The same for multicast adverts (to the group, where any sender on the
    link is heard): a stranger with a higher priority makes the master step
    down; a priority 0 in a's name makes b take over."""
    vrid = c.instance("a", V4)["vrid"]
    return [
        ("a stranger, priority 254", GROUP4, raw_vrrp(CLIENT_ADDR[0], GROUP4, vrid, priority=254,
                                                      vips=[VIP4])),
        ("priority 0 in a's name", GROUP4, raw_vrrp(NODE_ADDR["a"][0], GROUP4, vrid, priority=0,
                                                    vips=[VIP4])),
    ]


def up(lab, protect, multicast=False):
    c = Cluster(lab)
    if multicast:
        # the forger's packets to 224.0.0.18 leave by its eth0
        c.ns["client"].ip("route add 224.0.0.0/4 dev eth0")
    if protect:
        ah_pair(c, multicast)
    c.write_config(config(vips_master=[VIP4, VIP6], unicast=not multicast))
    c.start("a")
    c.start("b")
    for name in (V4, V6):
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    return c


def link_local(c, node):
    addrs = c.ns[node].json("-6 addr show dev eth0 scope link")[0]["addr_info"]
    return next((a["local"] for a in addrs if "local" in a and not a.get("tentative")), None)


def ah_pair(c, multicast=False):
    """docs/security.md's commands for the lab's pair, IPv4 and IPv6: one SA
    per sender (its own SPI and key), and on each node an out and an in
    policy for protocol 112 with level required. Unicast: between the
    pair's addresses. Multicast: from each node's address (IPv6: its
    link-local one, which multicast adverts come from) to the group, and
    the in policy for every source: any sender on the link is heard."""
    keys = {d: "0x" + os.urandom(32).hex() for d in ("a", "b")}
    for fam in (0, 1):
        if multicast and fam == 1:
            lls = wait_until(lambda: [link_local(c, n) for n in ("a", "b")]
                             if all(link_local(c, n) for n in ("a", "b")) else None,
                             timeout=5, interval=0.05, what="link-local addresses")
            a, b = lls
        else:
            a, b = NODE_ADDR["a"][fam], NODE_ADDR["b"][fam]
        plen = "32" if fam == 0 else "128"
        group = (GROUP4, GROUP6)[fam] if multicast else None
        anyone = ("0.0.0.0/0", "::/0")[fam]
        for node, me, peer in (("a", a, b), ("b", b, a)):
            ns = c.ns[node]
            for src, dst, spi, key in ((a, group or b, 0x1000 + fam, keys["a"]),
                                       (b, group or a, 0x2000 + fam, keys["b"])):
                ns.ip(["xfrm", "state", "add", "src", src, "dst", dst, "proto", "ah", "spi",
                       hex(spi), "mode", "transport", "auth-trunc", "hmac(sha256)", key, "128"])
            to = f"{group or peer}/{plen}"
            # IPv4: vipd writes the IP header itself (IP_HDRINCL), and the
            # kernel looks the out policy up with protocol 255 (IPPROTO_RAW)
            # for such a socket, not with the 112 in that header
            pols = [("out", f"{me}/{plen}", to, "112")]
            if fam == 0:
                pols.append(("out", f"{me}/{plen}", to, "255"))
            pols.append(("in", anyone if multicast else f"{peer}/{plen}",
                         f"{group or me}/{plen}", "112"))
            for d, src, dst, proto in pols:
                ns.ip(["xfrm", "policy", "add", "src", src, "dst", dst, "proto", proto, "dir",
                       d, "tmpl", "proto", "ah", "mode", "transport", "level", "required"])


def xfrm_stat(c, node):
    """/proc/net/xfrm_stat of a node's namespace (the counters are per namespace)."""
    out = c.ns[node].run(["cat", "/proc/net/xfrm_stat"]).stdout
    return {k: int(v) for k, v in re.findall(r"^(\w+)\s+(\d+)$", out, re.MULTILINE)}


def ah_packets(c, node):
    """Packets through each AH SA of a node, by (src, dst): `ip -s xfrm state`."""
    out = c.ns[node].run(["ip", "-s", "xfrm", "state"]).stdout
    sas = re.findall(r"^src (\S+) dst (\S+)\n.*?lifetime current:\n"
                     r"\s+\d+\(bytes\), (\d+)\(packets\)", out, re.MULTILINE | re.DOTALL)
    return {(s, d): int(n) for s, d, n in sas}


def seen(c, node):
    """Everything vipd counted of received packets on a node: per instance
    its transitions and drops, per socket its drops (status -o json)."""
    st = c.status(node)
    insts = {i["name"]: (i["counters"]["transitions"], i["counters"]["drops"])
             for i in st["instances"]}
    socks = {(s["interface"], s["family"]): s["drops"] for s in st["sockets"]}
    return insts, socks


def kernel_drops(c, node, family="ipv4"):
    """What the kernel says it dropped for a node's advert socket (SO_RXQ_OVFL)."""
    return sum(s["kernel_drops"] for s in c.status(node)["sockets"] if s["family"] == family)


def forge(c, lab, multicast):
    pkts = (mc_forgeries if multicast else forgeries)(c)
    forger = Forger(lab, c.ns["client"], [(pkt, to) for _, to, pkt in pkts])
    for i in range(len(pkts)):
        forger.send(i)


CASTS = [pytest.param(False, id="unicast"), pytest.param(True, id="multicast")]


@pytest.mark.parametrize("multicast", CASTS)
def test_without_ipsec_forgeries_move_the_vip_and_are_counted(lab, multicast):
    """The control: what the protected pair must not let through."""
    c = up(lab, protect=False, multicast=multicast)
    before = {n: c.instance(n, V4)["counters"]["transitions"] for n in ("a", "b")}
    forge(c, lab, multicast)
    # the passing forgeries make a step down and b take over (then preempt
    # gives the VIP back to a): both nodes count transitions
    wait_until(lambda: all(c.instance(n, V4)["counters"]["transitions"] > before[n]
                           for n in ("a", "b")),
               timeout=SETTLE_S, interval=0.02, what="the forgeries to move the VIP")
    if not multicast:
        drops = c.instance("a", V4)["counters"]["drops"]
        assert (drops["owner_priority"], drops["interval_out_of_bounds"],
                drops["vip_set_mismatch"]) == (1, 1, 1), drops
    assert kernel_drops(c, "a") == kernel_drops(c, "b") == 0


@pytest.mark.needs_ipsec
@pytest.mark.parametrize("multicast", CASTS)
def test_an_ipsec_protected_pair_elects_one_master_and_fails_over_on_sigkill(lab, multicast):
    c = up(lab, protect=True, multicast=multicast)
    a_srcs = {NODE_ADDR["a"][0], NODE_ADDR["a"][1], link_local(c, "a")}
    # the adverts did go through AH: b's SAs from a (IPv4, IPv6) counted them
    wait_until(lambda: sum(1 for (src, _), n in ah_packets(c, "b").items()
                           if src in a_srcs and n > 0) == 2,
               timeout=3, interval=0.05, what="adverts through the AH SAs")
    for vip in (VIP4, VIP6):
        assert vip in c.addrs("a") and vip not in c.addrs("b")
        assert c.client_ping(vip)
    c.signal("a", signal.SIGKILL)
    for name in (V4, V6):
        c.wait_state("b", name, "MASTER", timeout=3)
        assert c.instance("b", name)["last_transition"]["cause"] == "master-down"
    mac = c.mac("b")
    for vip in (VIP4, VIP6):
        assert vip in c.addrs("b")
        assert c.client_ping(vip)
        wait_until(lambda v=vip: c.client_neigh_mac(v) == mac, timeout=3, interval=0.05,
                   what=f"the client's neighbour entry of {vip} to be b's")


@pytest.mark.needs_ipsec
@pytest.mark.parametrize("multicast", CASTS)
def test_an_ipsec_protected_pair_drops_unprotected_forgeries_in_the_kernel(lab, multicast):
    c = up(lab, protect=True, multicast=multicast)
    before = {n: seen(c, n) for n in ("a", "b")}
    stat0 = {n: xfrm_stat(c, n) for n in ("a", "b")}
    kdrops0 = kernel_drops(c, "b")
    forge(c, lab, multicast)
    # the kernel refused them: unicast, a has four (sent to it in b's
    # name) and b one; multicast, b both and a the stranger's (one in a's
    # own name is a martian to a: routing drops it before IPsec looks).
    # The template does not match (no AH), so XfrmInTmplMismatch counts them
    want = {"a": 1, "b": 2} if multicast else {"a": 4, "b": 1}

    def refused():
        return {n: xfrm_stat(c, n)["XfrmInTmplMismatch"] - stat0[n]["XfrmInTmplMismatch"]
                for n in want}

    wait_until(lambda: all(refused()[n] >= want[n] for n in want),
               timeout=3, interval=0.02, what="the kernel to drop the forgeries")
    # longer than the Master_Down_Interval a stepped-down master would wait
    time.sleep(SETTLE_S)
    assert refused() == want
    # vipd never saw them: no transition, no drop counted anywhere
    assert {n: seen(c, n) for n in ("a", "b")} == before
    # but the kernel charged the refusals to b's advert socket, and said so
    # with the master's next advert (SO_RXQ_OVFL); a, the master, reads
    # no advert that could tell it
    assert kernel_drops(c, "b") - kdrops0 == want["b"]
    for name in (V4, V6):
        assert c.state("a", name) == "MASTER" and c.state("b", name) == "BACKUP"
    for vip in (VIP4, VIP6):
        assert vip in c.addrs("a") and vip not in c.addrs("b")
        assert c.client_ping(vip)
    assert c.client_neigh_mac(VIP4) == c.mac("a")
