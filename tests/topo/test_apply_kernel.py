"""vipctl apply for vlan, bond, lacp and their stacks, and for the four
examples. These need 802.1Q and bonding: scripts/check-kernel.sh runs them
under tests/lab/kernel-run (user-mode Linux when the host kernel lacks
them); on a kernel without them they fail, never skip."""

import json
import os
import re

import pytest

from vipd_env import ROOT, vipctl, vipctl_json, write_config

pytestmark = pytest.mark.needs_kernel_features

CLUSTER = "cluster:\n  name: klab\n  nodes: [n1, n2]\ninterfaces:\n"


def ports(lab, node, names):
    sw = lab.netns("sw")
    for i, name in enumerate(names):
        lab.veth(node, name, sw, f"p{i}")
    return sw


def test_vlan_over_lacp_and_active_backup_bond(lab):
    node = lab.netns("node")
    ports(lab, node, ["eth0", "eth1", "eth2", "eth3"])
    cfg = write_config(lab, "k.yaml", CLUSTER + """\
  eth0: {type: ethernet, mtu: 9000}
  eth1: {type: ethernet, mtu: 9000}
  eth2: {type: ethernet}
  eth3: {type: ethernet}
  bond0:
    type: lacp
    members: [eth0, eth1]
    lacp_rate: fast
    xmit_hash_policy: layer3+4
    miimon: 100ms
    mtu: 9000
  bond1: {type: bond, mode: active-backup, members: [eth2, eth3], primary: eth2}
  vlan100:
    type: vlan
    parent: bond0
    id: 100
    mtu: 1500
    addresses: {n1: [192.0.2.11/24, "2001:db8:100::11/64"], n2: [192.0.2.12/24, "2001:db8:100::12/64"]}
  vlan200: {type: vlan, parent: bond1, id: 200}
  mv0: {type: veth, parent: vlan100}
""")
    vipctl(node, "-c", cfg, "--node", "n1", "apply")
    b0 = node.link("bond0")["linkinfo"]["info_data"]
    assert b0["mode"] == "802.3ad"
    assert b0["ad_lacp_rate"] == "fast"
    assert b0["xmit_hash_policy"] == "layer3+4"
    assert b0["miimon"] == 100
    assert node.link("bond0")["mtu"] == 9000
    for p in ("eth0", "eth1"):
        assert node.link(p)["master"] == "bond0"
    b1 = node.link("bond1")["linkinfo"]["info_data"]
    assert b1["mode"] == "active-backup"
    v100 = node.link("vlan100")
    assert v100["linkinfo"]["info_kind"] == "vlan"
    assert v100["linkinfo"]["info_data"]["id"] == 100
    assert v100["link"] == "bond0" and v100["mtu"] == 1500
    assert node.link("vlan200")["link"] == "bond1"
    assert node.link("mv0")["link"] == "vlan100"
    addrs = [i["local"] for i in node.json("addr show dev vlan100")[0]["addr_info"]]
    assert "192.0.2.11" in addrs and "2001:db8:100::11" in addrs
    assert vipctl_json(node, "-c", cfg, "--node", "n1", "plan") == {"steps": []}


def test_vlan_id_change_recreates_the_vlan(lab):
    node = lab.netns("node")
    ports(lab, node, ["eth0"])
    text = CLUSTER + "  eth0: {type: ethernet}\n  v: {type: vlan, parent: eth0, id: %d}\n"
    vipctl(node, "-c", write_config(lab, "a.yaml", text % 10), "--node", "n1", "apply")
    cfg = write_config(lab, "b.yaml", text % 11)
    vipctl(node, "-c", cfg, "--node", "n1", "apply")
    assert node.link("v")["linkinfo"]["info_data"]["id"] == 11
    assert vipctl_json(node, "-c", cfg, "--node", "n1", "plan") == {"steps": []}


def check_kind_options(want, link):
    """The options `vipctl show -o json` resolved, as the kernel reports them."""
    data = (link.get("linkinfo") or {}).get("info_data", {})
    name = want["name"]
    if want["type"] == "vlan":
        assert data["id"] == want["id"], name
    if want["type"] in ("vlan", "veth") and not want["namespace"]:
        assert link.get("link") == want["parent"], name
    if want["type"] in ("bond", "lacp"):
        assert data["mode"] == want["mode"], name
        assert data["xmit_hash_policy"] == want["xmit_hash_policy"], name
        assert data["miimon"] == want["miimon_ms"], name
    if want["type"] == "lacp":
        assert data["ad_lacp_rate"] == want["lacp_rate"], name
    if want["type"] == "veth":
        assert data["mode"] == want["mode"], name


@pytest.mark.parametrize("example", sorted(
    f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".yaml")))
def test_every_example_applies_and_is_idempotent(lab, example):
    path = os.path.join(ROOT, "examples", example)
    with open(path) as f:
        first_node = re.search(r"nodes:\s*\[\s*([^,\s]+)", f.read()).group(1)
    node = lab.netns("node")
    model = vipctl_json(node, "-c", path, "--node", first_node, "show")
    eth = [i for i in model["interfaces"] if i["type"] == "ethernet"]
    sw = lab.netns("sw")
    for i, e in enumerate(eth):
        lab.veth(node, e["name"], sw, f"p{i}")
    try:
        vipctl(node, "-c", path, "--node", first_node, "apply")
        assert vipctl_json(node, "-c", path, "--node", first_node, "plan") == {"steps": []}
        for i in model["interfaces"]:
            ns = i["namespace"]
            argv = ["ip"] + (["-n", ns] if ns else []) + ["-d", "-j", "link", "show", "dev",
                                                           i["name"]]
            link = json.loads(node.run(argv).stdout)[0]
            kind = (link.get("linkinfo") or {}).get("info_kind", "")
            want = {"vlan": "vlan", "bond": "bond", "lacp": "bond", "veth": "macvlan",
                    "veth-peer": "veth", "bridge": "bridge"}.get(i["type"])
            if want:
                assert kind == want, (i["name"], kind)
            if i["mtu"]:
                assert link["mtu"] == i["mtu"], i["name"]
            if i.get("master"):
                assert link.get("master") == i["master"], i["name"]
            check_kind_options(i, link)
    finally:
        for i in model["interfaces"]:
            for ns in (i.get("namespace"), i.get("peer_namespace")):
                if ns and os.path.exists(f"/run/netns/{ns}"):
                    os.system(f"ip netns del {ns}")
