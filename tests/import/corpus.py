#!/usr/bin/env python3
"""`vipctl import keepalived` over the samples Debian's keepalived ships
(/usr/share/doc/keepalived/samples), each given as both nodes' file (the
nodes named after its @ID lines when it has them, so that they decide):

- none crashes the importer (exit 0 or 2, never a signal), none takes long;
- every keyword the importer does not carry over is warned with its line:
  each statement of the sample (as tests/import/kaconf.py reads it) whose
  keyword is not in MAPPED for its block has a `FILE:LINE: warning:`;
- what maps validates: the samples are multicast configurations without
  node addresses, which the importer says it cannot know ("write it under
  interfaces.IF.addresses"); once the test writes them as told (a pair in
  each subnet of the interface's VIPs), the file passes `vipctl validate`
  with no error.

    tests/import/corpus.py VIPCTL [SAMPLES_DIR]
"""
import ipaddress
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kaconf  # noqa: E402
import yaml  # noqa: E402

SAMPLES = "/usr/share/doc/keepalived/samples"
NODES = ("node1", "node2")

# keyword -> the keywords its block may hold that the importer carries over
# (None: a list block, every line of it is carried over)
MAPPED = {
    "": {"global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group"},
    "global_defs": {"vrrp_version", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
                    "vrrp_garp_interval", "vrrp_gna_interval"},
    "vrrp_instance": {"interface", "virtual_router_id", "priority", "state", "advert_int",
                      "version", "vrrp_version", "native_ipv6", "nopreempt", "preempt",
                      "preempt_delay", "garp_master_repeat", "garp_master_refresh",
                      "unicast_src_ip", "mcast_src_ip", "unicast_ttl", "use_vmac", "notify_master",
                      "notify_backup", "notify_fault", "notify_stop", "notify",
                      "virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_peer",
                      "track_interface", "track_script"},
    "vrrp_script": {"script", "interval", "timeout", "weight", "fall", "rise", "user"},
    "vrrp_sync_group": {"group", "notify_master", "notify_backup", "notify_fault",
                        "notify_stop", "notify"},
}
LISTS = {"virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_peer",
         "track_interface", "track_script", "group"}


def unmapped(stmts, parent=""):
    """(file, line, keyword) of each statement not carried over; not the
    statements inside one (its own warning covers them)."""
    for s in stmts:
        if parent in LISTS:
            continue
        allowed = MAPPED.get(parent)
        if allowed is None or s.kw not in allowed:
            yield s.file, s.line, s.kw
            continue
        if s.block:
            yield from unmapped(s.block, s.kw)


def samples(d):
    out = []
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if name.startswith("keepalived.conf") and os.path.isfile(path):
            out.append(path)
    return out


COUNT = {"unmapped": 0, "validated": 0}


def nodes_of(path):
    """The config-ids a sample's @ID lines name (its two nodes), else NODES."""
    with open(path, errors="replace") as f:
        ids = []
        for i in re.findall(r"^\s*@\^?(\S+)", f.read(), re.M):
            if i not in ids:
                ids.append(i)
    return tuple(ids[:2]) if len(ids) >= 2 else NODES


def check(vipctl, path):
    problems = []
    nodes = nodes_of(path)
    tree = kaconf.parse(path, nodes[0])
    p = subprocess.run([vipctl, "import", "keepalived", path, path, "--nodes",
                        ",".join(nodes)], capture_output=True, text=True, timeout=30)
    if p.returncode not in (0, 2):
        return [f"exit {p.returncode}: {p.stderr[-500:]}"]
    warned = {(m.group(1), int(m.group(2)))
              for m in re.finditer(r"^(.+?):(\d+): warning: ", p.stderr, re.M)}
    for f, line, kw in unmapped(tree):
        COUNT["unmapped"] += 1
        if (f, line) not in warned:
            problems.append(f"{f}:{line}: {kw} is not carried over and not warned")
    if p.returncode == 2:
        if not re.search(r"error: ", p.stderr):
            problems.append("exit 2 without an error")
        return problems
    no_addr = set(re.findall(r"write it under interfaces\.(\S+)\.addresses", p.stderr))
    doc = yaml.safe_load(p.stdout)
    for name in no_addr:
        add_addresses(doc, name, nodes)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as t:
        yaml.safe_dump(doc, t)
        out = t.name
    try:
        v = subprocess.run([vipctl, "-c", out, "validate"], capture_output=True, text=True,
                           timeout=30)
    finally:
        os.unlink(out)
    COUNT["validated"] += v.returncode == 0
    if v.returncode != 0:
        problems += [f"validate: {line}" for line in v.stderr.splitlines()
                     if ": error: " in line]
    return problems


def vip_networks(doc, name):
    """The /24 and /64 networks of the VIPs on interface name, and on the
    interfaces whose adverts go over it (vrrp.via)."""
    nets = []
    for ifname, ifc in doc["interfaces"].items():
        via = (ifc.get("vrrp") or {}).get("via")
        if ifname != name and via != name:
            continue
        for slot in (ifc.get("vips") or {}).values():
            for v in slot:
                a = ipaddress.ip_interface(v["address"] if isinstance(v, dict) else v)
                net = a.network.supernet(new_prefix=24 if a.version == 4 else 64) \
                    if a.network.prefixlen > (24 if a.version == 4 else 64) else a.network
                if net not in nets:
                    nets.append(net)
    return nets


def add_addresses(doc, name, nodes):
    """What the warning asks: both nodes' addresses on the interface, one
    pair in each subnet of its VIPs (hosts the VIPs do not use)."""
    used = set()
    for ifc in doc["interfaces"].values():
        for slot in (ifc.get("vips") or {}).values():
            for v in slot:
                used.add(ipaddress.ip_interface(v["address"] if isinstance(v, dict) else v).ip)
    addrs = {n: [] for n in nodes}
    for net in vip_networks(doc, name):
        hosts = (h for h in net.hosts() if h not in used and not h.is_link_local)
        for n in nodes:
            addrs[n].append(f"{next(hosts)}/{net.prefixlen}")
    if addrs[nodes[0]]:
        doc["interfaces"][name]["addresses"] = addrs


def main():
    vipctl = sys.argv[1]
    d = sys.argv[2] if len(sys.argv) > 2 else SAMPLES
    if not os.path.isdir(d):
        print(f"SKIP: no {d} (install keepalived: scripts/install-deps.sh)")
        return 77
    files = samples(d)
    failed = 0
    for path in files:
        problems = check(vipctl, path)
        if problems:
            failed += 1
            print(f"FAIL {os.path.basename(path)}")
            for pr in problems:
                print("  " + pr)
        else:
            print(f"ok   {os.path.basename(path)}")
    print(f"{len(files) - failed} passed, {failed} failed; "
          f"{COUNT['unmapped']} keywords not carried over, each warned at its line; "
          f"{COUNT['validated']} imported files valid")
    return 1 if failed or not files or not COUNT["unmapped"] or not COUNT["validated"] else 0


if __name__ == "__main__":
    sys.exit(main())
