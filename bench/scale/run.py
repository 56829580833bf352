#!/usr/bin/env python3
"""Scale benchmark: CPU and memory of vipd against keepalived with many
VRRP instances between two nodes (ANCHORS.md, "Scale").

Lab: namespaces a and b, each with K ethernet ports eth0..eth{K-1} (veths
into bridge br0 of a switch namespace sw). On every port, M macvlans
(`type: veth` in the cluster file), each with a communication pair (its
own /64 of 2001:db8::/32, or a /29 of the IPv4 documentation ranges) and
two VIPs in the master slot, clusterIpMethod vrrp and link: two VRRP
instances per macvlan, so N instances take N/2 macvlans per node. All
VIPs are in the master slot: node a (priority 200) is master of every
instance, b (100) backup of every one. Unicast VRRPv3, preempt on.

Why several ports: a macvlan shares its parent's L2 segment, and VRIDs are
unique per segment and family (at most 255, docs/config.md), so one port
carries at most 125 macvlans (250 instances); 1000 instances need 4 ports.
IPv4 only fits the documentation ranges (3 x /24 = 96 /29s) up to 192
instances, so IPv4 is measured for N <= 192 only. (This kernel has no
802.1Q, so VLANs are not an option.)

Per (N, advert, family): `vipctl apply` on both nodes (nsenter, with a
private empty /run/netns each: see Topo.apply), then for each daemon:
  start it on a; once a holds every VIP and its takeover burst of GARP/NA
  is over (wait_quiet), start it on b; once a holds every VIP and b none
  for 6 s, measure --seconds (x --reps). --together starts both at once
  (an election storm at N=1000 in this lab: that is a finding, not a
  steady state).
  vipd: the cluster file below, vipd -f on each node.
  keepalived: one per node (-P: VRRP only, foreground, pid files in the
        lab), N vrrp_instance blocks with unicast_src_ip/unicast_peer,
        `unicast_ttl 255`, the same VRIDs (pinned in the cluster file);
        the VRRP child is measured (the parent only supervises it).
CPU% = delta(utime+stime) of /proc/PID/stat over the window, in % of one
core (schedstat's run time is logged beside it); RSS = VmRSS (and VmHWM)
at the end of the window. Nothing queries the daemons during a window
(a `vipctl status` costs CPU and, at N=1000, memory). The adverts/s sent
by a (tx packets of its macvlans) show that both daemons did the same
work; transitions during the window (from the logs) must be 0.

Lab caveats: both nodes share one kernel, so a's sendmsg() also runs b's
receive path (veth -> bridge -> macvlan -> ipv6_rcv -> raw socket lookup)
and that time is charged to a: "master CPU" includes the backup host's
softirq work. The neighbour tables are host-wide (NeighTables). The
ANCHORS.md numbers come from another lab (its interface layout is not
given); compare vipd with the keepalived columns measured here.

usage (root): bench/scale/run.py [--instances 100,1000] [--advert 1s,100ms]
       [--family ipv6,ipv4] [--seconds 20] [--reps 1] [--only vipd|keepalived]
       [--together] [--profile DIR]
--profile DIR: after each vipd window, `perf record -g` both vipds for
10 s (outside the window) and write DIR/<row>-<node>.perf.data and a
`perf report` summary beside it; and after each daemon's windows, both
nodes' /proc/PID/smaps as DIR/<row>-<daemon>-<node>.smaps.
VIPD_WRAP="heaptrack -o DIR/x": a command line vipd runs under (a heap profiler).
Needs a built vipd/vipctl (VIPD_BUILD, default ./build) and keepalived.
This is a benchmark, not a test: it prints a table and exits 0.
"""

import argparse
import ipaddress
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))

from lab import Lab, bridge, host_run, veth, wait_until  # noqa: E402
from vipd_env import VIPCTL, VIPD, in_netns  # noqa: E402

PER_PORT = 125  # macvlans per ethernet port: 250 instances, VRID pool 255
PRIO = {"a": 200, "b": 100}
HOLD_S = 6.0  # stable this long before measuring (keepalived's GARP delay is 5 s)
V4_NETS = [ipaddress.ip_network(n) for n in
           ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
V4_MAX_IFACES = 96  # /29s in the three ranges
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ANCHORS.md: keepalived 2.2.7, one per node, unicast VRRPv3, VRRP process
ANCHORS = {
    (100, "1s"): ("0.1 %", "0.1 %", "3.3 MiB"),
    (1000, "1s"): ("1.4 %", "0.65 %", "4.6 MiB"),
    (100, "100ms"): ("1.25 %", "0.6 %", "3.2 MiB"),
    (1000, "100ms"): ("9.95 %", "5.5 %", "4.7 MiB"),
}
ADVERTS = {"1s": 1.0, "100ms": 0.1}


# The kernel's neighbour tables are one per host, shared by every namespace:
# two nodes with 500 peers each (plus link-local neighbours) pass the default
# gc_thresh3 of 1024 ("neighbor table overflow" in dmesg, adverts that never
# leave). A real node has half of that. Raised for the run, then restored.
NEIGH_SYSCTLS = {f"/proc/sys/net/{fam}/neigh/default/gc_thresh{i}": v
                 for fam in ("ipv4", "ipv6") for i, v in ((2, 8192), (3, 16384))}


class NeighTables:
    def __enter__(self):
        self.saved = {}
        for path, v in NEIGH_SYSCTLS.items():
            with open(path) as f:
                self.saved[path] = f.read().strip()
            if int(self.saved[path]) < v:
                with open(path, "w") as f:
                    f.write(str(v))
        return self

    def __exit__(self, *exc):
        for path, v in self.saved.items():
            with open(path, "w") as f:
                f.write(v)
        return False


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- the instances ---------------------------------------------------------

class Iface:
    """One macvlan of the lab: its port, addresses, VIPs and first VRID."""

    def __init__(self, port, idx, family, vips):
        self.port = port
        self.name = f"m{port}x{idx}"
        self.vrid = 2 * idx + 1  # pinned, so keepalived gets the same ones
        self.n = vips
        if family == "ipv6":
            net = f"2001:db8:{port + 1:x}:{idx + 1:x}::"
            self.addr = {"a": f"{net}11", "b": f"{net}12"}
            self.plen = 64
            self.vips = [f"{net}{100 + i}" for i in range(vips)]
        else:
            k = port * PER_PORT + idx
            net = V4_NETS[k // 32]
            base = net.network_address + (k % 32) * 8
            self.addr = {"a": str(base + 1), "b": str(base + 2)}
            self.plen = 29
            self.vips = [str(base + 3 + i) for i in range(vips)]


def layout(n, family):
    """The macvlans for n instances: (ports, [Iface])."""
    n_if = math.ceil(n / 2)
    if family == "ipv4" and n_if > V4_MAX_IFACES:
        raise ValueError(f"IPv4: {n} instances need {n_if} /29s, the documentation "
                         f"ranges hold {V4_MAX_IFACES}")
    ports = math.ceil(n_if / PER_PORT)
    ifaces, left = [], n
    for i in range(n_if):
        ifaces.append(Iface(i // PER_PORT, i % PER_PORT, family, min(2, left)))
        left -= 2
    return ports, ifaces


def q(a):
    return f'"{a}"'


def vipd_config(ports, ifaces, advert):
    out = ["# generated by bench/scale/run.py", "cluster:", "  name: scale",
           "  nodes: [a, b]",
           f"  vrrp: {{version: 3, advert_interval: {advert}, unicast: true, preempt: true,"
           f" priority: {{preferred: {PRIO['a']}, other: {PRIO['b']}}}}}",
           "interfaces:"]
    for p in range(ports):
        out.append(f"  eth{p}: {{type: ethernet}}")
    for f in ifaces:
        vips = [q(f"{f.vips[0]}/{f.plen}")]
        if f.n > 1:
            vips.append(f"{{address: {q(f'{f.vips[1]}/{f.plen}')}, clusterIpMethod: link}}")
        out += [f"  {f.name}:",
                f"    type: veth",
                f"    parent: eth{f.port}",
                f"    addresses: {{a: [{q(f.addr['a'] + '/' + str(f.plen))}], "
                f"b: [{q(f.addr['b'] + '/' + str(f.plen))}]}}",
                f"    vrrp: {{virtual_router_id: {f.vrid}}}",
                f"    vips: {{master: [{', '.join(vips)}]}}"]
    return "\n".join(out) + "\n"


def keepalived_config(node, ifaces, advert_s):
    peer = "b" if node == "a" else "a"
    # vrrp_garp_master_delay 0: no second round of GARP/NA 5 s after a
    # takeover. With keepalived's default (5 s) the 5000 unsolicited NAs of
    # that round stall its loop for seconds in this lab (each NA is flooded to
    # every macvlan, and each copy walks the 500 per-interface ff00::/8 routes:
    # __find_rr_leaf), the peer times out and the election never settles at
    # N=1000. It changes nothing in the steady state that is measured.
    out = ["global_defs {", f"  router_id scale-{node}", "  vrrp_garp_master_delay 0", "}"]
    for f in ifaces:
        for i in range(f.n):
            out += [f"vrrp_instance {f.name}_{i} {{",
                    "  state BACKUP",
                    f"  interface {f.name}",
                    f"  virtual_router_id {f.vrid + i}",
                    f"  priority {PRIO[node]}",
                    f"  advert_int {advert_s:g}",
                    "  version 3",
                    f"  unicast_src_ip {f.addr[node]}",
                    "  unicast_ttl 255",
                    f"  unicast_peer {{\n    {f.addr[peer]}\n  }}",
                    f"  virtual_ipaddress {{\n    {f.vips[i]}/{f.plen} dev {f.name}\n  }}",
                    "}"]
    return "\n".join(out) + "\n"


# ---- the lab ---------------------------------------------------------------

def steer_receive(devices):
    """Two hosts, as far as one kernel allows: a veth hands what it sends
    to its peer's receive path, which then runs in the sender's system call
    and is charged to the sender: the master's CPU would include the
    switch's and the backup's work for every advert (about half of it at
    1000 instances). Receive Packet Steering on every veth end that
    receives (the switch's ports and the nodes' ethernets) moves that work
    to another core, and both daemons are pinned to the first one, so each
    figure is the daemon's own work: its system calls, its sending, its
    reading, as on a host of its own. Both daemons get the same lab.
    devices: [(namespace, [name, ...]), ...], the ends that receive.
    Returns (daemon core, receive core), or None with fewer than 2 cores
    (the old shape: shared costs counted)."""
    if (os.cpu_count() or 1) < 2:
        return None
    daemon_cpu, rx_cpu = 0, 1
    mask = f"{1 << rx_cpu:x}"
    for ns, devs in devices:
        script = "".join(f"echo {mask} > /sys/class/net/{d}/queues/rx-0/rps_cpus\n"
                         for d in devs)
        # `ip netns exec` mounts the namespace's own /sys; the script on
        # stdin (4094 lines are too long for one argument)
        host_run(["ip", "netns", "exec", ns.name, "sh", "-e", "-s"], input=script,
                 timeout=120)
    return daemon_cpu, rx_cpu


class Topo:
    link_prefix = "m"  # the node's links whose packets count (tx_packets)

    def __init__(self, lab, ports, ifaces, family):
        self.lab, self.ports, self.ifaces, self.family = lab, ports, ifaces, family
        self.vip_set = {v for f in ifaces for v in f.vips[:f.n]}
        self.sw = lab.netns("sw")
        self.ns = {"a": lab.netns("a"), "b": lab.netns("b")}
        members = []
        for node, ns in self.ns.items():
            for p in range(ports):
                veth(ns, f"eth{p}", self.sw, f"{node}{p}")
                members.append(f"{node}{p}")
        bridge(self.sw, "br0", members, mcast_snooping=0)
        self.cpus = steer_receive([(self.sw, members)] +
                                  [(ns, [f"eth{p}" for p in range(ports)])
                                   for ns in self.ns.values()])

    def daemon_argv(self, argv):
        """Pinned to the daemons' core when the lab steers receiving to the
        other one (see steer_receive)."""
        return ["taskset", "-c", str(self.cpus[0]), *argv] if self.cpus else argv

    def path(self, name):
        return os.path.join(self.lab.workdir, name)

    def expect(self):
        """The VIPs each node holds once settled: a master of all."""
        return {"a": self.vip_set, "b": set()}

    def vipd_config(self, advert):
        return vipd_config(self.ports, self.ifaces, advert)

    def keepalived_config(self, node, advert_s):
        return keepalived_config(node, self.ifaces, advert_s)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        os.chmod(self.path(name), 0o644)  # vipd refuses a file others may write
        return self.path(name)

    def apply(self, cfg):
        """`vipctl apply` on each node, as if the nodes were two hosts: each
        node's apply sees an empty /run/netns (a private mount namespace),
        as on a host of its own. (vipctl before 6af3bb9 read every
        namespace there, and node b's apply re-created node a's macvlans.)"""
        for node, ns in self.ns.items():
            t0 = time.monotonic()
            host_run(in_netns(ns, ["unshare", "--mount", "--propagation", "private",
                                   "sh", "-c", 'mount -t tmpfs scale /run/netns && exec "$@"',
                                   "sh", VIPCTL, "-c", cfg, "--node", node, "apply"]),
                     timeout=600)
            log(f"vipctl apply on {node}: {time.monotonic() - t0:.1f} s")
        # IPv6 node addresses must be past DAD before the daemons send from them
        wait_until(lambda: all(not ns.ip(["-6", "addr", "show", "tentative"]).stdout.strip()
                               for ns in self.ns.values()),
                   timeout=30, interval=0.2, what="DAD to finish")

    def vips_on(self, node):
        held = set()
        for link in self.ns[node].json("addr show"):
            for a in link.get("addr_info", []):
                if a.get("local") in self.vip_set:
                    held.add(a["local"])
        return held

    def tx_packets(self, node):
        """Packets sent by the node's macvlans (adverts, mostly)."""
        return sum(tx for tx, _ in link_stats(self.ns[node], self.link_prefix).values())

    def flush_vips(self):
        for node in self.ns:
            for f in self.ifaces:
                for v in f.vips[:f.n]:
                    self.ns[node].ip(["addr", "del", f"{v}/{f.plen}", "dev", f.name],
                                     check=False)


def link_stats(ns, prefix):
    """{ifname: (tx packets, rx packets)} of ns's links named prefix*."""
    return {link["ifname"]: (link["stats64"]["tx"]["packets"], link["stats64"]["rx"]["packets"])
            for link in ns.json("-s link show", timeout=120)
            if link["ifname"].startswith(prefix)}


# ---- the stand-in VLAN lab (--stand-in-vlans) --------------------------------

# What keeps 8188 links quiet: no DAD (an address is usable at once and sends
# no NS), no router solicitations, no RAs taken. Set as the namespace's
# default before the links exist, so that every link inherits it.
QUIET_SYSCTLS = [f"net.ipv6.conf.{c}.{k}={v}" for c in ("all", "default")
                 for k, v in (("accept_dad", 0), ("dad_transmits", 0),
                              ("router_solicitations", 0), ("accept_ra", 0))]


def seg_net(n):
    return f"2001:db8:{n:x}::"


class StandIn(Topo):
    """VLANs stood in for by veth pairs: COUNT pairs v1..vCOUNT between a
    and b directly (no switch), each its own L2 segment as a VLAN of a
    trunk would be, declared `type: ethernet` (an existing device: vipctl
    configures its addresses, never creates it). Per segment n: the
    communication pair 2001:db8:<n>::11 (a) / ::12 (b), /64, and two
    instances, the master slot (VIP ::100, preferred by a) and the backup
    slot (VIP ::200, preferred by b): each node is master of COUNT and
    backup of COUNT (Active-Active). Unicast VRRPv3 at 1 s, VRIDs pinned
    to 1 and 2 on every segment (keepalived gets the same). The peers'
    neighbour entries are made permanent, so that in the steady state the
    only packets on a veth are adverts and its counters count them."""

    link_prefix = "v"

    def __init__(self, lab, count):
        self.lab, self.count, self.family = lab, count, "ipv6"
        self.ports, self.ifaces = 0, []
        self.segs = range(1, count + 1)
        self.slot_vips = {"a": {f"{seg_net(n)}100" for n in self.segs},
                          "b": {f"{seg_net(n)}200" for n in self.segs}}
        self.vip_set = self.slot_vips["a"] | self.slot_vips["b"]
        self.ns = {"a": lab.netns("a"), "b": lab.netns("b")}
        self.timing = {}
        for ns in self.ns.values():
            ns.run(["sysctl", "-qw", *QUIET_SYSCTLS])
        t0 = time.monotonic()
        self.batch("a", [f"link add v{n} type veth peer name v{n} netns {self.ns['b'].name}"
                         for n in self.segs])
        self.timing["create"] = time.monotonic() - t0
        t0 = time.monotonic()
        for node in self.ns:
            self.batch(node, [f"link set v{n} up" for n in self.segs])
        self.timing["up"] = time.monotonic() - t0
        self.cpus = steer_receive([(ns, [f"v{n}" for n in self.segs])
                                   for ns in self.ns.values()])
        t0 = time.monotonic()
        macs = {node: {l["ifname"]: l["address"] for l in self.ns[node].json("link show",
                                                                            timeout=120)}
                for node in self.ns}
        for node, peer, host in (("a", "b", "12"), ("b", "a", "11")):
            self.batch(node, [f"neigh replace {seg_net(n)}{host} lladdr {macs[peer][f'v{n}']} "
                              f"dev v{n} nud permanent" for n in self.segs])
        self.timing["neigh"] = time.monotonic() - t0
        log(f"stand-in lab: {count} veth pairs made in {self.timing['create']:.1f} s, "
            f"up in {self.timing['up']:.1f} s, permanent neighbours in "
            f"{self.timing['neigh']:.1f} s")

    def batch(self, node, lines, force=False):
        path = self.write(f"batch-{node}.txt", "\n".join(lines) + "\n")
        self.ns[node].run(["ip", *(["-force"] if force else []), "-batch", path],
                          timeout=1800, check=not force)

    def expect(self):
        return dict(self.slot_vips)

    def vipd_config(self, advert):
        out = ["# generated by bench/scale/run.py --stand-in-vlans", "cluster:",
               "  name: scale", "  nodes: [a, b]",
               f"  vrrp: {{version: 3, advert_interval: {advert}, unicast: true, preempt: true,"
               f" priority: {{preferred: {PRIO['a']}, other: {PRIO['b']}}}}}",
               "interfaces:"]
        for n in self.segs:
            net = seg_net(n)
            out += [f"  v{n}:", "    type: ethernet",
                    f"    addresses: {{a: [{q(net + '11/64')}], b: [{q(net + '12/64')}]}}",
                    "    vrrp: {virtual_router_id: 1}",
                    f"    vips: {{master: [{q(net + '100/64')}], backup: [{q(net + '200/64')}]}}"]
        return "\n".join(out) + "\n"

    def keepalived_config(self, node, advert_s):
        peer = "b" if node == "a" else "a"
        host = {"a": "11", "b": "12"}
        out = ["global_defs {", f"  router_id scale-{node}", "  vrrp_garp_master_delay 0", "}"]
        for n in self.segs:
            net = seg_net(n)
            for slot, vrid, vip, pref in (("m", 1, "100", "a"), ("b", 2, "200", "b")):
                out += [f"vrrp_instance v{n}_{slot} {{", "  state BACKUP", f"  interface v{n}",
                        f"  virtual_router_id {vrid}",
                        f"  priority {PRIO['a'] if node == pref else PRIO['b']}",
                        f"  advert_int {advert_s:g}", "  version 3",
                        f"  unicast_src_ip {net}{host[node]}", "  unicast_ttl 255",
                        f"  unicast_peer {{\n    {net}{host[peer]}\n  }}",
                        f"  virtual_ipaddress {{\n    {net}{vip}/64 dev v{n}\n  }}", "}"]
        return "\n".join(out) + "\n"

    def flush_vips(self):
        for node in self.ns:
            self.batch(node, [f"addr del {v}/64 dev v{int(v.split(':')[2], 16)}"
                              for v in sorted(self.vip_set)], force=True)

    def advert_counters(self):
        """Each node's veth counters, with when the reading began and ended
        (and the host's backlog drops under "drops")."""
        out = {"drops": backlog_drops()}
        for node in self.ns:
            t0 = time.monotonic()
            out[node] = (t0, link_stats(self.ns[node], "v"), time.monotonic())
        return out

    def advert_misses(self, c0, c1, interval=1.0):
        """Per instance, its adverts over the window: sent (the master's
        veth, tx) and received (the backup's veth, rx). The window is the
        time surely between the two readings of both nodes; an instance
        misses when either count is below window / interval - 1."""
        nodes = list(self.ns)
        window = min(c1[n][0] for n in nodes) - max(c0[n][2] for n in nodes)
        need = math.floor(window / interval) - 1
        sent, got, short = [], [], []
        for n in self.segs:
            link = f"v{n}"
            for master, backup, slot in (("a", "b", "master"), ("b", "a", "backup")):
                tx = c1[master][1][link][0] - c0[master][1][link][0]
                rx = c1[backup][1][link][1] - c0[backup][1][link][1]
                sent.append(tx)
                got.append(rx)
                if tx < need or rx < need:
                    short.append(f"{link}/{slot}: sent {tx}, received {rx}")
        res = {"window": window, "need": need, "instances": len(sent), "sent_min": min(sent),
               "sent_max": max(sent), "got_min": min(got), "got_max": max(got),
               "missed": len(short), "short": short[:10],
               "backlog_drops": c1["drops"] - c0["drops"]}
        log(f"adverts per instance over {window:.1f} s (need >= {need}): sent "
            f"{res['sent_min']}..{res['sent_max']}, received {res['got_min']}..{res['got_max']}, "
            f"{len(short)} of {len(sent)} instances short; the host's input backlog "
            f"dropped {res['backlog_drops']} packets meanwhile")
        return res


def backlog_drops():
    """Packets the host's CPUs dropped because their input backlog was full
    (/proc/net/softnet_stat, 2nd column; host-wide: every lab on the host)."""
    with open("/proc/net/softnet_stat") as f:
        return sum(int(line.split()[1], 16) for line in f if line.strip())


def rtnl_free_after(t0):
    """Seconds from t0 until the kernel takes a new link again (a veth made
    and deleted in the host's namespace waits for the lock that the
    namespaces' clean-up holds while it deletes their links)."""
    name = f"sp{os.getpid() % 100000}"
    host_run(["ip", "link", "add", name, "type", "veth", "peer", "name", name + "p"],
             timeout=1800)
    host_run(["ip", "link", "del", name], timeout=1800)
    return time.monotonic() - t0


SEARCH_COUNTS = (4094, 3072, 2048, 1536, 1024, 512, 256)


def stand_in_lab(count, daemons, args, seconds):
    """One lab of count segments: each daemon's row, and the lab's times."""
    res, timing = {}, {}
    with NeighTables(), Lab() as lab:
        t0 = time.monotonic()
        topo = StandIn(lab, count)
        timing.update(topo.timing)
        timing["lab"] = time.monotonic() - t0
        t0 = time.monotonic()
        topo.apply(topo.write("apply.yaml", topo.vipd_config("1s")))
        timing["apply"] = time.monotonic() - t0
        for c in daemons:
            res[c.name] = run_daemon(c, topo, "1s", seconds, args.profile, f"standin{count}",
                                     args.together, args.reps, cap=args.converge_cap,
                                     flush=c is not daemons[-1])
        t0 = time.monotonic()
        lab.close()
        timing["ns_del"] = time.monotonic() - t0
        timing["teardown"] = rtnl_free_after(t0)
    log(f"teardown: namespaces deleted in {timing['ns_del']:.1f} s, the kernel done with "
        f"their {2 * count} veths {timing['teardown']:.1f} s after")
    return res, timing


def held(r):
    """The daemon held every instance: converged, no advert short, no move."""
    return bool(r) and "error" not in r and r["per"]["missed"] == 0 and r["flaps"] == 0


def run_stand_in(args, daemons):
    """The 8188-instance row (issue 16): --stand-in-vlans COUNT segments.
    --stand-in-search: if vipd does not hold every instance at COUNT, the
    next smaller counts of SEARCH_COUNTS (vipd alone) until one works."""
    seconds = args.seconds if args.seconds is not None else 60
    counts = [args.stand_in_vlans]
    if args.stand_in_search:
        counts += [c for c in SEARCH_COUNTS if c < args.stand_in_vlans]
    rows = []
    for i, count in enumerate(counts):
        ds = daemons if i == 0 else [c for c in daemons if c is Vipd]
        res, timing = stand_in_lab(count, ds, args, seconds)
        rows.append((count, ds, res, timing))
        if not args.stand_in_search or not ds or Vipd not in ds or held(res.get("vipd")):
            break

    print(f"\nscale, stand-in VLANs: COUNT veth pairs between a and b (each its own "
          f"segment, standing in for a VLAN: this kernel has no 802.1Q), 2 x COUNT "
          f"instances (2 per segment, Active-Active: each node master of COUNT), IPv6 "
          f"unicast VRRPv3 at 1 s, {seconds:g} s window; CPU in % of one core "
          f"(utime+stime){'; vipd with vrrp.packet_socket' if Vipd.packet_socket else ''}\n")
    for count, ds, res, timing in rows:
        print(f"lab of {count}: veths made in {timing['create']:.1f} s, up in "
              f"{timing['up']:.1f} s, neighbours {timing['neigh']:.1f} s, vipctl apply "
              f"(addresses) {timing['apply']:.1f} s; teardown (namespaces deleted, the "
              f"kernel done with the veths) {timing['teardown']:.1f} s")
    head = ["COUNT", "daemon", "instances", "CPU a", "CPU b", "schedstat a / b",
            "RSS a / b (HWM)", "adverts per instance in window: sent min / received min (need)",
            "instances short", "transitions", "host backlog drops in window",
            "goal: < 5 % of a core, none short, none moved"]
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for count, ds, res, timing in rows:
        n = 2 * count
        for c in ds:
            r = res[c.name]
            if r is None or "error" in r:
                why = r["error"] if r else "failed"
                print(f"| {count} | {c.name} | {n} | {why} |" + " |" * (len(head) - 4))
                continue
            per = r["per"]
            ok = max(r["cpu"].values()) < 5 and held(r)
            print("| " + " | ".join([
                str(count), c.name, str(n), pct(r["cpu"]["a"]), pct(r["cpu"]["b"]),
                f"{pct(r['sched']['a'])} / {pct(r['sched']['b'])}",
                f"{r['rss']['a']:.1f} / {r['rss']['b']:.1f} MiB "
                f"(HWM {max(r['hwm'].values()):.1f})",
                f"{per['sent_min']} / {per['got_min']} (>= {per['need']} over "
                f"{per['window']:.1f} s)",
                f"{per['missed']} of {per['instances']}", str(r["flaps"]),
                str(per["backlog_drops"]), "met" if ok else "MISSED"]) + " |")
            for line in per["short"]:
                print(f"  short: {line}")
    if args.stand_in_search:
        good = [count for count, ds, res, _ in rows if held(res.get("vipd"))]
        if good:
            print(f"\nlargest count tried at which vipd held every instance on this host: "
                  f"{good[0]} segments = {2 * good[0]} instances"
                  + ("" if good[0] == args.stand_in_vlans else
                     f" (NOT {args.stand_in_vlans}: the rows above say why)"))
        else:
            print(f"\nvipd held every instance at none of {', '.join(map(str, counts))}")
    return 0


# ---- /proc -----------------------------------------------------------------

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def run_ns(pid):
    """CPU time in ns from the scheduler (finer than the ticks of stat)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def mem_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0])
    return out


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


# ---- the daemons -----------------------------------------------------------

class Vipd:
    name = "vipd"
    transition_re = re.compile(r" -> (MASTER|BACKUP)")
    packet_socket = False  # --packet-socket: vrrp.packet_socket in vipd's file

    def __init__(self, topo, advert):
        self.topo = topo
        text = topo.vipd_config(advert)
        if self.packet_socket:
            text = text.replace("  vrrp: {version: 3,", "  vrrp: {packet_socket: true, version: 3,", 1)
            assert "packet_socket" in text
        self.cfg = topo.write(f"vipd-{advert}.yaml", text)
        self.procs = {}

    def start(self, node):
        sock = self.topo.path(f"vipd-{node}.sock")
        self.procs[node] = self.topo.lab.popen(
            self.topo.ns[node],
            self.topo.daemon_argv([*os.environ.get("VIPD_WRAP", "").split(), VIPD, "-c",
                                   self.cfg, "--node", node, "--control", sock, "-f"]),
            log=f"vipd-{node}")

    def pid(self, node):
        return self.procs[node].pid

    def alive(self):
        for node, p in self.procs.items():
            if p.poll() is not None:
                raise RuntimeError(f"vipd on {node} exited with {p.returncode}:\n"
                                   + tail(p.log_path))

    def transitions(self, node):
        return len(self.transition_re.findall(read(self.procs[node].log_path)))

    def stop(self):
        for node in ("b", "a"):  # the backup first: no takeover on the way out
            if node in self.procs:
                Lab.stop(self.procs[node], grace=20)


class Keepalived:
    name = "keepalived"
    transition_re = re.compile(r"Entering (MASTER|BACKUP) STATE")

    def __init__(self, topo, advert):
        self.topo = topo
        self.advert_s = ADVERTS[advert]
        self.procs = {}

    def start(self, node):
        run = self.topo.path(f"ka-{node}")
        os.makedirs(run, exist_ok=True)
        conf = self.topo.write(f"ka-{node}/keepalived.conf",
                               self.topo.keepalived_config(node, self.advert_s))
        self.procs[node] = self.topo.lab.popen(
            self.topo.ns[node],
            self.topo.daemon_argv(
                ["keepalived", "-n", "-l", "-D", "-G", "-P", "-f", conf,
                 "-p", os.path.join(run, "k.pid"), "-r", os.path.join(run, "v.pid"),
                 "-c", os.path.join(run, "c.pid")]),
            log=f"keepalived-{node}")
        wait_until(lambda: children(self.procs[node].pid), timeout=30, interval=0.1,
                   what=f"keepalived's VRRP child on {node}")

    def pid(self, node):
        """The VRRP child (the parent only watches it)."""
        kids = children(self.procs[node].pid)
        if len(kids) != 1:
            raise RuntimeError(f"keepalived on {node}: {len(kids)} children, expected the "
                               "VRRP child alone")
        return kids[0]

    def alive(self):
        for node, p in self.procs.items():
            if p.poll() is not None:
                raise RuntimeError(f"keepalived on {node} exited with {p.returncode}:\n"
                                   + tail(p.log_path))
            self.pid(node)

    def transitions(self, node):
        return len(self.transition_re.findall(read(self.procs[node].log_path)))

    def stop(self):
        for node in ("b", "a"):
            if node in self.procs:
                Lab.stop(self.procs[node], grace=20)


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def tail(path, n=30):
    return "".join(read(path).splitlines(True)[-n:])


# ---- one measurement -------------------------------------------------------

class NotConverged(RuntimeError):
    """A daemon did not reach the expected state within the cap."""


def settle(topo, d, advert_s, cap=None):
    """Until each node holds what topo.expect() says (a every VIP and b
    none; the stand-in lab: each its slot's), without a change for HOLD_S;
    NotConverged after cap seconds (default 60 + 10 adverts)."""
    want = topo.expect()
    cap = cap if cap is not None else 60 + 10 * advert_s
    deadline = time.monotonic() + cap
    since = None
    while True:
        d.alive()
        held = {n: topo.vips_on(n) for n in ("a", "b")}
        ok = all(held[n] == want[n] for n in held)
        now = time.monotonic()
        a, b = len(held["a"]), len(held["b"])
        if ok and since is None:
            since = now
            log(f"{d.name}: stable (a holds {a}, b {b}); holding {HOLD_S:.0f} s")
        elif not ok:
            since = None
        if ok and now - since >= HOLD_S:
            return
        if now > deadline:
            raise NotConverged(f"did not converge in {cap:.0f} s: a holds {a} VIPs "
                               f"(want {len(want['a'])}), b {b} (want {len(want['b'])})")
        time.sleep(0.5)


def wait_quiet(topo, d, rate, cap=180):
    """Until a's takeover burst (GARP/NA rounds) is over: two 1-s windows in a
    row in which a sends its adverts (within 25 % of N/interval) and uses
    less than 60 % of a core. In this lab a burst of 1000 unsolicited NAs
    blocks a daemon's loop for seconds (see keepalived_config); a peer that
    starts then sees adverts missing and an election storm follows."""
    pid, quiet, t0 = d.pid("a"), 0, time.monotonic()
    while quiet < 2:
        d.alive()
        tx0, c0, w0 = topo.tx_packets("a"), cpu_ticks(pid), time.monotonic()
        time.sleep(1)
        el = time.monotonic() - w0
        tx = (topo.tx_packets("a") - tx0) / el
        cpu = (cpu_ticks(pid) - c0) / CLK_TCK / el
        quiet = quiet + 1 if abs(tx - rate) <= 0.25 * rate and cpu < 0.6 else 0
        if time.monotonic() - t0 > cap:
            raise NotConverged(f"did not converge in {cap:.0f} s: a not quiet: {tx:.0f} "
                               f"pkt/s (want {rate:.0f}), {100 * cpu:.0f} % CPU")


def measure(topo, d, seconds):
    pids = {n: d.pid(n) for n in ("a", "b")}
    trans0 = {n: d.transitions(n) for n in pids}
    per0 = topo.advert_counters() if hasattr(topo, "advert_counters") else None
    tx0 = topo.tx_packets("a")
    t0 = time.monotonic()
    c0 = {n: cpu_ticks(p) for n, p in pids.items()}
    s0 = {n: run_ns(p) for n, p in pids.items()}
    time.sleep(seconds)
    c1 = {n: cpu_ticks(p) for n, p in pids.items()}
    s1 = {n: run_ns(p) for n, p in pids.items()}
    el = time.monotonic() - t0
    mem = {n: mem_kib(p) for n, p in pids.items()}
    tx = (topo.tx_packets("a") - tx0) / el
    per = topo.advert_misses(per0, topo.advert_counters()) if per0 else None
    d.alive()
    flaps = sum(d.transitions(n) - trans0[n] for n in pids)
    vips = (len(topo.vips_on("a")), len(topo.vips_on("b")))
    res = {"cpu": {n: 100.0 * (c1[n] - c0[n]) / CLK_TCK / el for n in pids},
           "sched": {n: 100.0 * (s1[n] - s0[n]) / 1e9 / el for n in pids},
           "rss": {n: mem[n]["VmRSS"] / 1024 for n in pids},
           "hwm": {n: mem[n]["VmHWM"] / 1024 for n in pids},
           "tx": tx, "flaps": flaps, "vips": vips, "pids": pids, "per": per}
    log(f"{d.name}: cpu a {res['cpu']['a']:.2f} % b {res['cpu']['b']:.2f} % "
        f"(schedstat a {res['sched']['a']:.2f} % b {res['sched']['b']:.2f} %), "
        f"rss a {res['rss']['a']:.1f} MiB (hwm {res['hwm']['a']:.1f}) "
        f"b {res['rss']['b']:.1f} MiB (hwm {res['hwm']['b']:.1f}), "
        f"a sent {tx:.0f} pkt/s, transitions {flaps}, VIPs a/b {vips[0]}/{vips[1]}")
    return res


def save_smaps(d, tag, outdir):
    """Where the resident memory is, mapping by mapping (what RSS work reads)."""
    os.makedirs(outdir, exist_ok=True)
    for node in ("a", "b"):
        with open(f"/proc/{d.pid(node)}/smaps") as src, \
                open(os.path.join(outdir, f"{tag}-{d.name}-{node}.smaps"), "w") as dst:
            dst.write(src.read())


def profile(d, tag, outdir, seconds=10):
    os.makedirs(outdir, exist_ok=True)
    procs = []
    for node in ("a", "b"):
        data = os.path.join(outdir, f"{tag}-{node}.perf.data")
        procs.append((node, data, subprocess.Popen(
            ["perf", "record", "-q", "-g", "-p", str(d.pid(node)), "-o", data, "--",
             "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    for node, data, p in procs:
        p.wait(timeout=seconds + 60)
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.5"],
                             capture_output=True, text=True)
        with open(data.replace(".perf.data", ".report.txt"), "w") as f:
            f.write(rep.stdout)
        log(f"perf: {data} (+ .report.txt)")


def run_daemon(cls, topo, advert, seconds, prof, tag, together, reps, cap=None, flush=True):
    """One daemon's row: a alone (master of all), then b, settled, then the
    windows. cap: seconds each phase may take (a holding every VIP, a
    quiet, settled) before the row says "did not converge"; None: the
    defaults (120, 180 and 60 s + 10 adverts). flush: make sure no VIP is
    left for the next daemon (False: the lab is deleted next; removing
    8188 IPv6 addresses one by one takes minutes)."""
    d = cls(topo, advert)
    want = len(topo.vip_set)
    try:
        log(f"{d.name}: starting on a{' and b' if together else ''} "
            f"({want} instances, {advert})")
        d.start("a")
        if not together:
            # b joins once a is master of all: no election storm (see --together)
            t0 = time.monotonic()
            while len(topo.vips_on("a")) < want:
                d.alive()
                if time.monotonic() - t0 > (cap or 120):
                    raise NotConverged(f"did not converge in {cap or 120:.0f} s: a alone "
                                       f"holds {len(topo.vips_on('a'))} of {want}")
                time.sleep(0.5)
            log(f"{d.name}: a holds every VIP after {time.monotonic() - t0:.1f} s")
            wait_quiet(topo, d, want / ADVERTS[advert], cap or 180)
            log(f"{d.name}: a is quiet after {time.monotonic() - t0:.1f} s; starting b")
        t0 = time.monotonic()
        d.start("b")
        settle(topo, d, ADVERTS[advert], cap)
        log(f"{d.name}: stable {time.monotonic() - t0 - HOLD_S:.1f} s after b started")
        runs = [measure(topo, d, seconds) for _ in range(reps)]
        res = runs[-1]
        if reps > 1:  # the median window, with the last one's memory
            for key in ("cpu", "sched"):
                res[key] = {n: statistics.median(r[key][n] for r in runs) for n in ("a", "b")}
            res["tx"] = statistics.median(r["tx"] for r in runs)
            res["flaps"] = sum(r["flaps"] for r in runs)
            res["range"] = {n: (min(r["cpu"][n] for r in runs), max(r["cpu"][n] for r in runs))
                            for n in ("a", "b")}
        if prof:
            save_smaps(d, tag, prof)
        if prof and cls is Vipd:
            profile(d, tag, prof)
        return res
    except RuntimeError as e:
        log(f"{d.name}: {e}")
        return {"error": str(e)}
    finally:
        d.stop()
        if flush:
            try:
                wait_until(lambda: not topo.vips_on("a") and not topo.vips_on("b"), timeout=20,
                           interval=0.5, what="VIPs to go")
            except Exception:
                log(f"{d.name}: VIPs left behind, removing them")
                topo.flush_vips()


# ---- the table -------------------------------------------------------------

def pct(x):
    return f"{x:.2f} %"


def cells(r):
    if r is None or "error" in r:
        return ["failed"] * 3
    note = "" if r["flaps"] == 0 else f" ({r['flaps']} transitions!)"
    rng = {n: f" ({r['range'][n][0]:.2f}–{r['range'][n][1]:.2f})" if "range" in r else ""
           for n in ("a", "b")}
    return [pct(r["cpu"]["a"]) + rng["a"] + note, pct(r["cpu"]["b"]) + rng["b"],
            f"{r['rss']['a']:.1f} / {r['rss']['b']:.1f} MiB "
            f"(HWM {max(r['hwm'].values()):.1f})"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--instances", default="100,1000")
    ap.add_argument("--advert", default="1s,100ms")
    ap.add_argument("--family", default="ipv6,ipv4",
                    help="ipv4 rows only where N fits the documentation ranges")
    ap.add_argument("--seconds", type=float, default=None,
                    help="window (default 20 s; 60 s with --stand-in-vlans)")
    ap.add_argument("--only", choices=["vipd", "keepalived"])
    ap.add_argument("--profile", metavar="DIR")
    ap.add_argument("--reps", type=int, default=1,
                    help="windows per daemon run; the table shows the median (min-max)")
    ap.add_argument("--together", action="store_true",
                    help="start both nodes at once (default: b once a is master of all)")
    ap.add_argument("--stand-in-vlans", type=int, metavar="COUNT",
                    help="the 8188-instance row: COUNT veth pairs standing in for VLANs, "
                         "2 instances each, Active-Active, IPv6 at 1 s (--instances, "
                         "--advert and --family do not apply)")
    ap.add_argument("--stand-in-search", action="store_true",
                    help="with --stand-in-vlans: if vipd does not hold every instance "
                         "there, try smaller counts (vipd alone) until one works, and "
                         "print the largest that did")
    ap.add_argument("--packet-socket", action="store_true",
                    help="vipd with vrrp.packet_socket: the master's adverts as link-layer "
                         "frames (docs/vrrp.md, 'Packet socket'); keepalived unchanged")
    ap.add_argument("--converge-cap", type=float, default=None, metavar="S",
                    help="each start-up phase may take S seconds before the row says "
                         "'did not converge in S s' (default: 120/180/60 s; "
                         "600 s with --stand-in-vlans)")
    args = ap.parse_args()
    Vipd.packet_socket = args.packet_socket
    if args.packet_socket:
        log("vipd: vrrp.packet_socket on (the master's adverts as link-layer frames)")
    if os.geteuid() != 0:
        sys.exit("needs root (network namespaces)")
    counts = [int(x) for x in args.instances.split(",")]
    adverts = args.advert.split(",")
    families = args.family.split(",")
    for a in adverts:
        if a not in ADVERTS:
            ap.error(f"--advert: {a}: one of {', '.join(ADVERTS)}")
    daemons = [c for c in (Vipd, Keepalived) if not args.only or c.name == args.only]
    if Keepalived in daemons and not shutil.which("keepalived"):
        sys.exit("keepalived is not installed (apt-get install keepalived)")
    for path in (VIPD, VIPCTL):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path}: not built (meson setup build && ninja -C build, or VIPD_BUILD)")
    if args.stand_in_vlans is not None:
        if not 1 <= args.stand_in_vlans <= 4094:
            ap.error("--stand-in-vlans: 1..4094 (the VLAN IDs)")
        if args.converge_cap is None:
            args.converge_cap = 600
        return run_stand_in(args, daemons)
    if args.seconds is None:
        args.seconds = 20

    rows = []
    for n in counts:
        for fam in families:
            try:
                ports, ifaces = layout(n, fam)
            except ValueError as e:
                log(f"skipping N={n} {fam}: {e}")
                continue
            with NeighTables(), Lab() as lab:
                log(f"N={n} {fam}: {ports} port(s), {len(ifaces)} macvlans per node")
                topo = Topo(lab, ports, ifaces, fam)
                topo.apply(topo.write("apply.yaml", vipd_config(ports, ifaces, adverts[0])))
                for adv in adverts:
                    tag = f"n{n}-{adv}-{fam}"
                    res = {c.name: run_daemon(c, topo, adv, args.seconds, args.profile, tag,
                                              args.together, args.reps)
                           for c in daemons}
                    rows.append((n, adv, fam, len(ifaces), res))

    head = ["N", "advert", "family", "macvlans/node"]
    for c in daemons:
        head += [f"{c.name} master CPU", f"{c.name} backup CPU",
                 f"{c.name} RSS master / backup"]
    head += ["ANCHORS keepalived master / backup / RSS", "adverts/s sent by master"]
    print(f"\nscale: one VRRP instance per VIP, unicast VRRPv3, a master of all, "
          f"{args.seconds:g} s window{f' x {args.reps}, median (min–max)' if args.reps > 1 else ''}; "
          "CPU in % of one core (utime+stime), "
          f"RSS = VmRSS; keepalived = its VRRP child process"
          f"{'; vipd with vrrp.packet_socket' if Vipd.packet_socket else ''}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n, adv, fam, nif, res in rows:
        row = [str(n), adv, fam, str(nif)]
        for c in daemons:
            row += cells(res[c.name])
        anc = ANCHORS.get((n, adv))
        row.append(" / ".join(anc) if anc else "–")
        row.append(" / ".join(f"{c.name} {res[c.name]['tx']:.0f}" for c in daemons
                              if res[c.name] and "error" not in res[c.name])
                   + f" (N/advert = {n / ADVERTS[adv]:.0f})")
        print("| " + " | ".join(row) + " |")
    for n, adv, fam, nif, res in rows:
        r = res.get("vipd")
        if n == 1000 and adv == "1s" and r and "error" not in r:
            worst = max(r["cpu"].values())
            print(f"\ngoal (issue): vipd under 2 % of a core with 1000 instances at 1 s: "
                  f"{'met' if worst < 2 else 'MISSED'} ({fam}: {pct(worst)} worst side)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
