"""vipd's VRRP engine end to end: two nodes and a client on one bridge
(tests/topo/vrrp_topo.py), Active-Passive and Active-Active, IPv4 and IPv6,
master SIGKILL / SIGTERM / restart, and the client's neighbour cache
following the VIP owner (gratuitous ARP, unsolicited NA)."""

import datetime
import signal
import time

import pytest

from lab import wait_until
from vipd_env import VIPD
from vrrp_topo import Cluster, config

V4 = "eth0/master/ipv4/vrrp"
V6 = "eth0/master/ipv6/vrrp"
V4B = "eth0/backup/ipv4/vrrp"
VIP4, VIP6, VIP4B = "192.0.2.200/24", "2001:db8::200/64", "192.0.2.201/24"
# priority 100 (the backup) at 100 ms: skew 61 ms, Master_Down_Interval 361 ms
SKEW_MS, MDI_MS = 61, 361
SLACK_MS = 120  # scheduling and polling on a loaded test machine


def transition_wall(inst):
    t = inst["last_transition"]["time"]
    return datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def up_active_passive(lab, **kw):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4, VIP6], **kw))
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("a", V6, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    c.wait_state("b", V6, "BACKUP")
    return c


def assert_owner(c, node, vips):
    other = "b" if node == "a" else "a"
    for vip in vips:
        assert vip in c.addrs(node), f"{vip} not on {node}: {c.addrs(node)}"
        assert vip not in c.addrs(other), f"{vip} also on {other}"


def assert_client_follows(c, node, vips, timeout=3):
    """The client reaches every VIP and its neighbour entry names node's MAC."""
    mac = c.mac(node)
    for vip in vips:
        assert c.client_ping(vip), f"client cannot ping {vip}"
        wait_until(lambda: c.client_neigh_mac(vip) == mac, timeout=timeout, interval=0.05,
                   what=f"client neighbour entry of {vip} to be {node}'s {mac} "
                        f"(is {c.client_neigh_mac(vip)})")


def test_active_passive_preferred_node_is_master_and_client_reaches_v4_and_v6_vips(lab):
    c = up_active_passive(lab)
    assert_owner(c, "a", [VIP4, VIP6])
    assert_client_follows(c, "a", [VIP4, VIP6])
    st = c.instance("b", V4)
    assert st["master"]["address"] == "192.0.2.11"
    assert st["priority"] == {"effective": 100, "configured": 100}
    assert st["counters"]["adverts_received"] > 0
    assert sum(st["counters"]["drops"].values()) == 0


def test_master_sigkill_backup_takes_over_within_master_down_interval(lab):
    c = up_active_passive(lab)
    assert_client_follows(c, "a", [VIP4, VIP6])
    t0 = c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=5)
    c.wait_state("b", V6, "MASTER", timeout=5)
    for name in (V4, V6):
        inst = c.instance("b", name)
        took = (transition_wall(inst) - t0) * 1000
        assert inst["last_transition"]["cause"] == "master-down"
        assert took <= MDI_MS + SLACK_MS, f"{name}: takeover after {took:.0f} ms"
        assert took >= MDI_MS - 100 - 10, f"{name}: takeover too early, {took:.0f} ms"
    # the dead node still has the VIPs (nobody removed them); GARP/NA moved the client
    assert_client_follows(c, "b", [VIP4, VIP6])


def test_cleanup_mode_removes_vips_a_killed_daemon_left(lab):
    c = up_active_passive(lab)
    c.signal("a", signal.SIGKILL)
    assert VIP4 in c.addrs("a")
    c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--cleanup"])
    assert VIP4 not in c.addrs("a") and VIP6 not in c.addrs("a")


def test_master_sigterm_sends_priority_0_and_peer_takes_over_after_skew(lab):
    c = up_active_passive(lab)
    assert_client_follows(c, "a", [VIP4, VIP6])
    t0 = c.signal("a", signal.SIGTERM)
    assert c.procs["a"].returncode == 0
    c.wait_state("b", V4, "MASTER", timeout=5)
    inst = c.instance("b", V4)
    took = (transition_wall(inst) - t0) * 1000
    assert inst["last_transition"]["cause"] == "peer-resigned"
    assert took <= SKEW_MS + SLACK_MS, f"takeover after {took:.0f} ms"
    assert_owner(c, "b", [VIP4, VIP6])
    assert_client_follows(c, "b", [VIP4, VIP6])


def test_restarted_master_sweeps_left_over_vips_and_preempts_back_after_preempt_delay(lab):
    c = up_active_passive(lab, preempt_delay="1s")
    c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=5)
    assert VIP4 in c.addrs("a")  # left behind by the crash
    t_start = time.time()
    c.start("a")
    # swept before joining: the VIPs are gone from a while it is BACKUP
    assert c.state("a", V4) == "BACKUP"
    assert VIP4 not in c.addrs("a") and VIP6 not in c.addrs("a")
    c.wait_state("a", V4, "MASTER", timeout=5)
    inst = c.instance("a", V4)
    waited = transition_wall(inst) - t_start
    assert inst["last_transition"]["cause"] == "preempt"
    assert 1.0 <= waited <= 1.0 + 0.5, f"preempted after {waited:.3f} s"
    c.wait_state("b", V4, "BACKUP", timeout=5)
    c.wait_state("a", V6, "MASTER", timeout=5)
    assert_owner(c, "a", [VIP4, VIP6])
    assert_client_follows(c, "a", [VIP4, VIP6])
    assert "left-over VIP 192.0.2.200/24 removed" in c.log("a")


def test_active_active_each_node_holds_its_slot_and_takes_both_when_peer_dies(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4], vips_backup=[VIP4B]))
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("b", V4B, "MASTER")
    c.wait_state("a", V4B, "BACKUP")
    c.wait_state("b", V4, "BACKUP")
    assert_owner(c, "a", [VIP4])
    assert_owner(c, "b", [VIP4B])
    assert_client_follows(c, "a", [VIP4])
    assert_client_follows(c, "b", [VIP4B])
    c.signal("b", signal.SIGTERM)
    c.wait_state("a", V4B, "MASTER", timeout=5)
    assert_owner(c, "a", [VIP4, VIP4B])
    assert_client_follows(c, "a", [VIP4, VIP4B])
    c.start("b")
    c.wait_state("b", V4B, "MASTER", timeout=5)  # preempts its preferred slot back
    c.wait_state("a", V4B, "BACKUP", timeout=5)
    assert_owner(c, "b", [VIP4B])
    assert_client_follows(c, "b", [VIP4B])


@pytest.mark.parametrize("version,interval", [(2, "1s"), (3, "1s")])
def test_v2_and_v3_at_one_second_elect_and_fail_over(lab, version, interval):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4], version=version, interval=interval))
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER", timeout=10)
    c.wait_state("b", V4, "BACKUP", timeout=10)
    assert c.instance("b", V4)["version"] == version
    t0 = c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=10)
    took = (transition_wall(c.instance("b", V4)) - t0) * 1000
    assert took <= 3610 + SLACK_MS
    assert_client_follows(c, "b", [VIP4])


def test_multicast_mode_elects_and_fails_over(lab):
    c = up_active_passive(lab, unicast=False)
    st = c.status("b")
    assert {s["multicast"] for s in st["sockets"]} == {True}
    # the backup hears the master on both families (IPv6 from its link-local
    # address, or from 2001:db8::11 while DAD still runs on a fresh link)
    for name in (V4, V6):
        wait_until(lambda: (c.instance("b", name)["master"] or {}).get("priority") == 200,
                   timeout=5, what=f"b to hear a's adverts on {name}")
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", V4, "MASTER", timeout=5)
    c.wait_state("b", V6, "MASTER", timeout=5)
    assert_client_follows(c, "b", [VIP4, VIP6])


def test_instance_on_an_interface_in_another_namespace(lab):
    """vipd in node a's namespace runs an instance whose interface lives in
    a named namespace (`namespace:` in the file): sockets, VIPs and GARP
    all happen in there."""
    c = Cluster(lab)
    tenant = lab.netns("ta")
    a = c.ns["a"]
    a.ip(["link", "set", "eth0", "netns", tenant.name])
    tenant.ip("link set eth0 up")
    tenant.ip("addr add 192.0.2.11/24 dev eth0")
    tenant.ip("addr add 2001:db8::11/64 dev eth0 nodad")
    text = config(vips_master=[VIP4, VIP6])
    with_ns = text.replace("type: ethernet", f"type: ethernet\n    namespace: {tenant.name}")
    c.write_config(text, name="b.yaml")
    path_b = c.config_path
    c.write_config(with_ns, name="a.yaml")
    c.start("a")
    c.config_path = path_b
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("a", V6, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    inst = c.instance("a", V4)
    assert inst["namespace"] == tenant.name
    addrs = {f"{i['local']}/{i['prefixlen']}"
             for i in tenant.json("addr show dev eth0")[0]["addr_info"]}
    assert VIP4 in addrs and VIP6 in addrs
    mac = tenant.link("eth0")["address"]
    assert c.client_ping(VIP4)
    wait_until(lambda: c.client_neigh_mac(VIP4) == mac, timeout=3, what="client -> a's MAC")
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", V4, "MASTER", timeout=5)
    addrs = {f"{i['local']}/{i['prefixlen']}"
             for i in tenant.json("addr show dev eth0")[0]["addr_info"]}
    assert VIP4 not in addrs and VIP6 not in addrs


def _tenant_addrs(tenant):
    return {f"{i['local']}/{i['prefixlen']}"
            for i in tenant.json("addr show dev eth0")[0]["addr_info"]}


def test_vips_of_a_namespace_removed_from_the_file_are_swept_by_cleanup_and_start(lab):
    """A crashed master leaves tagged VIPs in a namespace its file named;
    the file changes and no longer names it. `vipd --cleanup` and the next
    start still remove them (vipd remembers the namespaces it used:
    CONTROL.netns), and only them: an untagged address there stays."""
    from lab import host_run
    from vipd_env import in_netns

    c = Cluster(lab)
    tenant = lab.netns("tb")
    c.ns["a"].ip(["link", "set", "eth0", "netns", tenant.name])
    tenant.ip("link set eth0 up")
    tenant.ip("addr add 192.0.2.11/24 dev eth0")
    tenant.ip("addr add 2001:db8::11/64 dev eth0 nodad")
    tenant.ip("addr add 198.51.100.7/24 dev eth0")  # nobody's VIP, untagged
    plain = config(vips_master=[VIP4, VIP6])
    with_ns = plain.replace("type: ethernet", f"type: ethernet\n    namespace: {tenant.name}")
    path_plain = c.write_config(plain, name="plain.yaml")

    def crash_as_master():
        c.write_config(with_ns, name="with-ns.yaml")
        c.start("a")
        c.wait_state("a", V4, "MASTER")
        c.wait_state("a", V6, "MASTER")
        c.signal("a", signal.SIGKILL)
        assert {VIP4, VIP6} <= _tenant_addrs(tenant)  # left behind, tagged

    swept = f"[netns {tenant.name} if eth0] left-over VIP 192.0.2.200/24 removed (tagged vipd)"
    crash_as_master()
    cp = host_run(in_netns(c.ns["a"], [VIPD, "-c", path_plain, "--node", "a",
                                       "--control", c.sock("a"), "--cleanup"]))
    assert swept in cp.stderr
    addrs = _tenant_addrs(tenant)
    assert VIP4 not in addrs and VIP6 not in addrs
    assert "198.51.100.7/24" in addrs and "192.0.2.11/24" in addrs

    crash_as_master()
    c.config_path = path_plain
    c.start("a")
    addrs = _tenant_addrs(tenant)
    assert VIP4 not in addrs and VIP6 not in addrs
    assert "198.51.100.7/24" in addrs and "192.0.2.11/24" in addrs
    assert swept in c.log("a")
