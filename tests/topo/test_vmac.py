"""vrrp.virtual_mac between two vipd nodes (docs/vmac.md): each instance's
VIPs live on its own macvlan with the RFC 5798 MAC; the backup's link is
down; the master's adverts leave from the virtual MAC; the client's
neighbour entry for each VIP is the virtual MAC throughout a TERM handover,
preemption back and a SIGKILL takeover, as learnt and when asked afresh. A client that ignores gratuitous ARP
(its entry made permanent first) reaches the VIP after failover only with
virtual_mac. VRRPv3 unicast and multicast, IPv4 and IPv6, and v2. A link
someone sets down, deletes or (a backup's) sets up is put back."""

import json
import re
import signal
import time

import pytest

from lab import wait_until
from vipd_env import VIPD
from vrrp_topo import Cluster, config

CASES = [
    # version, unicast, VIP
    pytest.param(3, False, "192.0.2.200/24", id="v3-multicast-ipv4"),
    pytest.param(3, False, "2001:db8::200/64", id="v3-multicast-ipv6"),
    pytest.param(3, True, "192.0.2.200/24", id="v3-unicast-ipv4"),
    pytest.param(3, True, "2001:db8::200/64", id="v3-unicast-ipv6"),
    pytest.param(2, True, "192.0.2.200/24", id="v2-unicast-ipv4"),
]


def vmac_config(vip, version=3, unicast=True, virtual_mac=True):
    text = config(vips_master=[vip], version=version,
                  interval="1s" if version == 2 else "100ms", unicast=unicast)
    if virtual_mac:
        text = text.replace("  vrrp: {", "  vrrp: {virtual_mac: true, ", 1)
    return text


def family(vip):
    return 6 if ":" in vip else 4


def link(c, node, name):
    """ip -j link of name in node's namespace, or None."""
    cp = c.ns[node].run(["ip", "-j", "link", "show", "dev", name], check=False)
    if cp.returncode != 0:
        return None
    return json.loads(cp.stdout)[0]


def link_addrs(c, node, name):
    out = c.ns[node].json(["addr", "show", "dev", name])
    return {f"{i['local']}/{i['prefixlen']}" for i in out[0]["addr_info"]} if out else set()


def is_up(info):
    return info is not None and "UP" in info["flags"]


def advert_macs(c, node, fam, count=3):
    """Source MACs of VRRP adverts node's eth0 sees (tcpdump -e)."""
    expr = "ip proto 112" if fam == 4 else "ip6 proto 112"
    cp = c.ns[node].run(["timeout", "5", "tcpdump", "-i", "eth0", "-e", "-n", "-c", str(count),
                         "-l", expr], check=False, timeout=15)
    return re.findall(r"^\S+ ([0-9a-f:]{17}) >", cp.stdout, re.M)


def client_ping_ok(c, vip):
    return c.client_ping(vip, count=1, timeout=1)


def assert_client_entry(c, vip, mac):
    """The client's entry for the VIP is mac as it stands (learnt from the
    GARP/NA), and again after it asks afresh (flushed, resolved by ARP/NS):
    no node answers for the VIP with another MAC."""
    assert c.client_neigh_mac(vip) == mac
    ip = vip.split("/")[0]
    fam = "-6" if ":" in ip else "-4"
    c.ns["client"].run(["ip", fam, "neigh", "flush", "to", ip, "dev", "eth0"])
    wait_until(lambda: client_ping_ok(c, vip), timeout=5, what=f"client resolves {ip}")
    assert c.client_neigh_mac(vip) == mac


def pin_client_entry(c, vip, mac):
    """The client ignores gratuitous ARP / NA from now on: its entry for
    the VIP is permanent."""
    ip = vip.split("/")[0]
    fam = "-6" if ":" in ip else "-4"
    c.ns["client"].run(["ip", fam, "neigh", "replace", ip, "lladdr", mac, "nud", "permanent",
                        "dev", "eth0"])


@pytest.mark.parametrize("version,unicast,vip", CASES)
def test_virtual_mac_moves_with_the_vip(lab, version, unicast, vip):
    fam = family(vip)
    name = f"eth0/master/ipv{fam}/vrrp"
    tmo = 12 if version == 2 else 5
    c = Cluster(lab)
    c.write_config(vmac_config(vip, version, unicast))
    c.start("a")
    c.start("b")
    c.wait_state("a", name, "MASTER", timeout=tmo)
    c.wait_state("b", name, "BACKUP", timeout=tmo)
    vrid = c.instance("a", name)["vrid"]
    vm = f"vm{fam}-{vrid}-eth0"
    mac = f"00:00:5e:00:0{1 if fam == 4 else 2}:{vrid:02x}"

    # the VIP on a's virtual MAC link, up; b's exists, down, without it
    wait_until(lambda: vip in link_addrs(c, "a", vm), timeout=tmo, what=f"{vip} on {vm}")
    assert vip not in c.addrs("a")
    assert link(c, "a", vm)["address"] == mac and is_up(link(c, "a", vm))
    assert link(c, "b", vm)["address"] == mac and not is_up(link(c, "b", vm))
    assert vip not in link_addrs(c, "b", vm)
    assert c.instance("a", name)["virtual_mac"] == {"interface": vm, "mac": mac, "up": True}
    assert c.instance("b", name)["virtual_mac"] == {"interface": vm, "mac": mac, "up": False}
    # the master's multicast adverts come from the virtual MAC (RFC 5798
    # 7.3); unicast ones from its own interface (docs/vmac.md)
    srcs = advert_macs(c, "b", fam)
    assert srcs and set(srcs) == {c.mac("a") if unicast else mac}, srcs
    # the client reaches the VIP at the virtual MAC
    assert client_ping_ok(c, vip)
    assert_client_entry(c, vip, mac)

    # 1. TERM: b takes over at once; a's link goes with its instance
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", name, "MASTER", timeout=tmo)
    wait_until(lambda: link(c, "a", vm) is None, timeout=tmo, what=f"{vm} removed on a")
    assert is_up(link(c, "b", vm)) and vip in link_addrs(c, "b", vm)
    wait_until(lambda: client_ping_ok(c, vip), timeout=tmo, what="client reaches VIP at b")
    assert_client_entry(c, vip, mac)

    # 2. a comes back and preempts: b's link goes down
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=tmo)
    c.wait_state("b", name, "BACKUP", timeout=tmo)
    wait_until(lambda: not is_up(link(c, "b", vm)), timeout=tmo, what=f"{vm} down on b")
    assert vip not in link_addrs(c, "b", vm)
    wait_until(lambda: client_ping_ok(c, vip), timeout=tmo, what="client reaches VIP at a")
    assert_client_entry(c, vip, mac)

    # 3. SIGKILL a, and its port with it: b takes over after Master_Down
    c.signal("a", signal.SIGKILL)
    c.sw.run(["ip", "link", "set", "pa", "down"])
    c.wait_state("b", name, "MASTER", timeout=tmo)
    wait_until(lambda: client_ping_ok(c, vip), timeout=tmo, what="client reaches VIP after kill")
    assert_client_entry(c, vip, mac)
    # a restarts: it adopts its link (down, its VIP swept) and preempts again
    assert link(c, "a", vm) is not None  # the crash left it
    c.sw.run(["ip", "link", "set", "pa", "up"])
    # a's port forwards again before vipd restarts (the bridge takes a moment)
    wait_until(lambda: c.client_ping("192.0.2.11/24", timeout=1), timeout=10,
               what="a's port forwarding")
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=tmo)
    wait_until(lambda: not is_up(link(c, "b", vm)), timeout=tmo, what=f"{vm} down on b")
    wait_until(lambda: client_ping_ok(c, vip), timeout=tmo, what="client reaches VIP at a")
    assert_client_entry(c, vip, mac)
    assert "removing the virtual MAC link" not in c.log("a")  # adopted, not made again

    # both stop: the links go with the instances
    c.signal("a", signal.SIGTERM)
    c.signal("b", signal.SIGTERM)
    assert link(c, "a", vm) is None and link(c, "b", vm) is None


def test_sysctls_only_on_the_links_vipd_owns(lab):
    vip = "192.0.2.200/24"
    c = Cluster(lab)
    c.write_config(vmac_config(vip))
    c.start("a")
    c.wait_state("a", "eth0/master/ipv4/vrrp", "MASTER", timeout=5)
    vrid = c.instance("a", "eth0/master/ipv4/vrrp")["vrid"]
    vm = f"vm4-{vrid}-eth0"

    def sysctl(key):
        return c.ns["a"].run(["sysctl", "-n", key]).stdout.strip()

    assert sysctl(f"net.ipv4.conf.{vm}.arp_ignore") == "1"
    assert sysctl(f"net.ipv4.conf.{vm}.arp_announce") == "2"
    assert sysctl(f"net.ipv4.conf.{vm}.rp_filter") == "2"
    assert sysctl("net.ipv4.conf.eth0.arp_ignore") == "1"
    assert sysctl("net.ipv4.conf.eth0.arp_announce") == "2"
    assert sysctl("net.ipv4.conf.all.arp_ignore") == "0"  # nothing beyond its links
    assert sysctl("net.ipv4.conf.lo.arp_announce") == "0"
    # the client's ARP for the VIP is answered from the virtual MAC only,
    # and for the node's own address from eth0's
    assert client_ping_ok(c, vip)
    assert c.client_neigh_mac(vip) == f"00:00:5e:00:01:{vrid:02x}"
    assert client_ping_ok(c, "192.0.2.11/24")
    assert c.client_neigh_mac("192.0.2.11") == c.mac("a")


@pytest.mark.parametrize("virtual_mac", [True, False], ids=["virtual-mac", "node-mac"])
def test_client_that_ignores_garp(lab, virtual_mac):
    """The client's entry for the VIP is made permanent before the
    failover: it reaches the VIP at the new master only with virtual_mac."""
    vip = "192.0.2.200/24"
    name = "eth0/master/ipv4/vrrp"
    c = Cluster(lab)
    c.write_config(vmac_config(vip, virtual_mac=virtual_mac))
    c.start("a")
    c.start("b")
    c.wait_state("a", name, "MASTER", timeout=5)
    c.wait_state("b", name, "BACKUP", timeout=5)
    assert client_ping_ok(c, vip)
    pin_client_entry(c, vip, c.client_neigh_mac(vip))
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", name, "MASTER", timeout=5)
    ok = any(client_ping_ok(c, vip) for _ in range(3))
    assert ok == virtual_mac


def test_cleanup_removes_the_links_a_crash_left(lab):
    """SIGKILL leaves the link (up, with the VIP); vipd --cleanup removes
    the VIP and the link."""
    vip = "192.0.2.200/24"
    name = "eth0/master/ipv4/vrrp"
    c = Cluster(lab)
    c.write_config(vmac_config(vip))
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    vm = f"vm4-{c.instance('a', name)['vrid']}-eth0"
    c.signal("a", signal.SIGKILL)
    assert is_up(link(c, "a", vm)) and vip in link_addrs(c, "a", vm)
    out = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--cleanup"])
    assert link(c, "a", vm) is None
    assert "1 virtual MAC links" in out.stderr + out.stdout


def test_virtual_mac_in_another_namespace(lab):
    """vipd in node a's namespace, its interface in a named namespace
    (`namespace:` in the file): the link is made, raised and removed in
    there, with its sysctls; IPv4 and IPv6, multicast."""
    vip4, vip6 = "192.0.2.200/24", "2001:db8::200/64"
    c = Cluster(lab)
    tenant = lab.netns("ta")
    c.ns["a"].ip(["link", "set", "eth0", "netns", tenant.name])
    tenant.ip("link set eth0 up")
    tenant.ip("addr add 192.0.2.11/24 dev eth0")
    tenant.ip("addr add 2001:db8::11/64 dev eth0 nodad")
    text = config(vips_master=[vip4, vip6], unicast=False).replace(
        "  vrrp: {", "  vrrp: {virtual_mac: true, ", 1)
    c.write_config(text, name="b.yaml")
    path_b = c.config_path
    c.write_config(text.replace("type: ethernet",
                                f"type: ethernet\n    namespace: {tenant.name}"), name="a.yaml")
    c.start("a")
    c.config_path = path_b
    c.start("b")
    for fam, vip in ((4, vip4), (6, vip6)):
        name = f"eth0/master/ipv{fam}/vrrp"
        c.wait_state("a", name, "MASTER", timeout=5)
        c.wait_state("b", name, "BACKUP", timeout=5)
        vrid = c.instance("a", name)["vrid"]
        vm, mac = f"vm{fam}-{vrid}-eth0", f"00:00:5e:00:0{1 if fam == 4 else 2}:{vrid:02x}"
        out = tenant.run(["ip", "-j", "addr", "show", "dev", vm])
        info = json.loads(out.stdout)[0]
        assert "UP" in info["flags"] and info["address"] == mac
        assert vip.split("/")[0] in {i["local"] for i in info["addr_info"]}
        assert c.ns["a"].run(["ip", "link", "show", "dev", vm], check=False).returncode != 0
        assert client_ping_ok(c, vip)
        assert_client_entry(c, vip, mac)
    assert tenant.run(["sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore"]).stdout.strip() == "1"
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", "eth0/master/ipv4/vrrp", "MASTER", timeout=5)
    assert not [l for l in tenant.json("link show") if l["ifname"].startswith("vm")]
    vrid = c.instance("b", "eth0/master/ipv4/vrrp")["vrid"]
    assert_client_entry(c, vip4, f"00:00:5e:00:01:{vrid:02x}")


def test_links_a_crash_left_are_swept_when_the_file_drops_them(lab):
    """SIGKILL leaves a's link; a restarts with a file without
    virtual_mac: the link is removed at start (it carries vipd's alias),
    the VIP comes back on eth0."""
    vip = "192.0.2.200/24"
    name = "eth0/master/ipv4/vrrp"
    c = Cluster(lab)
    c.write_config(vmac_config(vip))
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    vm = f"vm4-{c.instance('a', name)['vrid']}-eth0"
    assert link(c, "a", vm)["ifalias"] == "vipd virtual MAC link"
    c.signal("a", signal.SIGKILL)
    c.write_config(vmac_config(vip, virtual_mac=False))
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    assert link(c, "a", vm) is None
    assert "left-over virtual MAC link removed" in c.log("a")
    wait_until(lambda: vip in c.addrs("a"), timeout=5, what="the VIP on eth0")


# The daemon watches its links (docs/vmac.md, "Repairs"). An admin change
# (`ip link set ... down|up`, `ip link del`) is sent by the kernel at once,
# not through linkwatch's once-a-second batch: the daemon reads it on its
# next wake-up and puts the link back with a few netlink requests and one
# GARP/NA round (tens of milliseconds). The bound is that plus the chaos
# driver's margin for a loaded two-core machine (1 s: the checker's own
# round, a frame's way to the client), and the client probes every 100 ms.
REPAIR_BOUND_S = 1.0
PROBE_S = 0.1


def answers_within(c, vip, bound):
    """Seconds until the client's ping of vip is answered, probing every
    PROBE_S (ping -W takes fractions); None when not within bound."""
    ip = vip.split("/")[0]
    fam = "-6" if ":" in ip else "-4"
    t0 = time.monotonic()
    while time.monotonic() - t0 < bound:
        cp = c.ns["client"].run(["ping", fam, "-n", "-q", "-c", "1", "-W", str(PROBE_S), ip],
                                check=False, timeout=10)
        if cp.returncode == 0:
            return time.monotonic() - t0
    return None


@pytest.mark.parametrize("vip", ["192.0.2.200/24", "2001:db8::200/64"], ids=["ipv4", "ipv6"])
def test_links_someone_changes_are_put_back(lab, vip):
    """The master's link set down (an IPv6 one loses its VIPs), then
    deleted: raised / made again, the VIP on it, answered within
    REPAIR_BOUND_S with no transition; the backup's link set up: lowered
    again within the same bound."""
    fam = family(vip)
    name = f"eth0/master/ipv{fam}/vrrp"
    c = Cluster(lab)
    c.write_config(vmac_config(vip))
    c.start("a")
    c.start("b")
    c.wait_state("a", name, "MASTER", timeout=5)
    c.wait_state("b", name, "BACKUP", timeout=5)
    vrid = c.instance("a", name)["vrid"]
    vm = f"vm{fam}-{vrid}-eth0"
    mac = f"00:00:5e:00:0{1 if fam == 4 else 2}:{vrid:02x}"
    wait_until(lambda: client_ping_ok(c, vip), timeout=5, what="client reaches VIP at a")
    last = {n: c.instance(n, name)["last_transition"] for n in ("a", "b")}

    c.ns["a"].ip(["link", "set", vm, "down"])
    took = answers_within(c, vip, REPAIR_BOUND_S)
    assert took is not None, f"{vip} dark for {REPAIR_BOUND_S} s after {vm} went down"
    assert is_up(link(c, "a", vm)) and vip in link_addrs(c, "a", vm)
    assert "set down by someone else" in c.log("a")

    c.ns["a"].ip(["link", "del", vm])
    took = answers_within(c, vip, REPAIR_BOUND_S)
    assert took is not None, f"{vip} dark for {REPAIR_BOUND_S} s after {vm} was deleted"
    info = link(c, "a", vm)
    assert is_up(info) and info["address"] == mac and vip in link_addrs(c, "a", vm)
    assert "deleted by someone else" in c.log("a")
    assert_client_entry(c, vip, mac)

    c.ns["b"].ip(["link", "set", vm, "up"])
    wait_until(lambda: not is_up(link(c, "b", vm)), timeout=REPAIR_BOUND_S,
               what=f"{vm} on b lowered again")
    assert "set up by someone else while backup" in c.log("b")
    # nothing moved
    assert c.state("a", name) == "MASTER" and c.state("b", name) == "BACKUP"
    assert {n: c.instance(n, name)["last_transition"] for n in ("a", "b")} == last
    assert client_ping_ok(c, vip)
