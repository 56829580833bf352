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

# ---- does every VIP answer from the node that owns it? ----------------------------

mac_of() { # mac_of NODE
	case $1 in nodeA) echo "$MAC_A" ;; nodeB) echo "$MAC_B" ;; esac
}

# The resolved model (vipctl show -o json), and from it CHECK_MS: how long
# a check waits for every VIP to answer from its owner after a step. The
# slowest path the file allows: Master_Down_Interval (3 adverts + the skew
# of the lower priority, rounded up to the ms) + preempt_delay, + for a gw
# method the gateway check (timeout + fall x interval to lose it, rise x
# interval to get it back), + the daemon's settle time of a link that just
# returned (MODEL_LINK_SETTLE_MS in src/model/model.h: 1 s) + a margin of
# 1 s. examples/demo.yaml: 361 + 0 + 150 + 600 + 400 + 1000 + 1000 = 3511 ms.
# CHECK_WHY: that sum in words, printed once.
load_model() {
	local out
	"$VIPCTL" -c "$CONF" show --node nodeA -o json >"$TMP/model.json"
	out=$("$PY" -c '
import json, sys
LINK_SETTLE_MS, MARGIN_MS = 1000, 1000
m = json.load(open(sys.argv[1]))
gwc = {i["name"]: i["gateway_check"] for i in m["interfaces"]}
worst, why = 0, ""
for i in m["instances"]:
    adv, low = i["advert_interval_ms"], min(i["priority"], i["peer_priority"])
    unit = adv if i["version"] == 3 else 1000
    skew = -(-(256 - low) * unit // 256)  # rounded up
    t = 3 * adv + skew + i["preempt_delay_ms"]
    w = "Master_Down_Interval 3 x %d + skew %d ms + preempt_delay %d ms" % (
        adv, skew, i["preempt_delay_ms"])
    if "gw" in i["method"]:
        g = gwc[i["interface"]]
        t += g["timeout_ms"] + (g["fall"] + g["rise"]) * g["interval_ms"]
        w += " + gateway check (timeout %d + fall %d x %d + rise %d x %d ms)" % (
            g["timeout_ms"], g["fall"], g["interval_ms"], g["rise"], g["interval_ms"])
    if t > worst:
        worst, why = t, w
total = worst + LINK_SETTLE_MS + MARGIN_MS
print(total)
print("%d ms = %s + link settle %d ms + margin %d ms" % (total, why, LINK_SETTLE_MS, MARGIN_MS))
' "$TMP/model.json")
	CHECK_MS=${out%%$'\n'*}
	# shellcheck disable=SC2034 # printed by start_nodes (demo-lab-scenarios.sh)
	CHECK_WHY=${out#*$'\n'}
	[[ $CHECK_MS =~ ^[0-9]+$ ]] || die "no convergence bound from $CONF: $out"
}

# expect_owners FAULT: "VIP NODE" for every VIP of the file: the node that
# its slot and health say holds it while FAULT is still in force on nodeA
# (none; down: its vipd does not run; gw: it cannot reach the gateway;
# link: its eth0 has no carrier). nodeB stays healthy in every scenario.
expect_owners() {
	"$PY" -c '
import json, sys
m, fault = json.load(open(sys.argv[1])), sys.argv[2]
me, peer = m["node"], m["peer_node"]  # show --node nodeA: me is nodeA
for i in m["instances"]:
    preferred = me if i["priority"] > i["peer_priority"] else peer
    me_healthy = {"none": True, "down": False, "link": False,
                  "gw": "gw" not in i["method"]}[fault]
    owner = preferred if preferred == peer or me_healthy else peer
    for v in i["vips"]:
        print(v.split("/")[0], owner)' "$TMP/model.json" "$1"
}

FAILED=() # a line per VIP that failed a check: when, the VIP, its owner, who answered

# check_owners WHEN FAULT [all]: the client pings every VIP until each has
# answered 3 requests in a row from the MAC of the node expect_owners names
# (the source MAC of the reply's Ethernet frame), or CHECK_MS have passed.
# Prints one line when that held ("all": and a line per VIP); otherwise a
# line per VIP that is dark or answered by the wrong node, with the client's
# neighbour entry for it, and adds them to FAILED. True when it held.
check_owners() {
	local when=$1 fault=$2 all=${3:-} out=$TMP/owners.out args=() vip node rc=0 line secs
	while read -r vip node; do
		args+=("$vip=$(mac_of "$node")")
	done < <(expect_owners "$fault")
	secs=$((CHECK_MS / 1000)).$(printf %03d $((CHECK_MS % 1000)))
	rm -f "$out"
	bg_ns "$NS_C" "$out" "$PY" "$PROBE" owners --within "$secs" "${args[@]}"
	wait "$BG_PID" || rc=$?
	ip -n "$NS_C" -j neigh show dev eth0 >"$TMP/neigh.json" 2>/dev/null ||
		echo '[]' >"$TMP/neigh.json"
	while IFS= read -r line; do
		if [[ $line == "FAIL "* ]]; then
			FAILED+=("$when: ${line#FAIL }")
		else
			say "$line"
		fi
	done < <(tail -n 1 "$out" | "$PY" -c '
import json, sys
mac_a, mac_b, all_, bound, neigh_file = sys.argv[1:6]
names = {mac_a: "nodeA", mac_b: "nodeB"}
def who(mac):
    return "%s (%s)" % (names.get(mac, "an unknown host"), mac)
try:
    r = json.loads(sys.stdin.read())
except ValueError:
    print("  FAILED: the probe printed no result")
    print("FAIL the probe printed no result")
    sys.exit()
try:
    neigh = {n.get("dst"): n for n in json.load(open(neigh_file))}
except ValueError:
    neigh = {}
if r["ok"]:
    print("  OK: every VIP answers from its owner\x27s MAC (after %s ms; bound %s ms)"
          % (r["ms"], bound))
else:
    print("  FAILED: not every VIP answers from its owner\x27s MAC within %s ms:" % bound)
for vip, v in r["vips"].items():
    if r["ok"] and not all_:
        break
    got = ", ".join(who(m) for m in v["answered_by"]) or "nobody"
    tally = "%d/%d replies in the last %g s" % (v["answered"], v["sent"], r["window_s"])
    if v["ok"]:
        print("    %-15s owner %s, answered by %s, %s" % (vip, names[v["expect"]],
                                                          names.get(v["answered_by"][-1]), tally))
        continue
    n = neigh.get(vip, {})
    entry = ("%s %s" % (who(n["lladdr"]), "/".join(n.get("state", [])))
             if n.get("lladdr") else "none")
    what = "dark" if not v["answered_by"] else "answered by the wrong node"
    print("    %-15s owner %s, answered by %s, %s  <-- %s (client\x27s neighbour entry: %s)"
          % (vip, names[v["expect"]], got, tally, what.upper(), entry))
    print("FAIL %s is %s: owner %s, answered by %s (client\x27s neighbour entry: %s)"
          % (vip, what, who(v["expect"]), got, entry))
' "$MAC_A" "$MAC_B" "$all" "$CHECK_MS" "$TMP/neigh.json")
	((rc == 0))
}
