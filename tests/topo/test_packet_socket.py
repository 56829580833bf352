"""vrrp.packet_socket (docs/vrrp.md, "Packet socket"): the master's adverts
leave as link-layer frames, to the peer's MAC from the kernel's neighbour
table, and are taken by the peer as any advert: it stays BACKUP, and takes
over when the master dies, as without. While the kernel has no verified
entry for the peer (none yet, or stale) the adverts go through the IP
path, which makes the kernel resolve or verify it; afterwards frames
again. Unicast and multicast, IPv4 and IPv6, in the lab of vrrp_topo.py."""

import signal
import time

import pytest

from lab import wait_until
from vrrp_topo import NODE_ADDR, Cluster, config

V4 = "eth0/master/ipv4/vrrp"
V6 = "eth0/master/ipv6/vrrp"
VIP4, VIP6 = "192.0.2.200/24", "2001:db8::200/64"


def packet_config(unicast=True):
    text = config(vips_master=[VIP4, VIP6], interval="100ms", unicast=unicast)
    return text.replace("  vrrp: {", "  vrrp: {packet_socket: true, ", 1)


def counters(c, node, name):
    return c.instance(node, name)["counters"]


def up(lab, unicast=True):
    c = Cluster(lab)
    c.write_config(packet_config(unicast))
    c.start("a")
    c.start("b")
    for name in (V4, V6):
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    return c


def sent_and_frames(c):
    """Per instance, a's adverts sent and sent as frames, both from one
    status (read apart, an advert between the two reads made them look
    all frames: the flake of 2026-12-07 under ASan)."""
    out = {}
    for n in (V4, V6):
        cs = counters(c, "a", n)
        out[n] = (cs["adverts_sent"], cs["adverts_as_frames"])
    return out


def up_with_frames(lab):
    """The pair up and a's adverts leaving as frames."""
    c = up(lab)
    for name in (V4, V6):
        wait_until(lambda: counters(c, "a", name)["adverts_as_frames"] > 0, timeout=5,
                   interval=0.1, what=f"{name}: adverts as frames")
    return c


def since(c, before):
    """Per instance, (sent, frames) since before (sent_and_frames)."""
    now = sent_and_frames(c)
    return {n: (now[n][0] - before[n][0], now[n][1] - before[n][1]) for n in now}


def frames_flow(c, name, seconds=1.0):
    """Adverts a sent as frames, and b received, over the next seconds."""
    sent0, got0 = counters(c, "a", name)["adverts_as_frames"], \
        counters(c, "b", name)["adverts_received"]
    time.sleep(seconds)
    return (counters(c, "a", name)["adverts_as_frames"] - sent0,
            counters(c, "b", name)["adverts_received"] - got0)


@pytest.mark.parametrize("unicast", [True, False], ids=["unicast", "multicast"])
def test_frames_are_taken_as_adverts_and_a_dead_master_is_taken_over(lab, unicast):
    c = up(lab, unicast)
    for name in (V4, V6):
        # unicast: the first adverts resolve the peer through the IP path
        wait_until(lambda: counters(c, "a", name)["adverts_as_frames"] > 0, timeout=5,
                   interval=0.1, what=f"{name}: adverts as frames")
        frames, received = frames_flow(c, name)
        # 10 adverts a second; b takes every one that left as a frame
        assert frames >= 8, (name, frames)
        assert received >= frames - 1, (name, frames, received)
        assert c.state("b", name) == "BACKUP"
        assert counters(c, "b", name)["drops"]["bad_ttl"] == 0
    c.signal("a", signal.SIGKILL)
    for name in (V4, V6):
        c.wait_state("b", name, "MASTER", timeout=3)
    assert VIP4 in c.addrs("b") and VIP6 in c.addrs("b")


def test_an_unverified_neighbour_takes_the_ip_path_until_the_kernel_verifies_it(lab):
    """The peer's entry flushed on a: the next adverts go through the IP
    path (the kernel resolves the peer again), then frames again; b never
    misses the master."""
    c = up_with_frames(lab)
    before = sent_and_frames(c)
    for fam, addr in (("-4", NODE_ADDR["b"][0]), ("-6", NODE_ADDR["b"][1])):
        c.ns["a"].run(["ip", fam, "neigh", "flush", "to", addr])
    time.sleep(2.5)
    for name, (sent, frames) in since(c, before).items():
        assert sent >= 20, (name, sent)
        # some through the IP path while the entry was missing, most as frames
        assert 0 < frames < sent, (name, sent, frames)
        assert c.state("b", name) == "BACKUP"
        assert counters(c, "b", name)["transitions"] == 1  # INIT -> BACKUP only


def neigh_state(c, fam, addr):
    """The state word of a's entry for addr ("REACHABLE", "STALE", ...)."""
    out = c.ns["a"].run(["ip", fam, "neigh", "show", "to", addr]).stdout.split()
    return out[-1] if out else None


def test_a_stale_neighbour_is_verified_and_frames_go_on(lab):
    """The peer's entry made STALE on a (as the kernel does once it has not
    been confirmed for a while): one advert takes the IP path, which makes
    the kernel verify the entry, and the others keep leaving as frames to
    its MAC (the kernel tells only the end of the verification); b never
    misses the master."""
    c = up_with_frames(lab)
    entries = []
    for fam, addr in (("-4", NODE_ADDR["b"][0]), ("-6", NODE_ADDR["b"][1])):
        words = c.ns["a"].run(["ip", fam, "neigh", "show", "to", addr]).stdout.split()
        entries.append((fam, addr, words[words.index("dev") + 1],
                        words[words.index("lladdr") + 1]))

    def set_nud(nud):
        for fam, addr, dev, mac in entries:
            c.ns["a"].run(["ip", fam, "neigh", "change", addr, "dev", dev, "lladdr", mac,
                           "nud", nud])

    # verified first: the entry may have gone STALE on its own while the
    # pair came up (b's ARP or NS makes a's entry for b STALE)
    set_nud("reachable")
    time.sleep(0.3)
    before = sent_and_frames(c)
    set_nud("stale")
    time.sleep(2.0)
    for fam, addr in (("-4", NODE_ADDR["b"][0]), ("-6", NODE_ADDR["b"][1])):
        # the IP path's advert set the kernel's verification going
        assert neigh_state(c, fam, addr) != "STALE", (fam, neigh_state(c, fam, addr))
    for name, (sent, frames) in since(c, before).items():
        assert sent >= 15, (name, sent)
        # one through the IP path (the race of a's own read may add one)
        assert sent - 2 <= frames < sent, (name, sent, frames)
        assert c.state("b", name) == "BACKUP"
        assert counters(c, "b", name)["transitions"] == 1


def test_without_the_key_nothing_leaves_as_a_frame(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4], interval="100ms"))
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    time.sleep(0.5)
    assert counters(c, "a", V4)["adverts_sent"] > 0
    assert counters(c, "a", V4)["adverts_as_frames"] == 0
