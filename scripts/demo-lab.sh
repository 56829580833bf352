# The demo's lab and scenarios; sourced by scripts/demo.sh, which defines
# the names (P, NS_*, MAC_*, VIPD, VIPCTL, CONF, PY, PROBE, TMP) and the
# helpers (say, step, in_ns, ctl, track, now_ms) and cleans up after it.
# shellcheck shell=bash

A_VIPS="192.0.2.100 192.0.2.101 192.0.2.102 192.0.2.103 2001:db8::100"
B_VIPS="192.0.2.200 192.0.2.201 192.0.2.202 192.0.2.203 2001:db8::200"
declare -A VPID
ROWS=()
# shellcheck disable=SC2034 # read through ${!var} in show_events
EVENTS_SEEN_nodeA=0 EVENTS_SEEN_nodeB=0

# ---- the lab -----------------------------------------------------------------

netns() { # a namespace with lo up and no duplicate address detection
	ip netns add "$1"
	ip -n "$1" link set lo up
	# shellcheck disable=SC2016 # expanded by that sh
	in_ns "$1" sh -c 'for f in all default; do
		echo 0 >/proc/sys/net/ipv6/conf/$f/accept_dad; done'
}

port() { # port NS IFNAME MAC SWITCHPORT: a veth from NS to the switch's bridge
	ip -n "$1" link add "$2" address "$3" type veth peer name "$4" netns "$NS_SW"
	ip -n "$NS_SW" link set "$4" master br0 up
}

build_lab() {
	step "Lab: namespaces $ALL_NS"
	for ns in $ALL_NS; do netns "$ns"; done
	ip -n "$NS_SW" link add br0 type bridge mcast_snooping 0
	ip -n "$NS_SW" link set br0 up
	port "$NS_A" eth0 "$MAC_A" "$P-pA"
	port "$NS_B" eth0 "$MAC_B" "$P-pB"
	port "$NS_GW" eth0 "$MAC_GW" "$P-pG"
	port "$NS_C" eth0 "$MAC_C" "$P-pC"
	ip -n "$NS_A" link add eth1 type veth peer name eth1 netns "$NS_B" # the HA link
	ip -n "$NS_GW" addr add 192.0.2.1/24 dev eth0
	ip -n "$NS_GW" addr add 2001:db8::1/64 dev eth0
	ip -n "$NS_GW" link set eth0 up
	ip -n "$NS_C" addr add 192.0.2.50/24 dev eth0
	ip -n "$NS_C" addr add 2001:db8::50/64 dev eth0
	ip -n "$NS_C" link set eth0 up
	say "  switch br0 in $NS_SW; gateway 192.0.2.1 / 2001:db8::1 in $NS_GW;" \
		"client 192.0.2.50 in $NS_C; HA link eth1 between the nodes"
	step "vipctl apply -c examples/demo.yaml on both nodes"
	for node in nodeA nodeB; do
		in_ns "$P-$node" "$VIPCTL" -c "$CONF" apply --node "$node" |
			grep -v '^done:' | sed "s/^/  $node: /"
	done
}

# ---- the daemons -------------------------------------------------------------

start_vipd() { # start_vipd NODE: returns once its control socket answers
	local node=$1 i
	bg_ns "$P-$node" "$TMP/$node.log" "$VIPD" -c "$CONF" --node "$node" \
		--control "$TMP/$node.sock" -f --metrics-listen 127.0.0.1:9712
	VPID[$node]=$BG_PID
	for ((i = 0; i < 250; i++)); do
		ctl "$node" status -o json >/dev/null 2>&1 && return 0
		kill -0 "${VPID[$node]}" 2>/dev/null || die "vipd on $node exited"
		sleep 0.02
	done
	die "vipd on $node does not answer on $TMP/$node.sock"
}

kill_vipd() { # kill_vipd NODE: SIGKILL, no goodbye
	kill -KILL "${VPID[$1]}"
	wait "${VPID[$1]}" 2>/dev/null || true
}

watch_events() { # vipctl events of NODE into a log, printed after each scenario
	bg_ns "$P-$1" "$TMP/events-$1.log" "$VIPCTL" --control "$TMP/$1.sock" -o text events
}

show_events() { # the event lines of both nodes that were not shown yet
	local node var n lines
	sleep 0.1
	for node in nodeA nodeB; do
		var=EVENTS_SEEN_$node
		[[ -f $TMP/events-$node.log ]] || continue
		n=$(wc -l <"$TMP/events-$node.log")
		lines=$(tail -n "+$((${!var} + 1))" "$TMP/events-$node.log" | head -n $((n - ${!var})))
		printf -v "$var" '%s' "$n"
		[[ -n $lines ]] || continue
		say "  vipctl events on $node:"
		sed -E -e 's/^[0-9-]+T([0-9:.]+)Z [^ ]+ /\1 /' -e 's/^/    /' <<<"$lines"
	done
}

# ---- who holds what ------------------------------------------------------------

held() { # the VIPs in NODE's kernel on eth0, sorted, one line
	ip -n "$P-$1" -o addr show dev eth0 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4}' |
		grep -vE '^(192\.0\.2\.1[12]|2001:db8::1[12]|fe80:.*)$' | sort | xargs
}

show_layout() {
	say "  nodeA's eth0 holds: $(held nodeA)"
	say "  nodeB's eth0 holds: $(held nodeB)"
}

wait_layout() { # wait_layout SECS A_LIST B_LIST: true once the kernels show exactly that
	local deadline=$(($(now_ms) + $1 * 1000))
	while (($(now_ms) < deadline)); do
		[[ $(held nodeA) == "$2" && $(held nodeB) == "$3" ]] && return 0
		sleep 0.05
	done
	return 1
}

settle() { # back to the initial layout, or say so
	if ! wait_layout "$1" "$A_VIPS" "$B_VIPS"; then
		say "  NOTE: the initial layout did not come back within $1 s:"
		show_layout
	fi
}

# ---- measuring -------------------------------------------------------------------

# measure LABEL VIP NEW_NODE MAX_SECS FAULT...: the client pings VIP every
# 5 ms; FAULT runs right after the probe marks the time; RESULT_MS is the
# time to the first reply from NEW_NODE's MAC ("" if none within MAX_SECS).
measure() {
	local label=$1 vip=$2 node=$3 max=$4 out pid i mac
	shift 4
	mac=$MAC_A
	[[ $node == nodeB ]] && mac=$MAC_B
	out=$TMP/probe.$((${#ROWS[@]})).out
	bg_ns "$NS_C" "$out" "$PY" "$PROBE" failover "$vip" "$mac" "$max"
	pid=$BG_PID
	for ((i = 0; i < 200; i++)); do
		grep -q '^ready' "$out" && break
		sleep 0.02
	done
	kill -USR1 "$pid"
	"$@"
	wait "$pid" || true
	RESULT_MS=$(tail -n 1 "$out" | "$PY" -c 'import json,sys
d = json.loads(sys.stdin.read()); print("" if d["ms"] is None else d["ms"])' 2>/dev/null) ||
		RESULT_MS=
	if [[ -n $RESULT_MS ]]; then
		say "  >> $vip answered from $node's MAC $RESULT_MS ms after the fault"
		ROWS+=("$label|$vip|$node|$RESULT_MS ms")
	else
		say "  >> $vip did NOT answer from $node's MAC within $max s"
		ROWS+=("$label|$vip|$node|not within $max s")
	fi
}

all_vips_answer() { # ping all ten VIPs for 0.4 s; who answers each; true if all do
	local out=$TMP/count.out pid
	rm -f "$out"
	# shellcheck disable=SC2086 # one argument per VIP
	bg_ns "$NS_C" "$out" "$PY" "$PROBE" count --interval 0.02 $A_VIPS $B_VIPS
	pid=$BG_PID
	sleep 0.4
	kill -INT "$pid"
	wait "$pid" || true
	tail -n 1 "$out" | "$PY" -c '
import json, sys
macs = {sys.argv[1]: "nodeA", sys.argv[2]: "nodeB"}
for vip, r in json.loads(sys.stdin.read()).items():
    who = macs.get(r["macs"][-1][1], r["macs"][-1][1]) if r["macs"] else "nobody"
    got, sent = r["answered"], r["sent"]
    print(f"    {vip:<15} answered by {who:<6} ({got}/{sent} replies)")
' "$MAC_A" "$MAC_B" | tee "$TMP/answers"
	! grep -q nobody "$TMP/answers"
}

# For each VIP nobody answers: where the client's neighbour cache sends it.
explain_silence() {
	local vip mac who
	for vip in $(awk '/nobody/ {print $1}' "$TMP/answers" | xargs); do
		mac=$(ip -n "$NS_C" neigh show dev eth0 to "$vip" | awk '{for (i = 1; i < NF; i++)
			if ($i == "lladdr") print $(i + 1)}')
		who=$mac
		[[ $mac == "$MAC_A" ]] && who=nodeA
		[[ $mac == "$MAC_B" ]] && who=nodeB
		say "    $vip: the client still sends it to ${who:-nobody}, which no longer holds it"
	done
}
