# The demo's scenarios and summary; sourced by scripts/demo.sh after
# scripts/demo-lab.sh. Each leaves the initial layout behind (nodeA holds the
# master VIPs .100-.103 and ::100, nodeB the backup ones .200-.203 and ::200).
# After each step (fault or heal) check_owners checks that every VIP answers
# the client from the node that slot and health say; verdict, at the end,
# fails the demo if any check did not hold.
# shellcheck shell=bash

start_nodes() {
	step "Starting vipd on both nodes (control sockets in $TMP)"
	start_vipd nodeA
	start_vipd nodeB
	watch_events nodeA
	watch_events nodeB
	settle 5
	show_layout
	for node in nodeA nodeB; do
		step "vipctl status on $node"
		ctl "$node" status | sed 's/^/  /'
	done
	step "Every VIP answers the client from its owner's MAC"
	load_model
	say "  each check waits at most $CHECK_WHY"
	check_owners "at the start" none all || true
	show_events >/dev/null # the start-up transitions: not news
}

# TEST-ONLY HOOK, not a feature: VIPD_DEMO_SABOTAGE=dark breaks the lab
# behind vipd's back after the start, so that tests/topo/test_demo.py can
# prove the checks fail: nodeA's namespace ignores IPv4 echo requests
# (net.ipv4.icmp_echo_ignore_all=1). vipd neither watches nor repairs that:
# nodeA keeps its IPv4 VIPs, which stop answering pings (they still answer
# ARP), so every later check that expects nodeA there must name them dark.
sabotage() {
	case ${VIPD_DEMO_SABOTAGE:-} in
	"") ;;
	dark)
		step "TEST HOOK VIPD_DEMO_SABOTAGE=dark: nodeA ignores IPv4 echo requests from now on"
		in_ns "$NS_A" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
		;;
	*) die "VIPD_DEMO_SABOTAGE=${VIPD_DEMO_SABOTAGE}: unknown (the test hook knows: dark)" ;;
	esac
}

scenario_kill() {
	step "1. nodeA's vipd is killed (SIGKILL): its VIPs move to nodeB"
	say "  expected: 361 ms (3 x 100 ms + skew 61 ms) after nodeA's last advert nodeB takes over"
	say "  and sends GARP/NA"
	measure "nodeA's vipd killed (SIGKILL)" 192.0.2.100 nodeB 2 kill_vipd nodeA
	wait_layout 2 "$A_VIPS" "$(xargs -n1 <<<"$A_VIPS $B_VIPS" | sort | xargs)" || true
	show_layout
	say "  (nodeA's kernel keeps its VIPs: a killed vipd removes nothing; the client follows nodeB's GARP,"
	say "   and the next vipd start on nodeA sweeps them first)"
	show_events
	check_owners "step 1 (nodeA's vipd killed)" down || true
}

scenario_back() {
	step "2. nodeA is back (vipd restarted): it sweeps its old VIPs, joins, preempts"
	measure "nodeA back (vipd restarted, preempt)" 192.0.2.100 nodeA 3 start_vipd nodeA
	watch_events nodeA
	settle 3
	show_layout
	show_events
	check_owners "step 2 (nodeA back)" none || true
}

gw_cut() { # nodeA and the gateway can no longer reach each other (bridge port isolation)
	bridge -n "$NS_SW" link set dev "$P-pA" isolated on
	bridge -n "$NS_SW" link set dev "$P-pG" isolated on
}

gw_restore() {
	bridge -n "$NS_SW" link set dev "$P-pA" isolated off
	bridge -n "$NS_SW" link set dev "$P-pG" isolated off
}

health_of() { # health_of NODE INSTANCE: "healthy: reason" from vipctl status -o json
	ctl "$1" status -o json | "$PY" -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    if i["name"] == sys.argv[1]:
        print(("healthy" if i["healthy"] else "UNHEALTHY") + ": " + i["health_reason"])' "$2"
}

scenario_gateway() {
	step "3. nodeA loses its gateway (the switch isolates nodeA's port from the gateway's)"
	say "  expected: nodeA's gw and link+gw instances (.102, .103, ::100) turn unhealthy after"
	say "  fall 3 x 200 ms, resign with priority 0, and nodeB takes them over at once"
	measure "gateway lost on nodeA" 192.0.2.102 nodeB 2 gw_cut
	local moved=$RESULT_MS
	show_layout
	say "  nodeA eth0/master/ipv4/gw: $(health_of nodeA eth0/master/ipv4/gw)"
	if [[ -z $moved ]]; then
		say "  The gw VIPs did NOT move within 2 s: this vipd does not act on the gateway check"
		say "  (see the health reason above)."
	fi
	show_events
	check_owners "step 3 (gateway lost on nodeA)" gw || true
	step "4. nodeA's gateway is back"
	if [[ -n $moved ]]; then
		say "  expected: rise 2 x 200 ms, then nodeA preempts"
		measure "gateway back on nodeA" 192.0.2.102 nodeA 3 gw_restore
	else
		gw_restore
		say "  nothing had moved, nothing to bring back"
		ROWS+=("gateway back on nodeA|192.0.2.102|nodeA|(nothing had moved)")
	fi
	settle 3
	show_layout
	show_events
	check_owners "step 4 (gateway back on nodeA)" none || true
}

link_cut() { ip -n "$NS_SW" link set dev "$P-pA" down; }
link_restore() { ip -n "$NS_SW" link set dev "$P-pA" up; }

scenario_link() {
	step "5. nodeA's eth0 loses its carrier (its switch port goes down)"
	say "  expected: the link and link+gw VIPs move; so do the others, since nodeA's adverts"
	say "  travel eth0 too: nodeB hears nothing for 361 ms"
	measure "link lost on nodeA" 192.0.2.101 nodeB 2 link_cut
	show_layout
	show_events
	check_owners "step 5 (link lost on nodeA)" link || true
	step "6. nodeA's eth0 is back"
	measure "link back on nodeA" 192.0.2.101 nodeA 3 link_restore
	settle 3
	show_layout
	show_events
	step "At the end: does every VIP answer the client from its owner's MAC?"
	if ! check_owners "step 6 (link back on nodeA), the end" none all; then
		say "  After a heal every VIP must sit on the node its slot says, and clients must reach"
		say "  it there (docs/convergence.md): the demo fails (see the verdict)."
	fi
}

summary() {
	local row label vip node t
	for node in nodeA nodeB; do
		step "vipctl status on $node"
		ctl "$node" status | sed 's/^/  /'
	done
	step "Summary: time from the fault to the first echo reply from the new owner (client pings every 5 ms)"
	printf '  %-40s %-14s %-10s %s\n' "scenario" "VIP" "new owner" "time"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r label vip node t <<<"$row"
		printf '  %-40s %-14s %-10s %s\n' "$label" "$vip" "$node" "$t"
	done
	say
	say "  metrics: $(ctl nodeA metrics | grep -vc '^#') series per node (vipctl metrics;" \
		"GET http://127.0.0.1:9712/metrics inside each node's namespace)"
	local ms=$(($(now_ms) - T0_MS))
	say "  demo ran for $((ms / 1000)).$((ms % 1000 / 100)) s so far (cleanup follows)"
}

# The demo's exit status: 1 (after the cleanup) if any check did not hold,
# with every VIP that failed, when, who should own it and who answered.
verdict() {
	local f
	if ((${#FAILED[@]} == 0)); then
		step "Verdict: every check held: each VIP answered from its owner's MAC after every step"
		return 0
	fi
	step "Verdict: FAILED: ${#FAILED[@]} VIP check(s) did not hold within $CHECK_MS ms"
	for f in "${FAILED[@]}"; do
		say "  $f"
	done
	say "demo: error: not every VIP answered from its owner's MAC (see above)" >&2
	exit 1
}
