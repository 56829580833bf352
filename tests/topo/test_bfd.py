"""BFD between two vipd (issue 16): one session per advert path (eth0, IPv4
and IPv6) in the lab of tests/topo/vrrp_topo.py, at 10 ms x 3 with 1 s
adverts. The session comes Up with the timers RFC 5880 agrees on; a master
lost to SIGKILL or to a cut link is taken over within the detection time
(30 ms) plus slack, not VRRP's 3.6 s; a clean stop says AdminDown, and the
takeover is then the priority 0's, not BFD's."""

import re
import signal
import time

from lab import wait_until
from vrrp_topo import Cluster, config

V4 = "eth0/master/ipv4/vrrp"
V6 = "eth0/master/ipv6/vrrp"
VIP4, VIP6 = "192.0.2.200/24", "2001:db8::200/64"
DETECT_MS = 30     # 10 ms x 3
SLACK_MS = 120     # scheduling and polling on a loaded test machine
MDI_MS = 3610      # VRRP alone at 1 s adverts, priority 100


def bfd_config(interval="10ms", multiplier=3):
    text = config(vips_master=[VIP4, VIP6], interval="1s")
    return text.replace("  garp:", f"  bfd: {{interval: {interval}, multiplier: {multiplier}}}\n"
                        "  garp:", 1)


def sessions(c, node):
    return {s["family"]: s for s in c.status(node)["bfd"]}


def wait_up(c, node, timeout=10):
    wait_until(lambda: all(s["state"] == "Up" and not s["polling"]
                           for s in sessions(c, node).values())
               and len(sessions(c, node)) == 2,
               timeout=timeout, interval=0.05, what=f"BFD Up on {node}")


def up(lab):
    c = Cluster(lab)
    c.write_config(bfd_config())
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    c.wait_state("b", V6, "BACKUP")
    wait_up(c, "a")
    wait_up(c, "b")
    # a loss within 1 s of a session's Up is left to VRRP (docs/bfd.md):
    # the tests fault the master only once both families' sessions are
    # trusted (under ASan the IPv6 one may come Up a moment after IPv4)
    time.sleep(1.2)
    return c


def took_ms(c, node, name, t0):
    from test_vrrp_failover import transition_wall
    return (transition_wall(c.instance(node, name)) - t0) * 1000


def test_sessions_come_up_per_family_with_negotiated_timers(lab):
    c = up(lab)
    for node in ("a", "b"):
        ss = sessions(c, node)
        assert set(ss) == {"ipv4", "ipv6"}
        for fam, s in ss.items():
            assert s["interface"] == "eth0"
            assert s["remote_state"] == "Up"
            assert s["desired_min_tx_us"] == 10000 and s["required_min_rx_us"] == 10000
            assert s["remote_min_rx_us"] == 10000 and s["remote_multiplier"] == 3
            assert s["tx_interval_us"] == 10000
            assert s["detection_time_us"] == 30000
            assert s["polls"] >= 1  # the change from 1 s to 10 ms was polled
            assert 49152 <= s["source_port"] <= 65535
            assert s["flaps"] == 0
            assert sum(s["drops"].values()) == 0, s["drops"]
    assert c.instance("b", V4)["bfd"] == "Up"
    # packets flow at the agreed rate: never faster than 75% of 10 ms (RFC 5880
    # 6.8.7: 133 a second at most), and no slower than the loop's timer
    # resolution allows (libevent rounds a wait up to the millisecond)
    t0, before = time.monotonic(), sessions(c, "b")["ipv4"]["rx"]
    time.sleep(2.0)
    t1, after = time.monotonic(), sessions(c, "b")["ipv4"]["rx"]
    rate = (after - before) / (t1 - t0)
    assert 70 <= rate <= 134, f"{rate:.0f} packets a second at 10 ms"
    assert sessions(c, "b")["ipv4"]["flaps"] == 0


def test_master_sigkill_backup_takes_over_within_detection_time(lab):
    c = up(lab)
    t0 = c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=5)
    c.wait_state("b", V6, "MASTER", timeout=5)
    for name in (V4, V6):
        inst = c.instance("b", name)
        assert inst["last_transition"]["cause"] == "peer-down", inst["last_transition"]
        took = took_ms(c, "b", name, t0)
        assert took <= DETECT_MS + SLACK_MS, f"{name}: takeover after {took:.0f} ms"
    ss = sessions(c, "b")
    assert ss["ipv4"]["state"] == "Down" and ss["ipv4"]["diag"] == "detect-expired"
    assert ss["ipv4"]["flaps"] == 1 and ss["ipv4"]["takeovers"] == 1
    assert VIP4 in c.addrs("b") and VIP6 in c.addrs("b")


def test_master_link_cut_backup_takes_over_within_detection_time(lab):
    c = up(lab)
    t0 = time.time()
    c.sw.run(["ip", "link", "set", "pa", "down"])  # a's switch port: a's cable
    c.wait_state("b", V4, "MASTER", timeout=5)
    took = took_ms(c, "b", V4, t0)
    assert c.instance("b", V4)["last_transition"]["cause"] == "peer-down"
    assert took <= DETECT_MS + SLACK_MS, f"takeover after {took:.0f} ms"
    # the link returns: the session comes Up again, one flap counted
    c.sw.run(["ip", "link", "set", "pa", "up"])
    wait_up(c, "b", timeout=15)
    assert sessions(c, "b")["ipv4"]["flaps"] == 1
    assert sessions(c, "b")["ipv4"]["ups"] == 2


def test_clean_stop_says_admin_down_and_priority_0_hands_over(lab):
    c = up(lab)
    c.signal("a", signal.SIGTERM)
    assert c.procs["a"].returncode == 0
    c.wait_state("b", V4, "MASTER", timeout=5)
    assert c.instance("b", V4)["last_transition"]["cause"] == "peer-resigned"
    wait_until(lambda: sessions(c, "b")["ipv4"]["state"] == "Down", timeout=2, interval=0.05,
               what="b's session Down")
    s = sessions(c, "b")["ipv4"]
    assert s["peer_admin_down"] is True
    assert s["remote_state"] == "AdminDown"
    assert s["diag"] == "neighbor-down"
    assert s["takeovers"] == 0


def test_backup_loss_moves_nothing(lab):
    """The master's session losing the backup changes no state: PEER_DOWN
    acts only on a BACKUP that follows a master."""
    c = up(lab)
    c.signal("b", signal.SIGKILL)
    wait_until(lambda: sessions(c, "a")["ipv4"]["state"] == "Down", timeout=2, interval=0.02,
               what="a's session Down")
    assert c.state("a", V4) == "MASTER"
    assert sessions(c, "a")["ipv4"]["takeovers"] == 0
    assert VIP4 in c.addrs("a")


def test_session_runs_in_the_interface_namespace(lab):
    """Node a's eth0 lives in a named namespace (`namespace:` in its file):
    its BFD sockets are made in there, bound to eth0, and a's SIGKILL is
    still taken over by b within the detection time."""
    c = Cluster(lab)
    tenant = lab.netns("tbfd")
    c.ns["a"].ip(["link", "set", "eth0", "netns", tenant.name])
    tenant.ip("link set eth0 up")
    tenant.ip("addr add 192.0.2.11/24 dev eth0")
    tenant.ip("addr add 2001:db8::11/64 dev eth0 nodad")
    text = bfd_config()
    c.write_config(text, name="b.yaml")
    path_b = c.config_path
    c.write_config(text.replace("type: ethernet", f"type: ethernet\n    namespace: {tenant.name}"),
                   name="a.yaml")
    c.start("a")
    c.config_path = path_b
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    wait_up(c, "a")
    wait_up(c, "b")
    assert {s["namespace"] for s in c.status("a")["bfd"]} == {tenant.name}
    # the sockets are in the tenant namespace, none in a's own
    assert ":3784 " in tenant.run(["ss", "-uan"]).stdout
    assert ":3784 " not in c.ns["a"].run(["ss", "-uan"]).stdout
    time.sleep(1.1)  # trusted: Up for 1 s
    t0 = c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=5)
    assert c.instance("b", V4)["last_transition"]["cause"] == "peer-down"
    took = took_ms(c, "b", V4, t0)
    assert took <= DETECT_MS + SLACK_MS, f"takeover after {took:.0f} ms"


def test_reload_without_bfd_says_admin_down_and_moves_nothing(lab):
    """A reload that keeps bfd keeps the session (no flap); one that takes
    bfd away closes a's sessions with AdminDown: b's sessions go Down
    without a takeover, and VRRP keeps a as master."""
    c = up(lab)
    assert c.vipctl("a", "reload").returncode == 0  # the same file
    assert all(s["flaps"] == 0 and s["state"] == "Up" for s in sessions(c, "b").values())
    with open(c.config_path, "w") as f:  # the file a was started with
        f.write(config(vips_master=[VIP4, VIP6], interval="1s"))
    assert c.vipctl("a", "reload").returncode == 0
    assert c.status("a")["bfd"] == []
    wait_until(lambda: all(s["state"] == "Down" for s in sessions(c, "b").values()),
               timeout=2, interval=0.05, what="b's sessions Down")
    for s in sessions(c, "b").values():
        assert s["peer_admin_down"] is True
        assert s["takeovers"] == 0
    time.sleep(0.5)
    assert c.state("a", V4) == "MASTER" and c.state("b", V4) == "BACKUP"


def test_a_stalled_daemon_is_told_from_a_silent_peer(lab):
    """A daemon stopped for 300 ms (a stall of its loop or host) is silent
    to its peer: the peer's session expires on time and says whose silence
    it was (its timer ran on time, the last packet came 30 ms and more
    before); the stalled daemon's own timers ran late, which its status
    counts (timer_late_ticks, timer_late_max_us), and its session expires
    nothing on its own: what waited in its socket is read first. Nothing
    moves: a backup stalled is no master lost."""
    c = up(lab)
    before = sessions(c, "b")["ipv4"]
    c.signal("b", signal.SIGSTOP)
    time.sleep(0.3)
    c.signal("b", signal.SIGCONT)
    wait_up(c, "a")
    wait_up(c, "b")
    lines = [line for line in c.log("a").splitlines()
             if " v4 peer " in line and "Up -> Down (detect-expired" in line]
    assert lines, c.log("a")
    last_ms, late_ms = (int(x) for x in re.search(
        r"last packet (\d+) ms before, the timer ran (\d+) ms late", lines[-1]).groups())
    assert last_ms >= DETECT_MS and late_ms < 200, lines[-1]
    after = sessions(c, "b")["ipv4"]
    assert after["timer_late_ticks"] > before["timer_late_ticks"]
    assert after["timer_late_max_us"] >= 200_000
    assert after["detect_expired"] == before["detect_expired"]
    assert c.state("a", V4) == "MASTER" and c.state("b", V4) == "BACKUP"
    assert sessions(c, "b")["ipv4"]["takeovers"] == 0
