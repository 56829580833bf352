#!/bin/bash
# selftest.sh -- prove that the kernel we run on can do what vipd's topology
# tests need: an 802.3ad bond of two veths with VLAN 100 on top, built in a
# network namespace of its own and checked through `ip -d -j link`.
#
# Run it through the lab:  tests/lab/kernel-run -- tests/lab/selftest.sh
# Prints "kernel-lab selftest: ok" and exits 0, or says what is wrong and
# exits 1. Everything it creates lives in its namespace, deleted at exit.
set -eu

ns=klst$$
say() { printf 'kernel-lab selftest: %s\n' "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }

command -v ip >/dev/null || die "ip (iproute2) is not installed"
# the system python first: a pyenv shim costs over a second per start in UML
python=$(command -v /usr/bin/python3 || command -v python3) ||
    die "python3 is not installed"
[ "$(id -u)" = 0 ] || die "must run as root (it is, inside tests/lab/kernel-run)"

ip netns add "$ns" || die "cannot create network namespace $ns"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
in_ns() { ip -n "$ns" "$@"; }

in_ns link set lo up
in_ns link add bond0 type bond mode 802.3ad miimon 100 lacp_rate fast ||
    die "cannot create an 802.3ad bond (kernel without bonding? use tests/lab/kernel-run)"
for i in 0 1; do
    in_ns link add "eth$i" type veth peer name "peer$i"
    in_ns link set "eth$i" master bond0
    in_ns link set "peer$i" up
done
in_ns link add link bond0 name bond0.100 type vlan id 100 ||
    die "cannot create VLAN 100 on the bond (kernel without 8021q? use tests/lab/kernel-run)"
in_ns link set bond0 up
in_ns link set bond0.100 up
in_ns addr add 192.0.2.1/24 dev bond0.100

# Check what the kernel reports, not what we asked for.
in_ns -d -j link show | "$python" -c '
import json, sys

links = {l["ifname"]: l for l in json.load(sys.stdin)}
problems = []

def expect(what, got, want):
    if got != want:
        problems.append(f"{what}: got {got!r}, want {want!r}")

def info(name):
    return links.get(name, {}).get("linkinfo", {})

for name in ("bond0", "bond0.100", "eth0", "eth1"):
    if name not in links:
        problems.append(f"{name}: missing from ip -j link")

expect("bond0 kind", info("bond0").get("info_kind"), "bond")
expect("bond0 mode", info("bond0").get("info_data", {}).get("mode"), "802.3ad")
expect("bond0.100 kind", info("bond0.100").get("info_kind"), "vlan")
vlan = info("bond0.100").get("info_data", {})
expect("bond0.100 vlan id", vlan.get("id"), 100)
expect("bond0.100 protocol", vlan.get("protocol"), "802.1Q")
expect("bond0.100 lower link", links.get("bond0.100", {}).get("link"), "bond0")
for slave in ("eth0", "eth1"):
    expect(f"{slave} kind", info(slave).get("info_kind"), "veth")
    expect(f"{slave} slave kind", info(slave).get("info_slave_kind"), "bond")
    expect(f"{slave} master", links.get(slave, {}).get("master"), "bond0")

for p in problems:
    print("kernel-lab selftest: FAIL:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
' || die "ip -d -j link does not show the expected bond and VLAN"

say ok
