#!/usr/bin/python3
"""bench/apply: 1000 macvlans with an address each, created by `vipctl apply`
and by `ip -batch` in one run, on fresh namespaces each time; then an
unchanged re-apply. Prints both ratios next to the goals of the issue:
  vipctl within 1.2x of ip -batch; unchanged re-apply under 0.2 s.

usage: bench/apply/run.py [--count N] [--reps R] [--kind macvlan|vlan] [--vipctl PATH]
       tests/lab/kernel-run -- bench/apply/run.py --kind vlan
Needs root. Only touches namespaces it creates (vb<pid>-*)."""

import argparse
import ipaddress
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def fresh_node(name):
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    sh(["ip", "netns", "add", name])
    # a veth stands in for the port (this kernel may lack dummy)
    sh(["ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"])
    sh(["ip", "-n", name, "link", "set", "eth0", "up"])
    sh(["ip", "-n", name, "link", "set", "eth0p", "up"])


def addresses(count):
    # documentation prefix: 2,000 addresses do not fit the IPv4 ones
    net = ipaddress.ip_network("2001:db8:be::/64")
    hosts = net.hosts()
    return [f"{next(hosts)}/64" for _ in range(count)]


def config(count, kind):
    lines = ["cluster:", "  name: bench", "  nodes: [n1, n2]", "interfaces:",
             "  eth0: {type: ethernet}"]
    addrs = addresses(2 * count)
    for i in range(count):
        what = "type: veth, parent: eth0" if kind == "macvlan" else \
            f"type: vlan, parent: eth0, id: {i + 1}"
        lines.append(f"  mv{i}: {{{what}, addresses: "
                     f"{{n1: [{addrs[2 * i]}], n2: [{addrs[2 * i + 1]}]}}}}")
    return "\n".join(lines) + "\n"


def batch(count, kind):
    addrs = addresses(2 * count)
    out = []
    for i in range(count):
        out.append(f"link add link eth0 name mv{i} type macvlan mode bridge" if kind == "macvlan"
                   else f"link add link eth0 name mv{i} type vlan id {i + 1}")
        out.append(f"link set mv{i} alias vipd:bench")
        out.append(f"address add {addrs[2 * i]} dev mv{i}")
        out.append(f"link set mv{i} up")
    return "\n".join(out) + "\n"


def under_uml():
    try:
        with open("/proc/cpuinfo") as f:
            return "UML" in f.read()
    except OSError:
        return False


def timed(argv, **kw):
    t0 = time.perf_counter()
    sh(argv, **kw)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--kind", choices=("macvlan", "vlan"), default="macvlan",
                    help="vlan needs 8021q: run under tests/lab/kernel-run")
    ap.add_argument("--vipctl", default=os.path.join(ROOT, "build", "src", "vipctl"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/apply: needs root")
    ns = f"vb{os.getpid()}-node"
    work = tempfile.mkdtemp(prefix="vipd-bench-apply-")
    cfg = os.path.join(work, "bench.yaml")
    with open(cfg, "w") as f:
        f.write(config(a.count, a.kind))
    bfile = os.path.join(work, "batch.txt")
    with open(bfile, "w") as f:
        f.write(batch(a.count, a.kind))
    enter = ["nsenter", f"--net=/run/netns/{ns}"]
    t_ip, t_vip, t_re = [], [], []
    try:
        for _ in range(a.reps):
            fresh_node(ns)
            t_ip.append(timed(["ip", "-n", ns, "-batch", bfile]))
            fresh_node(ns)
            t_vip.append(timed(enter + [a.vipctl, "-c", cfg, "--node", "n1", "apply"]))
            t_re.append(timed(enter + [a.vipctl, "-c", cfg, "--node", "n1", "apply"]))
            out = sh(enter + [a.vipctl, "-c", cfg, "--node", "n1", "plan"]).stdout
            if "nothing to do" not in out:
                sys.exit(f"bench/apply: re-plan is not empty:\n{out[:500]}")
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    ip_med, vip_med, re_med = (statistics.median(x) for x in (t_ip, t_vip, t_re))
    ratio = vip_med / ip_med
    print(f"bench/apply: {a.count} {a.kind}s with one address each, median of {a.reps}")
    print(f"  {'what':34} {'seconds':>8}   goal")
    print(f"  {'ip -batch (create+alias+addr+up)':34} {ip_med:8.3f}")
    print(f"  {'vipctl apply':34} {vip_med:8.3f}   ratio {ratio:.2f}x (goal <= 1.20x)")
    print(f"  {'vipctl apply, unchanged':34} {re_med:8.3f}   (goal < 0.200 s)")
    ok = ratio <= 1.2 and re_med < 0.2
    if under_uml():
        # user-mode Linux emulates every syscall: the absolute time of the
        # re-apply says nothing about a real kernel; the ratio still does.
        print("  (user-mode Linux guest: the 0.2 s goal is judged on the host run)")
        ok = ratio <= 1.2
    print("bench/apply: " + ("goals met" if ok else "GOAL MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
