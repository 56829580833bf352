"""A sync group over two real VLANs (issue 13): a front VLAN 10 and a back
VLAN 20 on each node's eth0 trunk, one master-slot VIP on each, both in
sync group `web`. The client sits on both VLANs. Node a's VLAN 20 link
going down (its vlan20 interface: the fault one VLAN of a trunk can have
alone) moves both VIPs to b, so the client reaches both on the same node;
its return brings both back together.

Needs 802.1Q: scripts/check-kernel.sh runs it under tests/lab/kernel-run
(user-mode Linux when the host kernel lacks it). test_sync_groups.py runs
the same on two plain segments on any kernel."""

import pytest

from lab import addr, bridge, veth, wait_until
from vipd_env import write_config
from vrrp_topo import Cluster

pytestmark = pytest.mark.needs_kernel_features

VIP10, VIP20 = "192.0.2.150/24", "203.0.113.150/24"
INSTS = ("vlan10/master/ipv4/vrrp", "vlan20/master/ipv4/vrrp")
NET = {"vlan10": "192.0.2", "vlan20": "203.0.113"}
HOST = {"a": 11, "b": 12, "client": 100}

CONFIG = """cluster:
  name: vlgroup
  nodes: [a, b]
  vrrp: {version: 3, advert_interval: 100ms, priority: {preferred: 200, other: 100}}
  garp: {count: 3, interval: 100ms}
sync_groups:
  web: {members: [vlan10/master, vlan20/master]}
interfaces:
  eth0: {type: ethernet}
  vlan10:
    type: vlan
    parent: eth0
    id: 10
    addresses: {a: [192.0.2.11/24], b: [192.0.2.12/24]}
    vips: {master: ["192.0.2.150/24"]}
  vlan20:
    type: vlan
    parent: eth0
    id: 20
    addresses: {a: [203.0.113.11/24], b: [203.0.113.12/24]}
    vips: {master: ["203.0.113.150/24"]}
"""


class VlanCluster(Cluster):
    """vrrp_topo's Cluster's daemon helpers over a VLAN trunk per node."""

    def __init__(self, lab):  # pylint: disable=super-init-not-called
        self.lab = lab
        self.sw = lab.netns("sw")
        self.ns = {n: lab.netns(n) for n in ("a", "b", "client")}
        self.procs = {}
        ports = []
        for name, ns in self.ns.items():
            port = "p" + name[0] if name != "client" else "pc"
            veth(ns, "eth0", self.sw, port)
            ports.append(port)
            for vlan, vid in (("vlan10", 10), ("vlan20", 20)):
                # the same stack vipctl apply makes of CONFIG, by hand (one
                # host: apply would read both nodes' namespaces as one)
                ns.ip(["link", "add", "link", "eth0", "name", vlan, "type", "vlan", "id",
                       str(vid)])
                addr(ns, vlan, f"{NET[vlan]}.{HOST[name]}/24")
                ns.ip(["link", "set", vlan, "up"])
        bridge(self.sw, "br0", ports, mcast_snooping=0)
        self.config_path = write_config(lab, "vlgroup.yaml", CONFIG)

    def reached(self, node, vip, vlan):
        ip = vip.split("/")[0]
        ok = self.ns["client"].run(["ping", "-4", "-n", "-q", "-c", "1", "-W", "1", ip],
                                   check=False).returncode == 0
        out = self.ns["client"].json(["-4", "neigh", "show", "dev", vlan, ip])
        mac = out[0].get("lladdr") if out else None
        return ok and mac == self.ns[node].link(vlan)["address"]


def test_one_vlan_down_moves_both_vlans_vips(lab):
    c = VlanCluster(lab)
    c.start("a")
    c.start("b")
    for name in INSTS:
        c.wait_state("a", name, "MASTER", timeout=15)
        c.wait_state("b", name, "BACKUP", timeout=15)
    for vip, vlan in ((VIP10, "vlan10"), (VIP20, "vlan20")):
        wait_until(lambda: c.reached("a", vip, vlan), timeout=15, interval=0.1,
                   what=f"{vip} through a")

    c.ns["a"].ip("link set vlan20 down")
    c.wait_state("a", INSTS[1], "FAULT", timeout=10)
    for name in INSTS:
        c.wait_state("b", name, "MASTER", timeout=10)
    inst = c.instance("a", INSTS[0])
    assert inst["state"] == "BACKUP" and inst["health"]["sync_group"] == "web"
    assert inst["health"]["reason"].startswith("sync group web: vlan20/master/ipv4/vrrp")
    for vip, vlan in ((VIP10, "vlan10"), (VIP20, "vlan20")):
        wait_until(lambda: c.reached("b", vip, vlan), timeout=10, interval=0.1,
                   what=f"{vip} through b")

    c.ns["a"].ip("link set vlan20 up")
    for name in INSTS:
        c.wait_state("a", name, "MASTER", timeout=15)
    for vip, vlan in ((VIP10, "vlan10"), (VIP20, "vlan20")):
        wait_until(lambda: c.reached("a", vip, vlan), timeout=10, interval=0.1,
                   what=f"{vip} through a again")
