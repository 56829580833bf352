#!/bin/sh
# usage: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_ARG...]
#
# Builds the libFuzzer target TARGET (fuzz_config, fuzz_vrrp_packet,
# fuzz_arpnd, fuzz_bfd_packet, fuzz_control, fuzz_http, fuzz_keepalived) in
# build-fuzz/ (clang, ASan+UBSan, coverage on every library)
# and runs it for SECONDS against its seed corpus. The seeds are only read:
# new inputs and crash artifacts go to a fresh temporary directory, printed
# at the end. Exit status: 0 no crash, 1 crash/leak/timeout found, 2 usage
# or build error.
#
# Environment: BUILD_DIR (default build-fuzz), OUT_DIR (default: mktemp -d),
# CC (default clang).
set -eu

usage() {
	echo "usage: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_ARG...]" >&2
	echo "  TARGET: fuzz_config | fuzz_vrrp_packet | fuzz_arpnd | fuzz_bfd_packet |" >&2
	echo "          fuzz_control | fuzz_http | fuzz_keepalived" >&2
	exit 2
}

[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]*) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac

case $target in
fuzz_config)
	seeds="$root/tests/fuzz/corpus/config $root/examples $root/tests/bad"
	extra="-max_len=8192"
	[ -f "$root/tests/fuzz/fuzz_config.dict" ] && extra="$extra -dict=$root/tests/fuzz/fuzz_config.dict"
	;;
fuzz_vrrp_packet)
	seeds="$root/tests/fuzz/corpus/vrrp_packet"
	extra=""
	;;
fuzz_arpnd)
	seeds="$root/tests/fuzz/corpus/arpnd"
	extra=""
	;;
fuzz_control)
	seeds="$root/tests/fuzz/corpus/control"
	extra="-max_len=80000"
	[ -f "$root/tests/fuzz/fuzz_control.dict" ] && extra="$extra -dict=$root/tests/fuzz/fuzz_control.dict"
	;;
fuzz_http)
	seeds="$root/tests/fuzz/corpus/http"
	extra="-max_len=16384"
	[ -f "$root/tests/fuzz/fuzz_http.dict" ] && extra="$extra -dict=$root/tests/fuzz/fuzz_http.dict"
	;;
fuzz_keepalived)
	seeds="$root/tests/fuzz/corpus/keepalived $root/tests/import/production $root/tests/import/shared"
	extra="-max_len=8192"
	;;
fuzz_bfd_packet)
	seeds="$root/tests/fuzz/corpus/bfd_packet"
	extra="-max_len=64"
	;;
*) usage ;;
esac

log=$(mktemp "${TMPDIR:-/tmp}/vipd-fuzz-build.XXXXXX")
if [ ! -f "$build/build.ninja" ]; then
	CC=${CC:-clang} meson setup "$build" "$root" -Dfuzz=true -Dtests=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >"$log" 2>&1 || {
		cat "$log" >&2
		rm -f "$log"
		echo "fuzz.sh: meson setup failed (is clang with libFuzzer installed? " \
			"Debian: libclang-rt-14-dev)" >&2
		exit 2
	}
fi
ninja -C "$build" "tests/fuzz/$target" >"$log" 2>&1 || {
	cat "$log" >&2
	rm -f "$log"
	echo "fuzz.sh: build of $target failed" >&2
	exit 2
}
rm -f "$log"
bin=$build/tests/fuzz/$target

out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vipd-$target.XXXXXX")}
mkdir -p "$out/corpus" "$out/artifacts"
existing=""
for d in $seeds; do
	[ -d "$d" ] && existing="$existing $d"
done

echo "fuzz.sh: $target for ${seconds}s; seeds:$existing; output: $out"
# UBSan in the libraries would only print and carry on: make it fatal.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
rc=0
# The first directory receives the new inputs; the seed directories are read only.
# shellcheck disable=SC2086
(cd "$out" && "$bin" -max_total_time="$seconds" -print_final_stats=1 \
	-artifact_prefix="$out/artifacts/" $extra "$@" "$out/corpus" $existing) \
	>"$out/fuzz.log" 2>&1 || rc=$?

# With -jobs=N the workers log to fuzz-K.log in the working directory, and
# fuzz.log repeats each worker's log: count the workers' logs only.
logs=""
for l in "$out"/fuzz-*.log; do
	[ -f "$l" ] && logs="$logs $l"
done
[ -n "$logs" ] || logs=$out/fuzz.log
# shellcheck disable=SC2086
runs=$(grep -h -E '^stat::number_of_executed_units:' $logs | awk '{s += $2} END {print s + 0}')
# shellcheck disable=SC2086
cov=$(grep -h -E '^#[0-9]+' $logs | tail -n 1 || true)
echo "fuzz.sh: $target: $runs executions; last status: ${cov:-?}"
echo "fuzz.sh: new corpus: $(find "$out/corpus" -type f | wc -l) files in $out/corpus"
crashes=$(find "$out/artifacts" -type f | wc -l)
if [ "$crashes" -gt 0 ] || [ $rc -ne 0 ]; then
	echo "fuzz.sh: FAILED (exit $rc); artifacts:" >&2
	find "$out/artifacts" -type f >&2
	# shellcheck disable=SC2086
	grep -h -E 'ERROR:|runtime error:|SUMMARY:' $logs | head -n 20 >&2 || true
	echo "fuzz.sh: reproduce with: $bin ARTIFACT" >&2
	exit 1
fi
echo "fuzz.sh: no crash"
