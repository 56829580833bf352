#!/bin/bash
# Tests on the running kernel, as root: the netlink selftest (basic kinds)
# and the pytest topologies in network namespaces. Tests marked
# needs_kernel_features run in scripts/check-kernel.sh instead.
set -euo pipefail
cd "$(dirname "$0")/.."
build/tests/net/nl_selftest --kinds=basic
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/topo -m "not needs_kernel_features" "$@"
