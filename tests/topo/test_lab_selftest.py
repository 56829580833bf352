"""The topology library itself works on the running kernel (veth, bridge,
netns, IPv4/IPv6) and leaves nothing behind. No 8021q/bonding needed."""

import json
import os
import subprocess

import pytest

from lab import PREFIX, CommandError, Lab, addr, bridge, check_ifname, ping, veth


def host_ip_json(*args):
    out = subprocess.run(["ip", "-j", *args], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out) if out.strip() else []


def host_namespaces():
    return {entry["name"] for entry in host_ip_json("netns", "list")}


def build_bridged_pair(lab):
    """hosts a and b, each with eth0 wired to a port of br0 in namespace sw."""
    a, b, sw = lab.netns("a"), lab.netns("b"), lab.netns("sw")
    veth(a, "eth0", sw, "pa")
    veth(b, "eth0", sw, "pb")
    bridge(sw, "br0", ["pa", "pb"])
    addr(a, "eth0", "192.0.2.1/24")
    addr(b, "eth0", "192.0.2.2/24")
    addr(a, "eth0", "2001:db8:1::1/64")
    addr(b, "eth0", "2001:db8:1::2/64")
    return a, b, sw


def test_hosts_on_a_bridge_in_a_third_namespace_reach_each_other_v4_and_v6(lab):
    a, b, sw = build_bridged_pair(lab)

    assert ping(a, "192.0.2.2", check=True)
    assert ping(b, "192.0.2.1", check=True)
    assert ping(a, "2001:db8:1::2", check=True)
    assert ping(b, "2001:db8:1::1", check=True)

    # the kernel's view, through the library's JSON helper
    ports = {link["ifname"]: link for link in sw.json("-d link show master br0")}
    assert set(ports) == {"pa", "pb"}
    assert all(p["linkinfo"]["info_slave_kind"] == "bridge" for p in ports.values())
    assert sw.link("br0")["linkinfo"]["info_kind"] == "bridge"
    eth0 = a.json("addr show dev eth0")[0]
    assert {(i["family"], i["local"]) for i in eth0["addr_info"]
            if i["scope"] == "global"} == {("inet", "192.0.2.1"),
                                           ("inet6", "2001:db8:1::1")}


def test_links_exist_only_inside_the_lab_namespaces(lab):
    a, b, sw = build_bridged_pair(lab)
    host_links = {link["ifname"] for link in host_ip_json("link", "show")}
    assert not {"pa", "pb", "br0"} & host_links
    assert a.name == f"{PREFIX}-a"
    assert {a.name, b.name, sw.name} <= host_namespaces()


def test_unreachable_address_is_reported_as_such(lab):
    a, b, _ = build_bridged_pair(lab)
    assert not ping(a, "192.0.2.99", timeout=1)
    with pytest.raises(CommandError) as err:
        a.run(["ip", "link", "set", "dev", "nosuch0", "up"])
    assert err.value.returncode != 0 and "nosuch0" in str(err.value)


def test_closing_the_lab_removes_namespaces_and_stops_processes():
    with Lab(stop_grace=0.5) as lab:
        a, b, sw = build_bridged_pair(lab)
        names = {a.name, b.name, sw.name}
        sleeper = lab.popen(a, ["sleep", "600"])
        # a process that ignores SIGTERM must still go
        stubborn = lab.popen(b, ["sh", "-c", "trap '' TERM; sleep 600"])
        assert names <= host_namespaces()
    assert not names & host_namespaces()
    assert sleeper.returncode is not None and stubborn.returncode is not None
    assert not os.path.exists(lab.workdir)


def test_cleanup_also_happens_when_the_test_body_fails():
    with pytest.raises(RuntimeError, match="boom"):
        with Lab() as lab:
            a = lab.netns("a")
            proc = lab.popen(a, ["sleep", "600"])
            raise RuntimeError("boom")
    assert a.name not in host_namespaces()
    assert proc.returncode is not None


def test_interface_names_longer_than_15_bytes_are_refused_before_the_kernel_sees_them():
    assert check_ifname("bond0.100") == "bond0.100"
    with pytest.raises(ValueError, match="at most 15"):
        check_ifname("a-name-of-16-chr")
