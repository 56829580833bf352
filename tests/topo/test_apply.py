"""vipctl plan / apply against the real kernel in network namespaces:
ethernet (veth stand-ins), bridge, veth (macvlan), veth-peer into a
namespace, MTU, IPv4+IPv6 addresses, idempotency, removal, foreign links,
rollback."""

import os

import pytest

from lab import host_run
from vipd_env import link_state, vipctl, vipctl_json, write_config

CLUSTER = """\
cluster:
  name: {name}
  nodes: [n1, n2]
interfaces:
"""


def node_lab(lab):
    """A node namespace with two 'ethernet' ports (veths to a switch ns)."""
    node, sw = lab.netns("node"), lab.netns("sw")
    lab.veth(node, "eth0", sw, "p0")
    lab.veth(node, "eth1", sw, "p1")
    return node, sw


@pytest.fixture
def node(lab):
    node, _ = node_lab(lab)
    yield node
    for short in ("t1", "t2"):
        path = f"/run/netns/{lab.prefix}-{short}"
        if os.path.exists(path):
            host_run(["ip", "netns", "del", f"{lab.prefix}-{short}"], check=False)


def full_config(lab, extra=""):
    t1 = f"{lab.prefix}-t1"
    return CLUSTER.format(name="apply") + f"""\
  eth0:
    type: ethernet
    mtu: 1500
    addresses: {{n1: [192.0.2.11/24, "2001:db8::11/64"], n2: [192.0.2.12/24, "2001:db8::12/64"]}}
  eth1: {{type: ethernet}}
  mv0:
    type: veth
    parent: eth0
    mode: private
    mtu: 1400
    addresses: {{n1: [198.51.100.11/24], n2: [198.51.100.12/24]}}
  mv1: {{type: veth, parent: eth1}}
  br0:
    type: bridge
    members: [mv1, t1-host]
    addresses: {{n1: [203.0.113.11/24], n2: [203.0.113.12/24]}}
  t1:
    type: veth-peer
    namespace: {t1}
    peer: t1-host
    addresses: {{n1: [203.0.113.21/24], n2: [203.0.113.22/24]}}
{extra}"""


def test_apply_builds_every_basic_kind_and_second_plan_is_empty(lab, node):
    cfg = write_config(lab, "c.yaml", full_config(lab))
    out = vipctl(node, "-c", cfg, "--node", "n1", "apply").stdout
    assert "applied" in out

    mv0 = node.link("mv0")
    assert mv0["linkinfo"]["info_kind"] == "macvlan"
    assert mv0["linkinfo"]["info_data"]["mode"] == "private"
    assert mv0["link"] == "eth0" and mv0["mtu"] == 1400
    assert mv0["ifalias"] == "vipd:apply"
    mv1 = node.link("mv1")
    assert mv1["master"] == "br0"
    assert node.link("t1-host")["master"] == "br0"
    assert node.link("br0")["linkinfo"]["info_kind"] == "bridge"

    t1 = f"{lab.prefix}-t1"
    assert os.path.exists(f"/run/netns/{t1}")
    t1_link = host_run(["ip", "-n", t1, "-j", "-d", "link", "show", "dev", "t1"]).stdout
    assert '"info_kind":"veth"' in t1_link

    addrs = {a["ifname"]: [f'{i["local"]}/{i["prefixlen"]}' for i in a["addr_info"]]
             for a in node.json("addr show")}
    assert "192.0.2.11/24" in addrs["eth0"] and "2001:db8::11/64" in addrs["eth0"]
    assert addrs["mv0"] == ["198.51.100.11/24"] or "198.51.100.11/24" in addrs["mv0"]
    assert "203.0.113.11/24" in addrs["br0"]
    t1_addr = host_run(["ip", "-n", t1, "-j", "addr", "show", "dev", "t1"]).stdout
    assert "203.0.113.21" in t1_addr

    assert vipctl_json(node, "-c", cfg, "--node", "n1", "plan") == {"steps": []}
    again = vipctl(node, "-c", cfg, "--node", "n1", "apply").stdout
    assert "nothing to do" in again


def test_interface_dropped_from_file_is_deleted_and_foreign_kept(lab, node):
    cfg = write_config(lab, "c.yaml", full_config(lab))
    vipctl(node, "-c", cfg, "--node", "n1", "apply")
    node.ip("link add foreign0 link eth1 type macvlan mode bridge")

    smaller = CLUSTER.format(name="apply") + "  eth0: {type: ethernet}\n" \
        "  eth1: {type: ethernet}\n  mv1: {type: veth, parent: eth1}\n"
    cfg2 = write_config(lab, "c2.yaml", smaller)
    steps = vipctl_json(node, "-c", cfg2, "--node", "n1", "plan")["steps"]
    deleted = {s["interface"] for s in steps if s["op"] == "link-del"}
    assert {"mv0", "br0"} <= deleted
    assert "foreign0" not in deleted and "eth0" not in deleted
    vipctl(node, "-c", cfg2, "--node", "n1", "apply")
    names = {l["ifname"] for l in node.json("link show")}
    assert "mv0" not in names and "br0" not in names
    assert {"foreign0", "mv1", "eth0", "eth1"} <= names
    assert "master" not in node.link("mv1")
    # the node-local addresses vipctl put on eth0 went with the file
    eth0 = [i["local"] for i in node.json("addr show dev eth0")[0]["addr_info"]]
    assert "192.0.2.11" not in eth0
    assert vipctl_json(node, "-c", cfg2, "--node", "n1", "plan") == {"steps": []}


def test_foreign_interface_of_the_same_name_is_refused(lab, node):
    node.ip("link add br0 type bridge")
    cfg = write_config(lab, "c.yaml", CLUSTER.format(name="apply") +
                       "  eth0: {type: ethernet}\n  br0: {type: bridge, members: [eth0]}\n")
    before = link_state(node)
    cp = vipctl(node, "-c", cfg, "--node", "n1", "apply", check=False)
    assert cp.returncode == 2
    assert "was not created by vipd" in cp.stderr
    assert f"{cfg}:6:3: error: br0:" in cp.stderr
    assert link_state(node) == before


def test_missing_ethernet_is_an_error_before_any_change(lab, node):
    cfg = write_config(lab, "c.yaml", CLUSTER.format(name="apply") +
                       "  eth0: {type: ethernet}\n  mv0: {type: veth, parent: eth0}\n"
                       "  eth9: {type: ethernet}\n")
    before = link_state(node)
    cp = vipctl(node, "-c", cfg, "--node", "n1", "apply", check=False)
    assert cp.returncode == 2
    assert "eth9: no such interface" in cp.stderr
    assert link_state(node) == before


def test_mtu_raised_parent_first_and_lowered_child_first(lab, node):
    def cfg_for(parent, child):
        return write_config(lab, f"m{parent}.yaml", CLUSTER.format(name="apply") +
                            f"  eth0: {{type: ethernet, mtu: {parent}}}\n"
                            f"  mv0: {{type: veth, parent: eth0, mtu: {child}}}\n")
    vipctl(node, "-c", cfg_for(1500, 1500), "--node", "n1", "apply")
    vipctl(node, "-c", cfg_for(4000, 4000), "--node", "n1", "apply")
    assert node.link("eth0")["mtu"] == 4000 and node.link("mv0")["mtu"] == 4000
    steps = vipctl_json(node, "-c", cfg_for(1500, 1400), "--node", "n1", "plan")["steps"]
    assert [s["interface"] for s in steps if s["op"] == "link-mtu"] == ["mv0", "eth0"]
    vipctl(node, "-c", cfg_for(1500, 1400), "--node", "n1", "apply")
    assert node.link("eth0")["mtu"] == 1500 and node.link("mv0")["mtu"] == 1400


def test_failed_step_rolls_back_to_the_exact_previous_state(lab, node):
    # mv1 asks for an MTU above its parent's real one: the file cannot know
    # (eth1's MTU is not set), the kernel refuses, and everything done
    # before that step must be undone.
    cfg = write_config(lab, "c.yaml", CLUSTER.format(name="apply") + """\
  eth0:
    type: ethernet
    addresses: {n1: [192.0.2.11/24], n2: [192.0.2.12/24]}
  eth1: {type: ethernet}
  mv0:
    type: veth
    parent: eth0
    addresses: {n1: [198.51.100.11/24], n2: [198.51.100.12/24]}
  mv1: {type: veth, parent: eth1, mtu: 9000}
""")
    node.ip("link set eth1 down")
    before = link_state(node)
    cp = vipctl(node, "-c", cfg, "--node", "n1", "apply", check=False)
    assert cp.returncode == 1
    assert "failed" in cp.stderr and "create macvlan mv1" in cp.stderr
    assert "the kernel is as before" in cp.stderr
    assert link_state(node) == before


def test_other_node_on_the_same_host_is_left_alone(lab, node):
    # Two nodes of one cluster as namespaces of one host (a lab, a CI box):
    # each apply must see only its own namespace, though both namespaces
    # are listed under /run/netns and carry links with the same alias.
    other = lab.netns("other")
    lab.veth(other, "eth0", lab.netns("sw2"), "p0")
    text = CLUSTER.format(name="apply") + """\
  eth0: {type: ethernet}
  mv0:
    type: veth
    parent: eth0
    addresses: {n1: [192.0.2.11/24], n2: [192.0.2.12/24]}
"""
    cfg = write_config(lab, "c.yaml", text)
    vipctl(other, "-c", cfg, "--node", "n2", "apply")
    smaller = write_config(lab, "c2.yaml", CLUSTER.format(name="apply") +
                           "  eth0: {type: ethernet}\n")
    steps = vipctl_json(node, "-c", smaller, "--node", "n1", "plan")["steps"]
    assert steps == []
    vipctl(node, "-c", cfg, "--node", "n1", "apply")
    vipctl(node, "-c", smaller, "--node", "n1", "apply")
    assert other.link("mv0")["ifalias"] == "vipd:apply"
    assert "mv0" not in {l["ifname"] for l in node.json("link show")}
