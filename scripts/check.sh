#!/bin/bash
# Runs every test suite of vipd; exits non-zero if any fails.
# Stages: format, layers (scripts/check-layers.py), unit (plain build), unit (ASan+UBSan), topology (network
# namespaces, root), a short chaos run (fixed seeds), kernel lab (vlan/bond/lacp under a kernel that has
# them), a short fuzz run. Each stage prints its own summary line.
set -u
# vipd refuses a configuration file that others may write (docs/security.md);
# the files the tests write must not depend on the caller's umask.
umask 022
cd "$(dirname "$0")/.."
failed=()
total=0
stage() {
	local name=$1
	shift
	total=$((total + 1))
	echo "=== $name"
	if "$@"; then
		echo "=== $name: ok"
	else
		echo "=== $name: FAILED"
		failed+=("$name")
	fi
}

stage "format" make -s format-check
stage "layers" make -s check-layers
stage "unit" make -s check-unit
stage "unit (asan+ubsan)" make -s check-asan
stage "topology" scripts/check-topo.sh
stage "topology (asan+ubsan)" env VIPD_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 \
	scripts/check-topo.sh
stage "chaos (short, fixed seeds)" scripts/check-chaos.sh
stage "kernel lab" scripts/check-kernel.sh
if [ "${VIPD_SKIP_FUZZ:-0}" != 1 ]; then
	stage "fuzz smoke" scripts/fuzz-smoke.sh
fi

echo "stages: $((total - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	echo "FAILED stages: ${failed[*]}"
	exit 1
fi
