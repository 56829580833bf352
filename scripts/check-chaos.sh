#!/bin/bash
# The short chaos run of `make check`: the driver's selftest, then fixed
# seeds with a few steps each (about 2 minutes), the last with BFD between
# the nodes (issue 16, tests/chaos/run.py --bfd); `make chaos` is the soak.
# Every seed runs even if one fails; the last line counts the steps.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
# the judge judged first: every invariant must see a fault made on purpose
if ! /usr/bin/python3 tests/chaos/run.py --selftest; then
	echo "chaos selftest failed: the invariants would miss a fault"
	failed=$((failed + 1))
fi
# the last seeds run with vrrp.packet_socket (docs/vrrp.md), BFD on
# (docs/bfd.md) and vrrp.virtual_mac (docs/vmac.md)
for run in 101 102 "103 --packet-socket" "104 --bfd" "105 --virtual-mac"; do
	read -r seed opt <<<"$run"
	out=$(/usr/bin/python3 tests/chaos/run.py --seed "$seed" ${opt:+"$opt"} \
		--steps "${VIPD_CHAOS_STEPS:-8}" 2>&1)
	rc=$?
	if ((rc != 0)); then
		printf '%s\n' "$out"
	else
		printf '%s\n' "$out" | grep -v '^20[0-9][0-9]-' | tail -n 3
	fi
	line=$(printf '%s\n' "$out" | grep -E '^chaos: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [[ -z $line ]]; then
		echo "chaos seed $seed: no result (exit $rc)"
		failed=$((failed + 1))
		continue
	fi
	p=${line#chaos: }
	passed=$((passed + ${p%% passed*}))
	f=${p#*passed, }
	failed=$((failed + ${f%% failed}))
	((rc == 0)) || ((${f%% failed} > 0)) || failed=$((failed + 1))
done
echo "chaos steps: $passed passed, $failed failed"
((failed == 0))
