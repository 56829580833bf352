#!/bin/sh
# usage: bench/validate/run.sh [RUNS]
#
# The validate benchmark: generates a cluster file with 4094 VLANs on one
# LACP bundle, each with a communication pair, a gateway and 10 VIPs over
# both slots and the four methods (40,940 VIPs), and the same doubled (two
# bundles, 81,880 VIPs), into bench/out/; times `vipctl validate` on both
# (best of RUNS, default 3) and checks the goals:
#   < 0.5 s and < 100 MB for 41k VIPs; 2x size <= 2.3x time.
# Exits 1 when a goal is missed, 2 on a build or usage error.
# Environment: BUILD_DIR (default build). Also runs as `ninja -C build
# bench-validate` (bench/meson.build), which builds vipctl first.
set -eu

case ${1:-3} in '' | *[!0-9]*)
	echo "usage: bench/validate/run.sh [RUNS]" >&2
	exit 2
	;;
esac
runs=${1:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-${MESON_BUILD_ROOT:-$root/build}}
case $build in /*) ;; *) build=$root/$build ;; esac

# Under meson's run_target, ninja has built vipctl already (and must not be
# re-entered on the same build directory).
if [ -z "${MESON_BUILD_ROOT:-}" ]; then
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$root" >/dev/null || exit 2
	fi
	ninja -C "$build" src/vipctl >/dev/null || {
		echo "run.sh: build failed" >&2
		exit 2
	}
fi

out=$root/bench/out
mkdir -p "$out"
python3 "$root/bench/validate/gen.py" --bundles 1 "$out/validate-1x.yaml" >/dev/null
python3 "$root/bench/validate/gen.py" --bundles 2 "$out/validate-2x.yaml" >/dev/null
exec python3 "$root/bench/validate/measure.py" "$build/src/vipctl" \
	"$out/validate-1x.yaml" "$out/validate-2x.yaml" "$runs"
