#!/usr/bin/env python3
"""usage: check.py VIPCTL [EXAMPLES_DIR...]

Checks every *.yaml of the directories (default: examples; meson passes
examples and docs/examples) with vipctl, run from the source root:
  - `validate` exits 0 and prints no diagnostic; `validate -o json` says valid;
  - `show -o json` for both nodes lists the same instances with the same
    VRIDs, mirrored priorities (the slot's preferred node is higher) and
    mirrored communication pairs;
  - every address is a documentation address (192.0.2.0/24, 198.51.100.0/24,
    203.0.113.0/24, 2001:db8::/32);
  - demo.yaml is what the lab demo expects (nodeA/nodeB, eth0 and eth1, both
    slots, all four clusterIpMethods, 100 ms adverts).
And that docs/config.md is what scripts/gen-config-doc.py generates, and
that docs/json.md names every field `show`, `validate` and `explain` print.

Prints one line per check, then "N passed, M failed"; exits 1 on failure.
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

DOC_NETS = [ipaddress.ip_network(n) for n in
            ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
METHODS = {"vrrp", "link", "gw", "link+gw"}


class Failed(Exception):
    pass


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def vipctl_json(vipctl, path, *args):
    rc, out, err = run([vipctl, "-c", path, "-o", "json"] + list(args))
    if rc != 0:
        raise Failed("vipctl %s exited %d: %s" % (" ".join(args), rc, err.strip()))
    try:
        return json.loads(out)
    except ValueError as e:
        raise Failed("vipctl %s: output is not JSON: %s" % (" ".join(args), e))


def node_names(vipctl, path):
    """The two nodes: `nodes: [a, b]` in the file, else asked of vipctl
    (an unknown --node makes it list them)."""
    with open(path) as f:
        m = re.search(r"^\s*nodes:\s*\[\s*([^,\s]+)\s*,\s*([^\]\s]+)\s*\]", f.read(), re.M)
    if m:
        return m.group(1), m.group(2)
    rc, _, err = run([vipctl, "-c", path, "show", "--node", "?"])
    m = re.search(r"not a node of cluster \S+ \(([^,]+), ([^)]+)\)", err)
    if rc == 0 or not m:
        raise Failed("cannot learn the node names: %s" % err.strip())
    return m.group(1), m.group(2)


def check_validate(vipctl, path):
    rc, out, err = run([vipctl, "-c", path, "validate"])
    if rc != 0 or err.strip():
        raise Failed("validate exited %d:\n%s" % (rc, err.rstrip()))
    v = vipctl_json(vipctl, path, "validate")
    if v.get("valid") is not True:
        raise Failed("validate -o json: %r" % v)
    return "%d interfaces, %d instances" % (v["interfaces"], v["instances"])


def check_doc_addr(where, text):
    a = ipaddress.ip_interface(text).ip
    if not any(a in n for n in DOC_NETS):
        raise Failed("%s: %s is not a documentation address" % (where, text))


def check_addresses(show):
    for ifc in show["interfaces"]:
        for a in ifc["addresses"]:
            check_doc_addr(ifc["name"], a)
        for gw in ifc["gateway"].values():
            if gw:
                check_doc_addr(ifc["name"] + " gateway", gw)
    for vi in show["instances"]:
        for a in vi["vips"]:
            check_doc_addr(vi["name"], a)


def check_mirrored(nodes, shows):
    a, b = shows
    ia = {i["name"]: i for i in a["instances"]}
    ib = {i["name"]: i for i in b["instances"]}
    if list(ia) != list(ib):
        raise Failed("instances differ: %s has %s, %s has %s"
                     % (nodes[0], sorted(ia), nodes[1], sorted(ib)))
    if not ia:
        raise Failed("no VRRP instance")
    for name, x in ia.items():
        y = ib[name]
        if x["vrid"] != y["vrid"]:
            raise Failed("%s: VRID %d on %s, %d on %s"
                         % (name, x["vrid"], nodes[0], y["vrid"], nodes[1]))
        if (x["priority"], x["peer_priority"]) != (y["peer_priority"], y["priority"]):
            raise Failed("%s: priorities not mirrored: %s %d/%d, %s %d/%d"
                         % (name, nodes[0], x["priority"], x["peer_priority"],
                            nodes[1], y["priority"], y["peer_priority"]))
        preferred = x["priority"] > x["peer_priority"]
        if preferred != (x["slot"] == "master"):
            raise Failed("%s: %s slot but %s has priority %d against %d"
                         % (name, x["slot"], nodes[0], x["priority"], x["peer_priority"]))
        if (x["source"], x["peer"]) != (y["peer"], y["source"]):
            raise Failed("%s: communication pair not mirrored" % name)
        if x["vips"] != y["vips"]:
            raise Failed("%s: VIPs differ between the nodes" % name)
    # One VRID per segment and family: the same VRID twice on one interface
    # (which is its own segment or shares one) is only allowed across families.
    seen = {}
    for x in a["instances"]:
        key = (x["interface"], x["family"], x["vrid"])
        if key in seen:
            raise Failed("%s and %s share VRID %d" % (seen[key], x["name"], x["vrid"]))
        seen[key] = x["name"]
    return len(ia)


def check_demo(nodes, show):
    if nodes != ("nodeA", "nodeB"):
        raise Failed("demo nodes are %s, not nodeA, nodeB" % (nodes,))
    names = [i["name"] for i in show["interfaces"]]
    if names[:2] != ["eth0", "eth1"]:
        raise Failed("demo interfaces are %s, not eth0, eth1" % names)
    insts = show["instances"]
    slots = {i["slot"] for i in insts if i["interface"] == "eth0"}
    methods = {i["method"] for i in insts if i["interface"] == "eth0"}
    if slots != {"master", "backup"}:
        raise Failed("demo eth0 is not Active-Active: slots %s" % sorted(slots))
    for slot in ("master", "backup"):
        m = {i["method"] for i in insts if i["slot"] == slot}
        if m != METHODS:
            raise Failed("demo %s slot lacks methods %s" % (slot, sorted(METHODS - m)))
    if methods != METHODS:
        raise Failed("demo lacks methods %s" % sorted(METHODS - methods))
    if {i["advert_interval_ms"] for i in insts} != {100}:
        raise Failed("demo advert_interval is not 100ms everywhere")
    fam = {i["family"] for i in insts}
    if fam != {"ipv4", "ipv6"}:
        raise Failed("demo is not dual-stack: %s" % sorted(fam))


def json_fields(value, out):
    """Every object key in a JSON value, recursively."""
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            json_fields(v, out)
    elif isinstance(value, list):
        for v in value:
            json_fields(v, out)
    return out


SEEN_FIELDS = set()


def check_example(vipctl, path):
    summary = check_validate(vipctl, path)
    nodes = node_names(vipctl, path)
    shows = [vipctl_json(vipctl, path, "show", "--node", n) for n in nodes]
    json_fields(shows, SEEN_FIELDS)
    json_fields(vipctl_json(vipctl, path, "validate"), SEEN_FIELDS)
    for s in shows:
        check_addresses(s)
    n = check_mirrored(nodes, shows)
    if os.path.basename(path) == "demo.yaml":
        check_demo(nodes, shows[0])
    return "%s; %d instances agree on %s and %s" % (summary, n, nodes[0], nodes[1])


def check_config_doc(vipctl):
    gen = os.path.join("scripts", "gen-config-doc.py")
    rc, out, err = run([sys.executable, gen, "--check", "--vipctl", vipctl])
    if rc != 0:
        raise Failed((out + err).rstrip())
    return "docs/config.md matches the key tables"


def check_json_doc(vipctl, files):
    fields = set(SEEN_FIELDS)
    rc, out, _ = run([vipctl, "explain"])
    names = [ln.split()[0] for ln in out.splitlines() if ln.startswith("  ") and ln.strip()]
    if not names:
        raise Failed("`vipctl explain` listed no types")
    for name in names:
        json_fields(vipctl_json(vipctl, files[0], "explain", name), fields)
    with open(os.path.join("docs", "json.md")) as f:
        doc = f.read()
    missing = sorted(k for k in fields if "`%s`" % k not in doc)
    if missing:
        raise Failed("fields printed but not in docs/json.md: %s" % ", ".join(missing))
    return "docs/json.md names all %d fields" % len(fields)


LOCAL_PROGRAMS_YAML = """\
cluster:
  name: lab
  nodes: [adc1, adc2]
  hooks: {master: /dev/null, backup: [/nonexistent/vipd-hook, backup]}
checks:
  app: {type: exec, command: [/nonexistent/vipd-check]}
interfaces:
  eth0:
    type: ethernet
    vrrp: {track: [app]}
    addresses: {adc1: [192.0.2.2/24], adc2: [192.0.2.3/24]}
    vips: {master: [192.0.2.10/24]}
"""


def check_local_programs(vipctl):
    """validate warns about hooks and exec checks not executable here: a
    path that is no executable file always, a missing one only on a node."""
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write(LOCAL_PROGRAMS_YAML)
        f.flush()
        rc, _, err = run([vipctl, "-c", f.name, "validate"])
        want = "%s:4:19: warning: cluster.hooks: master /dev/null is not an executable file" % f.name
        if rc != 0 or want not in err or "does not exist" in err:
            raise Failed("validate off a node: exit %d, stderr:\n%s" % (rc, err))
        rc, _, err = run([vipctl, "-c", f.name, "--node", "adc2", "validate"])
        for want in ("%s:4:38: warning: cluster.hooks: backup /nonexistent/vipd-hook does "
                     "not exist on this machine (node adc2)" % f.name,
                     "%s:6:30: warning: checks.app: command /nonexistent/vipd-check does "
                     "not exist on this machine (node adc2)" % f.name):
            if rc != 0 or want not in err:
                raise Failed("validate --node adc2: exit %d, want %r, stderr:\n%s"
                             % (rc, want, err))
    return "hooks and exec checks not executable here are warned about"


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    vipctl = os.path.abspath(argv[1])
    exdirs = argv[2:] or ["examples"]
    files = [os.path.join(d, f) for d in exdirs
             for f in sorted(os.listdir(d)) if f.endswith(".yaml")]
    checks = [(f, lambda f=f: check_example(vipctl, f)) for f in files]
    checks.append(("docs/config.md", lambda: check_config_doc(vipctl)))
    checks.append(("docs/json.md", lambda: check_json_doc(vipctl, files)))
    checks.append(("local programs", lambda: check_local_programs(vipctl)))
    passed = failed = 0
    for name, fn in checks:
        try:
            detail = fn()
        except Failed as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
        else:
            passed += 1
            print("ok   %s: %s" % (name, detail))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
