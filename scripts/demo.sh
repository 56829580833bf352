#!/bin/bash
# The two-node vipd demo (`make demo`; root, Debian 12, about 30 s).
#
#   scripts/demo.sh             build the lab, play the scenarios, clean up
#   scripts/demo.sh --cleanup   remove what an interrupted or killed run left
#
# One demo runs at a time: a second one waits for the first (a lock, see
# take_lock). Holding the lock, whatever a run finds of an earlier one was
# left by a run that died (SIGKILL, a machine that stopped): it is removed,
# and the demo says what it removed before it builds its own lab.
#
# The lab lives in network namespaces named vdemo-*; nothing is created in
# the host's own network and no packet leaves the namespaces. Addresses are
# documentation ones (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/64):
#
#                        vdemo-sw: bridge br0, ports vdemo-p{A,B,G,C}
#            ┌───────────────┬───────────────┬───────────────┐
#     vdemo-nodeA:eth0   vdemo-nodeB:eth0   vdemo-gw:eth0    vdemo-client:eth0
#     192.0.2.11, ::11   192.0.2.12, ::12   192.0.2.1, ::1   192.0.2.50, ::50
#          eth1 ──── HA link ──── eth1      (the gateway)
#     198.51.100.1            198.51.100.2
#
# Both nodes get examples/demo.yaml (`vipctl apply`, run with nsenter
# --net so that it sees the host's /run/netns) and a vipd with its own
# control socket. The client pings a VIP every 5 ms (scripts/demo-probe.py)
# and a failover time is the time from the fault to the first echo reply
# from the new owner's MAC. After the start and after every step the
# client checks that every VIP of the file answers it from the MAC of the
# node that slot and health say (the node that survives while a fault
# lasts), waiting at most a bound derived from the file (check_owners in
# scripts/demo-lab.sh); the demo exits 1 if any did not, naming the VIP, its
# owner and who answered (or nobody). Everything is removed on exit, on
# error and on Ctrl-C; the last line says so.
#
# VIPD_BUILD=DIR uses DIR's vipd and vipctl (default: build).
# VIPD_DEMO_SABOTAGE=dark is a test-only hook (tests/topo/test_demo.py):
# see sabotage() in scripts/demo-lab-scenarios.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

P=vdemo # namespace prefix: also how leftovers are recognised
NS_A=$P-nodeA NS_B=$P-nodeB NS_SW=$P-sw NS_GW=$P-gw NS_C=$P-client
ALL_NS="$NS_A $NS_B $NS_SW $NS_GW $NS_C"
MAC_A=02:de:00:00:00:0a MAC_B=02:de:00:00:00:0b
MAC_GW=02:de:00:00:00:01 MAC_C=02:de:00:00:00:50
BUILD=${VIPD_BUILD:-build} # the build dir (VIPD_BUILD, as for the topology tests)
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
VIPD=$BUILD/src/vipd
VIPCTL=$BUILD/src/vipctl
CONF=$ROOT/examples/demo.yaml
PY=/usr/bin/python3
PROBE=$ROOT/scripts/demo-probe.py
TMP= # the run's temp dir: logs, control sockets, pid list
PIDS=()
T0_MS=$(date +%s%3N)

# ---- helpers ---------------------------------------------------------------

say() { printf '%s\n' "$*"; }
step() {
	if [[ -t 1 ]]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi
}
die() {
	say "demo: error: $*" >&2
	exit 1
}
in_ns() { # in_ns NS CMD...: the network namespace only (see tests/topo/vipd_env.py)
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}
bg_ns() { # bg_ns NS LOG CMD...: CMD in NS in the background, output to LOG; pid in BG_PID
	local ns=$1 log=$2
	shift 2
	# nsenter execs CMD (same pid); 9>&-: a daemon that outlives a killed demo
	# must not hold the demo's lock
	nsenter --net="/run/netns/$ns" "$@" >>"$log" 2>&1 9>&- &
	BG_PID=$!
	track "$BG_PID"
}
ctl() { # ctl nodeA|nodeB ARGS...: vipctl against that node's daemon
	local node=$1
	shift
	in_ns "$P-$node" "$VIPCTL" --control "$TMP/$node.sock" "$@"
}
track() { # remember a pid to stop at exit (also in $TMP/pids for --cleanup)
	PIDS+=("$1")
	echo "$1" >>"$TMP/pids"
}
now_ms() { date +%s%3N; }

# ---- cleanup ----------------------------------------------------------------

# Processes we started (by pid, checked to still be ours), then whatever
# still runs in our namespaces, then the namespaces and the temp dirs.
ours() { # ours PID: the pid runs one of our programs
	local cmd
	[[ -r /proc/$1/cmdline ]] || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	[[ $cmd == *"$VIPD"* || $cmd == *"$VIPCTL"* || $cmd == *"$PROBE"* ]]
}

stop_pids() {
	local pid
	for pid in "$@"; do
		ours "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.2
	for pid in "$@"; do
		ours "$pid" && kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

remove_everything() {
	local ns pid f old dirs=()
	for f in /tmp/"$P".*/pids; do
		[[ -f $f ]] && mapfile -t old <"$f" && stop_pids "${old[@]}"
	done
	((${#PIDS[@]})) && stop_pids "${PIDS[@]}"
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-"); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	for f in /tmp/"$P".*; do
		[[ -d $f ]] && dirs+=("$f")
	done
	((${#dirs[@]})) && rm -rf "${dirs[@]}"
	return 0
}

leftovers() { # prints what a run left behind; true if anything
	local found=1 pid
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" && found=0
	compgen -G "/tmp/$P.*" && found=0
	for pid in "${PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && ours "$pid" && echo "process $pid" && found=0
	done
	# every interface lives in a vdemo- namespace; one in the host's would be a leak
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep "^$P-" | sed 's/^/interface /' &&
		found=0
	return $found
}

on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	if ((rc != 0)) && [[ -n $TMP && -d $TMP ]]; then
		for f in "$TMP"/nodeA.log "$TMP"/nodeB.log; do
			[[ -s $f ]] && say "--- last lines of $(basename "$f") ---" && tail -n 15 "$f"
		done
	fi
	remove_everything
	if left=$(leftovers | xargs); then
		say "demo: cleanup incomplete, left behind: $left" >&2
		exit 1
	fi
	say "demo: cleaned up"
	exit "$rc"
}

# The lock lives as long as this shell: fd 9, closed for the daemons (bg_ns).
LOCK_WAIT_S=300
take_lock() { # take_lock wait|nowait
	local lock=/run/lock/vipd-demo.lock
	[[ -d /run/lock ]] || lock=/tmp/vipd-demo.lock
	exec 9>"$lock"
	flock -n 9 && return 0
	[[ $1 == wait ]] || die "a demo is running (it holds $lock); let it finish first"
	say "demo: another demo is running; waiting for it to finish (at most ${LOCK_WAIT_S} s)"
	flock -w "$LOCK_WAIT_S" 9 || die "another demo still holds $lock after ${LOCK_WAIT_S} s"
}

if [[ ${1:-} == --cleanup ]]; then
	[[ $EUID -eq 0 ]] || die "run as root"
	take_lock nowait
	remove_everything
	if left=$(leftovers | xargs); then
		die "still there: $left"
	fi
	say "demo: cleaned up"
	exit 0
elif [[ $# -gt 0 ]]; then
	die "usage: scripts/demo.sh [--cleanup]"
fi

# ---- preconditions ----------------------------------------------------------

[[ $EUID -eq 0 ]] || die "run as root (it creates network namespaces): sudo make demo"
for tool in ip nsenter bridge "$PY"; do
	command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh installs it)"
done
[[ -x $VIPD && -x $VIPCTL ]] || die "build first: make build (or make demo)"
take_lock wait
if left=$(leftovers | xargs); then
	say "demo: removing what an earlier run that died left behind: $left"
	remove_everything
	if left=$(leftovers | xargs); then
		die "could not remove what an earlier run left behind: $left"
	fi
fi
TMP=$(mktemp -d "/tmp/$P.XXXXXX")
# vipd reads only a file that no one but root may write: a checkout made
# under umask 002 has examples/demo.yaml group-writable.
install -m 0644 "$CONF" "$TMP/demo.yaml"
CONF=$TMP/demo.yaml
trap on_exit EXIT
trap 'say; say "demo: interrupted"; exit 130' INT TERM

# shellcheck source=scripts/demo-lab.sh
source "$ROOT/scripts/demo-lab.sh"
# shellcheck source=scripts/demo-lab-scenarios.sh
source "$ROOT/scripts/demo-lab-scenarios.sh"

main() {
	build_lab
	start_nodes
	sabotage
	scenario_kill
	scenario_back
	scenario_gateway
	scenario_link
	summary
	verdict
}
main
