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
# A test that fails is run once more on its own: the topology tests measure
# real time on a shared 2-core machine, and a scheduling stall of a few
# hundred milliseconds under ASan can fail one of ~150. A test that fails
# twice fails the stage; one that passes the second time is listed as
# FLAKY, and the list is the next session's work (docs/decisions.md,
# "Topology tests: one rerun"), never a reason to widen its bound.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
/usr/bin/python3 -m pytest -q -p no:cacheprovider -rf tests/topo \
	-m "not needs_kernel_features and not needs_ipsec" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) && exit 0
mapfile -t failed < <(sed -n 's/^FAILED \([^ ]*\).*/\1/p' "$log" | sort -u)
((rc == 1)) && ((${#failed[@]} > 0)) && ((${#failed[@]} <= 3)) || exit "$rc"
echo "rerunning once: ${failed[*]}"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "${failed[@]}"
echo "FLAKY (failed once, passed on the rerun): ${failed[*]}"
