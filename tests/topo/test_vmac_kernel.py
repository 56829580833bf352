"""vrrp.virtual_mac on stacked parents (docs/vmac.md): a VIP on a VLAN over
an LACP bond and one on the bond itself, each on its own macvlan with the
RFC 5798 MAC; VRRPv3 multicast. The client (untagged and on VLAN 100)
reaches both at their virtual MACs; its entries are then made permanent (it
ignores gratuitous ARP) and it still reaches both after a TERM handover and
after the preferred node preempts back.

Needs 802.1Q and bonding: run it under tests/lab/kernel-run (user-mode
Linux when the host kernel lacks them). The lab is test_health_kernel.py's
(two nodes, each eth0 + eth1 in bond0 802.3ad with vlan100 on top, the
switch bonding each node's ports and bridging them with the client)."""

import signal

import pytest

from lab import addr, wait_until
from test_health_kernel import StackCluster
from test_vmac import is_up, link, link_addrs, pin_client_entry
from vipd_env import write_config

pytestmark = pytest.mark.needs_kernel_features

VIP_VLAN, VIP_BOND = "192.0.2.201/24", "203.0.113.201/24"
VLAN_NAME, BOND_NAME = "vlan100/master/ipv4/vrrp", "bond0/master/ipv4/vrrp"

CONFIG = """cluster:
  name: klab
  nodes: [a, b]
  vrrp: {version: 3, advert_interval: 100ms, unicast: false, virtual_mac: true}
  garp: {count: 3, interval: 100ms}
interfaces:
  eth0: {type: ethernet}
  eth1: {type: ethernet}
  ha0: {type: ethernet}
  bond0:
    type: lacp
    members: [eth0, eth1]
    lacp_rate: fast
    miimon: 100ms
    addresses: {a: [203.0.113.11/24], b: [203.0.113.12/24]}
    vips: {master: [203.0.113.201/24]}
  vlan100:
    type: vlan
    parent: bond0
    id: 100
    addresses: {a: [192.0.2.11/24], b: [192.0.2.12/24]}
    vips: {master: [192.0.2.201/24]}
"""


def neigh(c, dev, ip):
    out = c.ns["client"].json(["-4", "neigh", "show", "dev", dev, ip])
    return out[0].get("lladdr") if out else None


def test_virtual_mac_on_a_vlan_over_lacp_and_on_the_bond(lab):
    c = StackCluster(lab)
    c.config_path = write_config(lab, "vmac.yaml", CONFIG)
    for node, i in (("a", 11), ("b", 12)):
        addr(c.ns[node], "bond0", f"203.0.113.{i}/24")
    addr(c.ns["client"], "eth0", "203.0.113.100/24")
    wait_until(lambda: c.ns["a"].link("vlan100")["operstate"] == "UP", timeout=30,
               what="a's vlan100 to come up over the bond")
    c.start("a")
    c.start("b")
    links = {}
    for name, parent, vip in ((VLAN_NAME, "vlan100", VIP_VLAN),
                              (BOND_NAME, "bond0", VIP_BOND)):
        c.wait_state("a", name, "MASTER", timeout=15)
        c.wait_state("b", name, "BACKUP", timeout=15)
        vrid = c.instance("a", name)["vrid"]
        vm = f"vm4-{vrid}-{parent}"
        links[name] = (vm, f"00:00:5e:00:01:{vrid:02x}", vip,
                       "eth0.100" if parent == "vlan100" else "eth0")
        assert vip in link_addrs(c, "a", vm) and is_up(link(c, "a", vm))
        assert link(c, "b", vm) is not None
        # b may have held the slot for a moment while its bond settled (UML
        # can lose a's first adverts then); a step-down removes the VIPs and
        # then lowers the link, so BACKUP can be read a moment before that.
        wait_until(lambda: not is_up(link(c, "b", vm)), timeout=2,
                   what=f"{vm} down on the backup b")
    for vm, mac, vip, dev in links.values():
        wait_until(lambda: c.client_ping(vip, timeout=1), timeout=30,
                   what=f"the client to reach {vip} through the bonds")
        assert neigh(c, dev, vip.split("/")[0]) == mac
        pin_client_entry_dev(c, vip, mac, dev)

    c.signal("a", signal.SIGTERM)
    for name, (vm, mac, vip, dev) in links.items():
        c.wait_state("b", name, "MASTER", timeout=5)
        assert is_up(link(c, "b", vm)) and vip in link_addrs(c, "b", vm)
        wait_until(lambda: c.client_ping(vip, timeout=1), timeout=10,
                   what=f"the client to reach {vip} at b")
        assert neigh(c, dev, vip.split("/")[0]) == mac

    c.start("a")
    for name, (vm, mac, vip, dev) in links.items():
        c.wait_state("a", name, "MASTER", timeout=10)
        wait_until(lambda: not is_up(link(c, "b", vm)), timeout=5, what=f"{vm} down on b")
        wait_until(lambda: c.client_ping(vip, timeout=1), timeout=10,
                   what=f"the client to reach {vip} at a again")
        assert neigh(c, dev, vip.split("/")[0]) == mac


def pin_client_entry_dev(c, vip, mac, dev):
    if dev == "eth0":
        pin_client_entry(c, vip, mac)
        return
    c.ns["client"].run(["ip", "-4", "neigh", "replace", vip.split("/")[0], "lladdr", mac,
                        "nud", "permanent", "dev", dev])
