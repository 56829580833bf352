#!/usr/bin/env python3
"""The kernel's share of a master's adverts, by socket kind: how much of a
core sending N unicast VRRPv3 IPv6 adverts a second costs through vipd's
raw IPv6 socket, and through a packet socket (AF_PACKET) that skips the
route lookup and the IP output path (docs/decisions.md, "Scale: where the
CPU goes"). No daemon runs: bench-txpath (txpath.c) sends and measures
itself, so the figures are the floor of each path in bench/scale/run.py's
lab shape.

Lab: namespace a with one veth port eth0 into bridge br0 of namespace sw,
LINKS macvlans m0.. on it, each with its pair's /64 of 2001:db8::/32 and a
permanent neighbour for the peer (no peer answers: the frames end at
namespace b's port, as the backup's would after its socket filter); the
switch's ports steered to the other core and the sender pinned to the
first, as run.py does.

usage (root): bench/scale/txpath.py [--links 500] [--rate 10000] [--seconds 10]
       [--reps 3] [--tick-ms 5,50]
--tick-ms: the batch period (vipd's advert grid is 1/20 of the interval:
5 ms at 100 ms adverts, 50 ms at 1 s). Needs a built bench-txpath
(VIPD_BUILD, default ./build). A benchmark, not a test: prints a table.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))
sys.path.insert(0, HERE)

from lab import Lab, bridge, veth  # noqa: E402
from run import NeighTables, log, steer_receive  # noqa: E402

BUILD = os.environ.get("VIPD_BUILD", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "bench", "bench-txpath")


def build_lab(lab, links):
    a, b, sw = lab.netns("a"), lab.netns("b"), lab.netns("sw")
    veth(a, "eth0", sw, "a0")
    veth(b, "eth0", sw, "b0")
    bridge(sw, "br0", ["a0", "b0"], mcast_snooping=0)
    script = []
    for i in range(links):
        net = f"2001:db8:{i + 1:x}::"
        script += [f"link add m{i} link eth0 type macvlan mode bridge",
                   f"link set m{i} up",
                   f"addr add {net}11/64 dev m{i} nodad",
                   f"neigh replace {net}12 lladdr 02:00:00:00:{i >> 8:02x}:{i & 255:02x} "
                   f"nud permanent dev m{i}"]
    a.run(["ip", "-batch", "-"], input="\n".join(script) + "\n", timeout=300)
    cpus = steer_receive([(sw, ["a0", "b0"]), (b, ["eth0"])])
    return a, cpus


def run_one(ns, cpus, mode, args, tick):
    argv = [TOOL, mode, str(args.links), str(args.rate), str(args.seconds), str(tick)]
    if cpus:
        argv = ["taskset", "-c", str(cpus[0]), *argv]
    out = ns.run(argv, timeout=args.seconds + 60).stdout
    log(out.strip())
    return float(out.split("cpu ")[1].split(" %")[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=500)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tick-ms", default="5,50")
    args = ap.parse_args()
    if not os.access(TOOL, os.X_OK):
        sys.exit(f"txpath: {TOOL} not built (ninja -C {BUILD})")
    ticks = [float(t) for t in args.tick_ms.split(",")]
    res = {}
    with NeighTables(), Lab() as lab:
        ns, cpus = build_lab(lab, args.links)
        for _ in range(args.reps):
            for tick in ticks:
                for mode in ("raw", "packet"):
                    res.setdefault((tick, mode), []).append(run_one(ns, cpus, mode, args, tick))
    print(f"\ntxpath: {args.rate} unicast VRRPv3 IPv6 adverts/s over {args.links} macvlans, "
          f"{args.seconds:g} s x {args.reps}, median (min–max), % of one core "
          f"({'receive steered to another core' if cpus else 'one core: shared costs counted'})\n")
    print("| batch every | raw IPv6 socket (vipd) | packet socket | packet / raw |")
    print("|---|---|---|---|")
    for tick in ticks:
        raw, pkt = res[(tick, "raw")], res[(tick, "packet")]
        cell = [f"{statistics.median(v):.2f} % ({min(v):.2f}–{max(v):.2f})" for v in (raw, pkt)]
        print(f"| {tick:g} ms | {cell[0]} | {cell[1]} | "
              f"{statistics.median(pkt) / statistics.median(raw):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
