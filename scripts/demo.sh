#!/bin/bash
# The main job. Until the daemon lands this validates every example and
# shows the resolved model of both nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in examples/*.yaml; do
	./build/src/vipctl -c "$f" validate
done
first=$(ls examples/*.yaml | head -1)
nodes=$(./build/src/vipctl -c "$first" show --node "$(sed -n 's/.*nodes: *\[\([^,]*\),.*/\1/p' "$first" | tr -d ' ')" -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["node"], d["peer_node"])')
for n in $nodes; do
	./build/src/vipctl -c "$first" show --node "$n"
	echo
done
