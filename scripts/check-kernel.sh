#!/bin/bash
# Tests that need 802.1Q VLAN and bonding (vlan, bond, lacp, their stacks,
# the examples), run under tests/lab/kernel-run: directly when the running
# kernel has both, else inside user-mode Linux.
set -euo pipefail
cd "$(dirname "$0")/.."
exec tests/lab/kernel-run -t 1200 -m 1G -- bash -c '
	set -e
	build/tests/net/nl_selftest --kinds=all
	build/tests/check/check_selftest --stack
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/topo -m "needs_kernel_features or needs_ipsec" "$@"
' kernel-tests "$@"
