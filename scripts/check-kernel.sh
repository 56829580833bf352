#!/bin/bash
# Tests that need 802.1Q VLAN and bonding (vlan, bond, lacp, their stacks,
# the examples) or IPsec AH (the pair authenticated with AH), run under
# tests/lab/kernel-run: directly when the running kernel has them, else
# inside user-mode Linux (whose kernel has all three as modules).
set -euo pipefail
cd "$(dirname "$0")/.."

# AH is not what kernel-run looks for: try it in a namespace of our own
kr=()
probe=ck-ahprobe-$$
if ip netns add "$probe" 2>/dev/null; then
	ip -n "$probe" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto ah spi 0x100 \
		mode transport auth-trunc 'hmac(sha256)' "0x$(printf '11%.0s' {1..32})" 128 \
		2>/dev/null || kr=(--force-uml)
	ip netns del "$probe"
fi
exec tests/lab/kernel-run -t 1200 -m 1G "${kr[@]}" -- bash -c '
	set -e
	build/tests/net/nl_selftest --kinds=all
	build/tests/check/check_selftest --stack
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/topo -m "needs_kernel_features or needs_ipsec" "$@"
' kernel-tests "$@"
