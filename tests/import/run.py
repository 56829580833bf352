#!/usr/bin/env python3
"""`vipctl import keepalived` over the pairs of tests/import/*/ (lb1.conf,
lb2.conf): the import exits 0 and warns only what the pair's
allowed-warnings lists (docs/migrate-from-keepalived.md lists them too);
`-o json` carries the same file and messages; the file it writes passes
`vipctl validate` without a warning; and
`vipctl show -o json --node N` lists, for each node, the same VIPs, VRIDs
and priorities as keepalived runs from that node's file.

    tests/import/run.py VIPCTL
"""
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kaconf  # noqa: E402

NODES = ("lb1", "lb2")


def norm(addr):
    return str(ipaddress.ip_interface(addr))


def from_show(vipctl, path, node):
    p = subprocess.run([vipctl, "-c", path, "--node", node, "-o", "json", "show"],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"show --node {node}: {p.stderr}")
    out = {}
    for inst in json.loads(p.stdout)["instances"]:
        key = (inst["vrid"], inst["family"])
        assert key not in out, f"VRID {key} twice in show"
        vips = inst["vips"]
        out[key] = {"priority": inst["priority"], "vips": {norm(v) for v in vips},
                    "interface": inst["advert_interface"]}
    return out


def check_pair(vipctl, d):
    problems = []
    files = [os.path.join(d, n + ".conf") for n in NODES]
    p = subprocess.run([vipctl, "import", "keepalived"] + files, capture_output=True,
                       text=True, timeout=60)
    if p.returncode != 0:
        return [f"import exited {p.returncode}: {p.stderr}"]
    allowed = []
    allow_file = os.path.join(d, "allowed-warnings")
    if os.path.exists(allow_file):
        with open(allow_file) as f:
            allowed = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    for line in p.stderr.splitlines():
        if not any(a in line for a in allowed):
            problems.append(f"warning not listed in allowed-warnings: {line}")
    j = subprocess.run([vipctl, "import", "keepalived"] + files + ["-o", "json"],
                       capture_output=True, text=True, timeout=60)
    doc = json.loads(j.stdout)
    if j.returncode != 0 or not doc["ok"] or doc["yaml"] != p.stdout:
        problems.append("-o json: not ok, or its yaml is not the text output")
    texts = [f"{d['file']}:{d['line']}: {d['severity']}: {d['message']}"
             for d in doc["diagnostics"]]
    if texts != p.stderr.splitlines():
        problems.append("-o json: its diagnostics are not the messages on stderr")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(p.stdout)
        path = f.name
    try:
        v = subprocess.run([vipctl, "-c", path, "validate"], capture_output=True, text=True,
                           timeout=60)
        if v.returncode != 0 or v.stderr:
            problems.append(f"validate exited {v.returncode}: {v.stderr}")
            return problems
        for node, conf in zip(NODES, files):
            want = {k: {**i, "vips": {norm(x) for x in i["vips"]}}
                    for k, i in kaconf.instances(conf, node).items()}
            got = from_show(vipctl, path, node)
            for k in sorted(set(want) | set(got), key=str):
                w, g = want.get(k), got.get(k)
                if not w or not g:
                    problems.append(f"{node}: VRID {k}: keepalived {w}, vipd {g}")
                    continue
                for field in ("priority", "vips", "interface"):
                    if w[field] != g[field]:
                        problems.append(f"{node}: VRID {k} {field}: keepalived {w[field]}, "
                                        f"vipd {g[field]}")
    finally:
        os.unlink(path)
    return problems


def main():
    vipctl = sys.argv[1]
    pairs = sorted(os.path.join(HERE, n) for n in os.listdir(HERE)
                   if os.path.exists(os.path.join(HERE, n, "lb1.conf")))
    failed = 0
    for d in pairs:
        problems = check_pair(vipctl, d)
        name = os.path.basename(d)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for pr in problems:
                print("  " + pr)
        else:
            print(f"ok   {name}")
    print(f"{len(pairs) - failed} passed, {failed} failed")
    return 1 if failed or not pairs else 0


if __name__ == "__main__":
    sys.exit(main())
