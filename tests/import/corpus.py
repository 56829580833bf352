#!/usr/bin/env python3
"""`vipctl import keepalived` over the samples Debian's keepalived ships
(/usr/share/doc/keepalived/samples), each given as both nodes' file:

- none crashes the importer (exit 0 or 2, never a signal), none takes long;
- every keyword the importer does not carry over is warned with its line:
  each statement of the sample (as tests/import/kaconf.py reads it) whose
  keyword is not in MAPPED for its block has a `FILE:LINE: warning:`;
- what maps validates: the written file passes `vipctl validate` except
  for what the importer said it could not know (the samples are multicast
  configurations without node addresses: those errors name the interfaces
  the importer warned about, and nothing else fails).

    tests/import/corpus.py VIPCTL [SAMPLES_DIR]
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kaconf  # noqa: E402

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


COUNT = {"unmapped": 0}


def check(vipctl, path):
    problems = []
    tree = kaconf.parse(path, NODES[0])
    p = subprocess.run([vipctl, "import", "keepalived", path, path, "--nodes",
                        ",".join(NODES)], capture_output=True, text=True, timeout=30)
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
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as t:
        t.write(p.stdout)
        out = t.name
    try:
        v = subprocess.run([vipctl, "-c", out, "validate"], capture_output=True, text=True,
                           timeout=30)
    finally:
        os.unlink(out)
    for line in v.stderr.splitlines():
        m = re.search(r"error: (\S+): IPv[46] VIPs need a communication pair", line)
        if m and (m.group(1) in no_addr or re.search(r"on vrrp\.via (\S+),", line)):
            continue
        if ": error: " in line:
            problems.append(f"validate: {line}")
    return problems


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
          f"{COUNT['unmapped']} keywords not carried over, each warned at its line")
    return 1 if failed or not files or not COUNT["unmapped"] else 0


if __name__ == "__main__":
    sys.exit(main())
