"""The health lab shared by test_health_*.py and bench/gateway/run.py:
vrrp_topo.py's two nodes ``a`` and ``b`` and ``client`` on bridge ``br0``
in the switch namespace ``sw``, plus two gateways on the same bridge:
``gw4`` (192.0.2.1) and ``gw6`` (2001:db8::1), each in a namespace and on a
bridge port of its own (``pg4``, ``pg6``), so that each family's gateway
can be lost on its own.

Faults, all in the switch and reliable without nftables or tc classifiers:

- one node loses one gateway: the node's port and the gateway's port are
  both *isolated* bridge ports (``bridge link set ... isolated on``): the
  bridge forwards nothing between two isolated ports, broadcast included,
  and everything between an isolated and a non-isolated one, so the node
  still hears its peer and the client;
- both nodes lose a gateway: the gateway's own interface goes down;
- a node's service interface loses its link: its switch port goes down
  (the node's veth end loses carrier).

Every VIP of the lab's file sits on eth0 in the master slot (node a
prefers it): one per (family, clusterIpMethod), so one instance each.
"""

import ipaddress
import json
import time

from lab import addr, veth, wait_until
from vrrp_topo import Cluster

GW = {4: "192.0.2.1", 6: "2001:db8::1"}
METHODS = ("vrrp", "link", "gw", "link+gw")
# 192.0.2.201..204 and 2001:db8::201..204, in METHODS order
VIPS = {
    4: {m: f"192.0.2.{201 + i}/24" for i, m in enumerate(METHODS)},
    6: {m: f"2001:db8::{201 + i}/64" for i, m in enumerate(METHODS)},
}
HA_ADDR = {"a": "198.51.100.11/24", "b": "198.51.100.12/24"}


def inst_name(family, method, iface="eth0", slot="master"):
    return f"{iface}/{slot}/ipv{family}/{method}"


def vip_list(families=(4, 6), methods=METHODS):
    return [VIPS[f][m] for f in families for m in methods]


def health_config(families=(4, 6), methods=METHODS, interval="100ms", preempt=True,
                  gw_interval="100ms", gw_timeout="80ms", fall=3, rise=2, via=False,
                  garp="{count: 3, interval: 100ms}", priority=(200, 100)):
    """A cluster file for the health lab: eth0 with a gateway of each
    family and one VIP per (family, method); with ``via`` the adverts go
    over a dedicated HA link ``ha0`` (198.51.100.0/24)."""
    vips = "\n".join(f'        - {{address: "{v}", clusterIpMethod: {m}}}'
                     for f in families for m, v in VIPS[f].items() if m in methods)
    ha = ""
    via_line = ""
    if via:
        ha = f"""  ha0:
    type: ethernet
    addresses:
      a: [{HA_ADDR['a']}]
      b: [{HA_ADDR['b']}]
"""
        via_line = "    vrrp: {via: ha0}\n"
    return f"""cluster:
  name: hlab
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: {interval}, preempt: {'true' if preempt else 'false'}, priority: {{preferred: {priority[0]}, other: {priority[1]}}}}}
  garp: {garp}
  gateway_check: {{interval: {gw_interval}, timeout: {gw_timeout}, fall: {fall}, rise: {rise}}}
interfaces:
{ha}  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24, "2001:db8::11/64"]
      b: [192.0.2.12/24, "2001:db8::12/64"]
    gateway: {{ipv4: {GW[4]}, ipv6: "{GW[6]}"}}
{via_line}    vips:
      master:
{vips}
"""


class HealthCluster(Cluster):
    """vrrp_topo's Cluster with the two gateways (and optionally ha0)."""

    def __init__(self, lab, ha_link=False, physical_ports=False):
        super().__init__(lab, physical_ports=physical_ports)
        self.gw = {}
        for fam in (4, 6):
            ns = lab.netns(f"gw{fam}")
            veth(ns, "eth0", self.sw, f"pg{fam}")
            self.sw.run(["ip", "link", "set", "dev", f"pg{fam}", "master", "br0", "up"])
            plen = 24 if fam == 4 else 64
            addr(ns, "eth0", f"{GW[fam]}/{plen}")
            self.gw[fam] = ns
        if ha_link:
            veth(self.ns["a"], "ha0", self.ns["b"], "ha0")
            for node in ("a", "b"):
                addr(self.ns[node], "ha0", HA_ADDR[node])

    # -- faults -------------------------------------------------------------

    def _isolate(self, port, on):
        self.sw.run(["bridge", "link", "set", "dev", port, "isolated", "on" if on else "off"])

    def cut_gateway(self, node, family):
        """node can no longer reach the gateway of family (and vice versa)."""
        self._isolate(f"pg{family}", True)
        self._isolate(f"p{node}", True)

    def restore_gateway(self, node, family):
        self._isolate(f"p{node}", False)
        self._isolate(f"pg{family}", False)

    def gateway_down(self, family, down=True):
        """The gateway itself goes away (or comes back): for every node."""
        self.gw[family].ip(["link", "set", "eth0", "down" if down else "up"])

    def service_link(self, node, up):
        """node's eth0 loses (or regains) carrier: its switch port goes down."""
        self.sw.ip(["link", "set", f"p{node}", "up" if up else "down"])

    # -- views --------------------------------------------------------------

    def instances(self, node):
        return {i["name"]: i for i in self.status(node)["instances"]}

    def masters(self, name):
        """The nodes that say MASTER for instance name."""
        return [n for n in ("a", "b") if self.instances(n)[name]["state"] == "MASTER"]

    def owner_of(self, vip):
        """The nodes holding vip on eth0 (kernel view)."""
        return [n for n in ("a", "b") if vip in self.addrs(n)]

    def wait_owner(self, vip, node, timeout=10):
        wait_until(lambda: self.owner_of(vip) == [node], timeout=timeout, interval=0.02,
                   what=f"{vip} on {node} only (on {self.owner_of(vip)})")

    def answered_by(self, vip, node, timeout=3):
        """The client reaches vip and its neighbour entry names node's MAC
        (GARP / unsolicited NA moved it)."""
        mac = self.mac(node)
        wait_until(lambda: self.client_ping(vip, timeout=1) and
                   self.client_neigh_mac(vip) == mac, timeout=timeout, interval=0.05,
                   what=f"client to reach {vip} at {node}'s {mac} "
                        f"(neighbour entry {self.client_neigh_mac(vip)})")

    def wait_all_master(self, node, names, timeout=10):
        for name in names:
            self.wait_state(node, name, "MASTER", timeout=timeout)


def up_health(lab, families=(4, 6), methods=METHODS, ha_link=False, physical_ports=False,
              **kw):
    """The lab with vipd on both nodes; a holds every VIP, every gateway
    check has said "up"."""
    c = HealthCluster(lab, ha_link=ha_link, physical_ports=physical_ports)
    c.write_config(health_config(families=families, methods=methods, via=ha_link, **kw))
    c.start("a")
    c.start("b")
    names = [inst_name(f, m) for f in families for m in methods]
    c.wait_all_master("a", names)
    for name in names:
        c.wait_state("b", name, "BACKUP")
    for node in ("a", "b"):
        wait_until(lambda: all(i["health"]["reason"] in ("healthy",
                                                         "clusterIpMethod vrrp: always healthy")
                               for i in c.instances(node).values()),
                   timeout=10, interval=0.05, what=f"every check on {node} judged")
    return c


def ip_of(vip):
    return str(ipaddress.ip_interface(vip).ip)
