# The demo's scenarios and summary; sourced by scripts/demo.sh after
# scripts/demo-lab.sh. Each leaves the initial layout behind (nodeA holds the
# master VIPs .100-.103 and ::100, nodeB the backup ones .200-.203 and ::200).
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
	step "Every VIP answers the client"
	all_vips_answer || die "not every VIP answers at the start"
	show_events >/dev/null # the start-up transitions: not news
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
}

scenario_back() {
	step "2. nodeA is back (vipd restarted): it sweeps its old VIPs, joins, preempts"
	measure "nodeA back (vipd restarted, preempt)" 192.0.2.100 nodeA 3 start_vipd nodeA
	watch_events nodeA
	settle 3
	show_layout
	show_events
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
	step "6. nodeA's eth0 is back"
	measure "link back on nodeA" 192.0.2.101 nodeA 3 link_restore
	settle 3
	show_layout
	show_events
	step "Does every VIP answer the client?"
	if ! all_vips_answer; then
		SILENT=$(awk '/nobody/ {print $1}' "$TMP/answers" | xargs)
		explain_silence
		say "  While eth0 was down both nodes were MASTER of these instances; when it came back"
		say "  the one that stayed MASTER should have reasserted with GARP/NA (docs/operations.md,"
		say "  'A split that heals'). A VIP that does not answer here is a bug: please report it."
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
	[[ -z ${SILENT:-} ]] || say "  after the link came back, not answering: $SILENT (see step 6)"
	say
	say "  metrics: $(ctl nodeA metrics | grep -vc '^#') series per node (vipctl metrics;" \
		"GET http://127.0.0.1:9712/metrics inside each node's namespace)"
	local ms=$(($(now_ms) - T0_MS))
	say "  demo ran for $((ms / 1000)).$((ms % 1000 / 100)) s so far (cleanup follows)"
}
