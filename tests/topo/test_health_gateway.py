"""Gateway checks decide, per VIP, where it lives (clusterIpMethod gw and
link+gw): the health lab of health_topo.py, gateway_check every 100 ms,
timeout 80 ms, fall 3, rise 2; VRRPv3 adverts every 100 ms. Assertions on
`vipctl status -o json` and on which node's MAC the client reaches."""

import datetime
import time

import pytest

from health_topo import GW, METHODS, VIPS, inst_name, up_health
from lab import wait_until

INTERVAL_MS, FALL, RISE, TIMEOUT_MS = 100, 3, 2, 80
SLACK_MS = 250  # scheduling, polling and the bridge command on a loaded machine


def wall(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def other(family):
    return 6 if family == 4 else 4


@pytest.mark.parametrize("family", [4, 6], ids=["ipv4", "ipv6"])
def test_gateway_lost_on_master_moves_its_gw_and_link_gw_vips_only(lab, family):
    c = up_health(lab)
    moved = ("gw", "link+gw")
    t0 = time.time()
    c.cut_gateway("a", family)
    for m in moved:
        c.wait_state("b", inst_name(family, m), "MASTER", timeout=5)
        c.wait_state("a", inst_name(family, m), "BACKUP", timeout=5)
        c.wait_owner(VIPS[family][m], "b")
        c.answered_by(VIPS[family][m], "b")
    time.sleep(0.5)  # would anything else move?
    a, b = c.instances("a"), c.instances("b")
    stay = [(family, "vrrp"), (family, "link")] + [(other(family), m) for m in METHODS]
    for fam, m in stay:
        name = inst_name(fam, m)
        assert a[name]["state"] == "MASTER" and b[name]["state"] == "BACKUP", name
        assert a[name]["counters"]["resignations"] == 0, name
        assert a[name]["health"]["healthy"], (name, a[name]["health"])
        c.wait_owner(VIPS[fam][m], "a", timeout=1)
    for fam, m in stay[:3]:
        c.answered_by(VIPS[fam][m], "a")

    gw_text = f"gateway {GW[family]} unreachable ({FALL}/{FALL} probes)"
    for m in moved:
        inst = a[inst_name(family, m)]
        assert inst["health"]["healthy"] is False
        assert inst["health"]["reason"] == gw_text
        assert inst["priority"] == {"effective": 1, "configured": 200}
        assert inst["last_transition"]["cause"] == "unhealthy"
        assert inst["last_transition"]["reason"] == "unhealthy: " + gw_text
        assert inst["counters"]["prio0_sent"] == 1  # resigned once
        sig = inst["health"]["signals"]["gateway"]
        assert sig["state"] == "down" and sig["address"] == GW[family]
        assert sig["source"] == ("192.0.2.11" if family == 4 else "2001:db8::11")
        assert sig["method"] == ("arp" if family == 4 else "nd")
        assert sig["reason"] == gw_text
        assert sig["probes_sent"] > sig["probes_answered"] > 0
        assert ("link" in inst["health"]["signals"]) == (m == "link+gw")
        peer = b[inst_name(family, m)]
        assert peer["last_transition"]["cause"] == "peer-resigned"
        assert peer["health"]["healthy"]
        # fall x interval + timeout to decide, then the peer takes over at once
        took = (wall(peer["last_transition"]["time"]) - t0) * 1000
        assert took <= FALL * INTERVAL_MS + TIMEOUT_MS + SLACK_MS, f"{m}: {took:.0f} ms"
    # the peer's own check of the same gateway is fine, and shared by both instances
    sig = b[inst_name(family, "gw")]["health"]["signals"]["gateway"]
    assert sig["state"] == "up" and sig["changes"] == 1  # unknown -> up, once
    assert b[inst_name(family, "link+gw")]["health"]["signals"]["gateway"]["probes_sent"] \
        >= sig["probes_sent"] - 2


def test_gateway_lost_on_both_nodes_every_vip_keeps_exactly_one_owner(lab):
    c = up_health(lab)
    c.gateway_down(4)
    for node in ("a", "b"):
        wait_until(lambda: not c.instances(node)[inst_name(4, "gw")]["health"]["healthy"],
                   timeout=5, interval=0.05, what=f"{node} to see the gateway gone")
    time.sleep(1.0)  # let every resignation and takeover settle
    snap = {n: c.instances(n) for n in ("a", "b")}
    for fam in (4, 6):
        for m in METHODS:
            name = inst_name(fam, m)
            masters = [n for n in ("a", "b") if snap[n][name]["state"] == "MASTER"]
            assert len(masters) == 1, f"{name}: masters {masters}"
            owner = c.owner_of(VIPS[fam][m])
            assert owner == masters, f"{VIPS[fam][m]} held by {owner}, master {masters}"
            assert c.client_ping(VIPS[fam][m]), f"client cannot reach {VIPS[fam][m]}"
    for m in ("gw", "link+gw"):
        for n in ("a", "b"):
            inst = snap[n][inst_name(4, m)]
            assert inst["priority"]["effective"] == 1
            assert inst["health"]["reason"] == f"gateway {GW[4]} unreachable (3/3 probes)"
    # and it stays that way: nobody keeps taking the VIPs from the other
    time.sleep(1.5)
    for n in ("a", "b"):
        now = c.instances(n)
        for name, inst in now.items():
            assert inst["counters"]["transitions"] == snap[n][name]["counters"]["transitions"], \
                (n, name)


@pytest.mark.parametrize("preempt", [True, False], ids=["preempt", "no-preempt"])
def test_gateway_back_after_rise_vips_return_with_preempt_or_stay_without(lab, preempt):
    c = up_health(lab, families=(4,), preempt=preempt)
    names = [inst_name(4, m) for m in ("gw", "link+gw")]
    c.cut_gateway("a", 4)
    for name in names:
        c.wait_state("b", name, "MASTER", timeout=5)
    t0 = time.time()
    c.restore_gateway("a", 4)
    wait_until(lambda: all(c.instances("a")[n]["health"]["healthy"] for n in names),
               timeout=5, interval=0.02, what="a healthy again")
    healthy_after = (time.time() - t0) * 1000
    a = c.instances("a")
    for name in names:
        sig = a[name]["health"]["signals"]["gateway"]
        assert sig["state"] == "up"
        assert sig["reason"] == f"gateway {GW[4]} answers ({RISE}/{RISE} probes)"
        assert a[name]["health"]["reason"] == "healthy"
        assert a[name]["priority"]["effective"] == 200
    # rise x interval, plus the probe in flight
    assert healthy_after <= (RISE + 1) * INTERVAL_MS + SLACK_MS, f"{healthy_after:.0f} ms"
    if preempt:
        for name, m in zip(names, ("gw", "link+gw")):
            c.wait_state("a", name, "MASTER", timeout=3)
            assert c.instances("a")[name]["last_transition"]["cause"] == "preempt"
            c.wait_owner(VIPS[4][m], "a")
            c.answered_by(VIPS[4][m], "a")
    else:
        time.sleep(1.5)
        for name, m in zip(names, ("gw", "link+gw")):
            assert c.state("b", name) == "MASTER" and c.state("a", name) == "BACKUP"
            assert c.owner_of(VIPS[4][m]) == ["b"]
            c.answered_by(VIPS[4][m], "b")


def test_flapping_gateway_is_damped_by_fall_and_rise(lab):
    """The gateway path of the master flaps: down 150 ms, up 150 ms, for
    3 s. A probe goes out every 100 ms and is answered within microseconds,
    so a down window of W ms fails at most floor(W / 100) + 1 probes in a
    row: fewer than fall = 3 while W < 200 ms. The gateway check can only
    go down in a window of 200 ms or more (measured below, with the
    bridge commands' own time counted in), and each such window allows one
    down and one up: the bound is 2 x (windows >= 200 ms), 0 when the
    switch kept time."""
    c = up_health(lab, families=(4,), methods=("vrrp", "gw"))
    name = inst_name(4, "gw")
    before = c.instances("a")[name]
    c._isolate("pg4", True)
    windows = []
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        t_on = time.monotonic()
        c._isolate("pa", True)
        time.sleep(max(0.0, 0.150 - (time.monotonic() - t_on)))
        c._isolate("pa", False)
        windows.append((time.monotonic() - t_on) * 1000)
        time.sleep(max(0.0, 0.150 - (time.monotonic() - t_on - windows[-1] / 1000)))
    c._isolate("pg4", False)
    time.sleep(0.5)
    after = c.instances("a")[name]
    long_windows = sum(1 for w in windows if w >= (FALL - 1) * INTERVAL_MS)
    bound = 2 * long_windows
    sig_b, sig_a = before["health"]["signals"]["gateway"], after["health"]["signals"]["gateway"]
    changes = sig_a["changes"] - sig_b["changes"]
    health = after["health"]["changes"] - before["health"]["changes"]
    moves = after["counters"]["transitions"] - before["counters"]["transitions"]
    info = (f"{len(windows)} windows, longest {max(windows):.0f} ms, {long_windows} >= 200 ms; "
            f"gateway changes {changes}, health changes {health}, transitions {moves}; "
            f"{sig_a['probes_sent'] - sig_b['probes_sent']} probes, "
            f"{sig_a['probes_answered'] - sig_b['probes_answered']} answered")
    print(info)
    assert len(windows) >= 8, info
    assert sig_a["probes_answered"] - sig_b["probes_answered"] \
        < sig_a["probes_sent"] - sig_b["probes_sent"], "the flapping did not bite: " + info
    assert changes <= bound and health <= bound and moves <= bound, info
    assert after["state"] == "MASTER" and after["health"]["healthy"], info


SPOOF_GATEWAY = r"""
import socket, struct, sys, time
gw = socket.inet_aton(sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mac = s.getsockname()[4]
bcast = b"\xff" * 6
def arp(op, tha, tpa):
    return (bcast + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op)
            + mac + gw + tha + tpa)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    s.send(arp(2, bcast, gw))        # gratuitous reply: "192.0.2.1 is at my MAC"
    s.send(arp(1, b"\0" * 6, gw))    # gratuitous request from the gateway's address
    time.sleep(0.02)
"""


def test_a_host_claiming_the_gateways_address_does_not_keep_a_dead_gateway_alive(lab):
    """docs/security.md: only a reply to our own request (to our address
    and MAC) is an answer. The gateway dies while another host on the
    segment sends gratuitous ARP in its name every 20 ms: the gw VIPs
    still move (both nodes lose the gateway: each keeps its owner, so
    the test watches the gateway signal itself)."""
    c = up_health(lab, families=(4,))
    spoofer = lab.popen(c.ns["client"], ["/usr/bin/python3", "-c", SPOOF_GATEWAY, GW[4], "6"],
                        log="spoofer")
    time.sleep(0.3)
    c.gateway_down(4)
    name = inst_name(4, "gw")
    wait_until(lambda: c.instances("a")[name]["health"]["signals"]["gateway"]["state"] == "down",
               timeout=3, interval=0.05, what="a's gateway check to see the gateway gone")
    sig = c.instances("a")[name]["health"]["signals"]["gateway"]
    assert sig["reason"].startswith(f"gateway {GW[4]} unreachable")
    spoofer.wait(timeout=10)
