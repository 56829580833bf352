#!/bin/bash
# Tests on the running kernel, as root: the netlink selftest (basic kinds),
# the link/gateway check selftest, the service probes selftest,
# the raw VRRP socket selftest, the virtual MAC link selftest, and the
# pytest topologies in network namespaces. Tests marked
# needs_kernel_features (8021q, bonding) or needs_ipsec (AH) run in
# scripts/check-kernel.sh instead.
# VIPD_BUILD=build-asan runs them against the ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${VIPD_BUILD:-build}
"$build"/tests/net/nl_selftest --kinds=basic
"$build"/tests/check/check_selftest
"$build"/tests/net/vrrp_sock_selftest
"$build"/tests/net/vmac_selftest
"$build"/tests/check/svc_selftest
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/topo -m "not needs_kernel_features and not needs_ipsec" "$@"
