"""Link checks through a stack: VIPs on a VLAN over an LACP bond, adverts
over a dedicated HA link (vrrp.via). One bond member losing its carrier
moves nothing (the bond, and so the VLAN, stays up); both losing it takes
the VLAN down and moves the `link` VIPs, while the `vrrp` VIPs stay.

Needs 802.1Q and bonding: scripts/check-kernel.sh runs it under
tests/lab/kernel-run (user-mode Linux when the host kernel lacks them).

Lab: nodes a and b with eth0 + eth1 (bond0, 802.3ad, vlan100 on top) and
ha0 (a direct veth between them); the switch namespace bonds each node's
two ports the same way and bridges them with the client, which talks to
VLAN 100 on its own eth0.100."""

import time

import pytest

from lab import addr, bridge, veth, wait_until
from vipd_env import write_config
from vrrp_topo import Cluster

pytestmark = pytest.mark.needs_kernel_features

VIP_VRRP, VIP_LINK = "192.0.2.201/24", "192.0.2.202/24"
VRRP_NAME, LINK_NAME = "vlan100/master/ipv4/vrrp", "vlan100/master/ipv4/link"

CONFIG = """cluster:
  name: klab
  nodes: [a, b]
  vrrp: {version: 3, advert_interval: 100ms}
  garp: {count: 3, interval: 100ms}
interfaces:
  eth0: {type: ethernet}
  eth1: {type: ethernet}
  ha0:
    type: ethernet
    addresses: {a: [198.51.100.11/24], b: [198.51.100.12/24]}
  bond0: {type: lacp, members: [eth0, eth1], lacp_rate: fast, miimon: 100ms}
  vlan100:
    type: vlan
    parent: bond0
    id: 100
    addresses: {a: [192.0.2.11/24], b: [192.0.2.12/24]}
    vrrp: {via: ha0}
    vips:
      master:
        - {address: 192.0.2.201/24, clusterIpMethod: vrrp}
        - {address: 192.0.2.202/24, clusterIpMethod: link}
"""


class StackCluster(Cluster):
    """vrrp_topo's Cluster's daemon helpers over the bond/VLAN lab."""

    def __init__(self, lab):  # pylint: disable=super-init-not-called
        self.lab = lab
        self.sw = lab.netns("sw")
        self.ns = {n: lab.netns(n) for n in ("a", "b", "client")}
        self.procs = {}
        ports = []
        for node in ("a", "b"):
            for i in (0, 1):
                veth(self.ns[node], f"eth{i}", self.sw, f"p{node}{i}", set_up=False)
            self.sw.ip(["link", "add", f"b{node}", "type", "bond", "mode", "802.3ad",
                        "lacp_rate", "fast", "miimon", "100"])
            for i in (0, 1):
                self.sw.ip(["link", "set", f"p{node}{i}", "master", f"b{node}"])
            self.sw.ip(["link", "set", f"b{node}", "up"])
            ports.append(f"b{node}")
        veth(self.ns["a"], "ha0", self.ns["b"], "ha0", set_up=False)
        veth(self.ns["client"], "eth0", self.sw, "pc")
        ports.append("pc")
        bridge(self.sw, "br0", ports, mcast_snooping=0)
        cl = self.ns["client"]
        cl.ip("link add link eth0 name eth0.100 type vlan id 100")
        cl.ip("link set eth0.100 up")
        addr(cl, "eth0.100", "192.0.2.100/24")
        self.config_path = write_config(lab, "stack.yaml", CONFIG)
        for node in ("a", "b"):
            self._stack(node)

    def _stack(self, node):
        """What `vipctl apply` makes of CONFIG, by hand: apply reads the
        live state of every named namespace of the host, so on one host
        the second node's apply would take the first node's bond0 and
        vlan100 for its own, in the wrong namespace."""
        ns, i = self.ns[node], 11 if node == "a" else 12
        ns.ip("link add bond0 type bond mode 802.3ad lacp_rate fast miimon 100")
        for port in ("eth0", "eth1"):
            ns.ip(["link", "set", port, "master", "bond0"])
            ns.ip(["link", "set", port, "up"])
        ns.ip("link set bond0 up")
        ns.ip("link add link bond0 name vlan100 type vlan id 100")
        addr(ns, "vlan100", f"192.0.2.{i}/24")
        ns.ip("link set vlan100 up")
        addr(ns, "ha0", f"198.51.100.{i}/24")
        ns.ip("link set ha0 up")

    def addrs(self, node):
        out = self.ns[node].json("addr show dev vlan100")
        return {f"{i['local']}/{i['prefixlen']}" for i in out[0]["addr_info"]}

    def mac(self, node):
        return self.ns[node].link("vlan100")["address"]

    def client_neigh_mac(self, vip):
        out = self.ns["client"].json(["-4", "neigh", "show", "dev", "eth0.100",
                                      vip.split("/")[0]])
        return out[0].get("lladdr") if out else None

    def member(self, node, i, up):
        self.sw.ip(["link", "set", f"p{node}{i}", "up" if up else "down"])

    def owner(self, vip):
        return [n for n in ("a", "b") if vip in self.addrs(n)]


def test_vlan_over_lacp_one_member_down_moves_nothing_both_down_move_link_vips(lab):
    c = StackCluster(lab)
    wait_until(lambda: c.ns["a"].link("vlan100")["operstate"] == "UP", timeout=30,
               what="a's vlan100 to come up over the bond")
    c.start("a")
    c.start("b")
    for name in (VRRP_NAME, LINK_NAME):
        c.wait_state("a", name, "MASTER", timeout=15)
        c.wait_state("b", name, "BACKUP", timeout=15)
    wait_until(lambda: c.client_ping(VIP_LINK, timeout=1), timeout=30,
               what="the client to reach the VIP through the bonds")
    st = c.instance("a", LINK_NAME)
    assert st["advert_interface"] == "ha0"
    assert st["health"]["signals"]["link"]["state"] == "up"

    # one member loses carrier: the bond stays up, so does the VLAN
    c.member("a", 0, up=False)
    wait_until(lambda: "NO-CARRIER" in c.ns["a"].run(["ip", "link", "show", "eth0"]).stdout,
               timeout=10, what="a's eth0 to lose carrier")
    time.sleep(1.5)  # longer than the kernel's linkwatch delay and miimon
    for name in (VRRP_NAME, LINK_NAME):
        inst = c.instance("a", name)
        assert inst["state"] == "MASTER" and inst["health"]["healthy"], inst["health"]
        assert inst["counters"]["resignations"] == 0
    assert c.owner(VIP_LINK) == ["a"] and c.owner(VIP_VRRP) == ["a"]
    assert c.client_ping(VIP_LINK)

    # the other member too: bond0 loses its carrier, vlan100 goes down
    c.member("a", 1, up=False)
    c.wait_state("b", LINK_NAME, "MASTER", timeout=10)
    wait_until(lambda: c.owner(VIP_LINK) == ["b"], timeout=5, what="the link VIP on b only")
    inst = c.instance("a", LINK_NAME)
    assert inst["state"] == "BACKUP" and not inst["health"]["healthy"]
    assert inst["health"]["reason"].startswith("link vlan100 down"), inst["health"]
    assert inst["last_transition"]["reason"].startswith("unhealthy: link vlan100 down")
    assert c.instance("b", LINK_NAME)["last_transition"]["cause"] == "peer-resigned"
    mac_b = c.mac("b")
    wait_until(lambda: c.client_ping(VIP_LINK, timeout=1)
               and c.client_neigh_mac(VIP_LINK) == mac_b, timeout=5,
               what="the client to reach the link VIP at b")
    # the vrrp VIP stays: the adverts still go over ha0
    time.sleep(0.5)
    assert c.instance("a", VRRP_NAME)["state"] == "MASTER"
    assert c.instance("b", VRRP_NAME)["state"] == "BACKUP"
    assert c.owner(VIP_VRRP) == ["a"]

    # carrier back on one member: the VLAN is up again, the link VIP returns
    c.member("a", 1, up=True)
    c.wait_state("a", LINK_NAME, "MASTER", timeout=15)
    wait_until(lambda: c.owner(VIP_LINK) == ["a"], timeout=5, what="the link VIP back on a")
