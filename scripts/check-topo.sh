#!/bin/bash
# Topology tests on the running kernel (network namespaces, as root).
# Tests marked needs_kernel_features run in scripts/check-kernel.sh instead.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/topo -m "not needs_kernel_features" "$@"
