#!/usr/bin/env python3
"""usage: check.py VIPCTL

The JSON Schema of the cluster file (`vipctl schema`, docs/schema.md),
run from the source root:
  - it is a valid draft 2020-12 schema, and docs/cluster.schema.json is it;
  - every examples/*.yaml and docs/examples/*.yaml passes it;
  - every tests/bad/*.yaml that is a schema-level mistake (one value: an
    unknown key, a key of another type, a wrong type, out of range, a
    wrong form) fails it; the others are listed in NOT_SCHEMA_LEVEL with
    the reason, and those that YAML can read pass it (so the list is
    exact both ways);
  - the duration patterns accept exactly the table's range and step
    (every value of a window around the bounds, in ms and in s).

The YAML is read as an editor's language server reads it: YAML 1.2's core
schema (`yes` is a string, `052:54` no number), which is also what vipd
accepts. Prints one line per check, then "N passed, M failed"."""
import glob
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

# Mistakes vipd finds across keys or files, or before the data exists.
NOT_SCHEMA_LEVEL = {
    "05-vlan-id-duplicate": "two interfaces: one id per parent",
    "06-vlan-parent-wrong-type": "the parent's type, another entry",
    "07-missing-parent": "a reference to another entry",
    "08-missing-member": "a reference to another entry",
    "09-member-of-two-masters": "two entries",
    "10-dependency-cycle": "the graph of entries",
    "11-mtu-above-parent": "two entries' mtu",
    "12-lacp-member-with-addresses": "the member's master, another entry",
    "13-bond-member-with-vips": "the member's master, another entry",
    "14-vip-outside-subnet": "the VIP against the addresses",
    "15-vip-duplicate-same-interface": "two VIPs",
    "16-vip-duplicate-across-interfaces": "two entries",
    "17-vip-equals-node-address": "a VIP against the addresses",
    "18-vips-without-pair": "VIPs against the addresses",
    "19-gw-without-gateway": "a VIP's method against the gateway",
    "20-link-gw-without-ipv6-gateway": "a VIP's method against the gateway",
    "21-vrrp-v2-ipv6-vip": "the VIP against vrrp.version",
    "22-advert-v3-too-long": "the range depends on vrrp.version",
    "24-advert-v2-subsecond": "the range depends on vrrp.version",
    "25-advert-v2-inherited-interval": "inherited from cluster.vrrp",
    "26-too-many-vrids": "VRIDs are assigned over the whole file",
    "27-explicit-vrid-collision": "VRIDs of two entries",
    "28-node-not-in-cluster": "a key against cluster.nodes",
    "31-bond-member-other-namespace": "two entries' namespaces",
    "32-bridge-member-other-namespace": "two entries' namespaces",
    "33-macvlan-on-bridge-port": "the parent's master, another entry",
    "34-macvlan-on-bond-port": "the parent's master, another entry",
    "35-duplicate-top-level-key": "YAML readers keep one of two equal keys",
    "36-duplicate-interface": "YAML readers keep one of two equal keys",
    "37-duplicate-nested-key": "YAML readers keep one of two equal keys",
    "38-yaml-tab-indentation": "YAML syntax: no data",
    "39-yaml-unclosed-flow": "YAML syntax: no data",
    "47-priority-preferred-not-above-other": "two keys",
    "48-gateway-check-timeout-above-interval": "two keys",
    "49-gateway-outside-subnet": "the gateway against the addresses",
    "50-pair-in-different-subnets": "the two nodes' addresses",
    "51-ipv6-mtu-below-1280": "the mtu against the addresses",
    "52-primary-not-member": "two keys",
    "53-lacp-min-links-above-members": "two keys",
    "59-vlan-on-bond-port": "the parent's master, another entry",
    "61-yaml-unclosed-quote": "YAML syntax: no data",
    "69-peer-end-as-vlan-parent": "a reference to another entry",
    "74-explicit-vrid-past-255": "VRIDs of the instances the VIPs make",
    "76-cluster-level-vrid": "the vrrp table is one for cluster and interface; "
                             "the loader refuses this key at the cluster level",
    "77-vrrp-via-cluster-default": "the vrrp table is one for cluster and interface; "
                                   "the loader refuses this key at the cluster level",
    "78-vrrp-via-undefined": "a reference to another entry",
    "79-vrrp-via-itself": "a reference to the entry itself",
    "80-vrrp-via-bond-port": "a reference to another entry",
    "81-vrrp-via-chained": "a reference to another entry",
    "82-vrrp-via-other-namespace": "two entries' namespaces",
    "83-vrrp-via-without-pair": "another entry's addresses",
    "84-duplicate-key-in-flow-mapping": "YAML readers keep one of two equal keys",
    "85-vrid-collision-macvlan-bridge": "VRIDs of two entries",
    "86-gateway-check-inherited-timeout-above-interval": "inherited from cluster",
    "87-yaml-second-document": "the file, not the data: a second document",
    "88-yaml-nesting-too-deep": "vipd's limit on the YAML text",
    "89-yaml-alias-expansion": "vipd's limit on the YAML text",
    "90-track-unknown-check": "a reference to a check",
    "103-sync-group-member-matches-nothing": "a reference to the instances",
    "104-sync-group-instance-in-two-groups": "two groups",
    "108-check-duplicate-name": "YAML readers keep one of two equal keys",
    "109-check-timeout-above-interval": "two keys",
    "110-track-check-listed-twice": "two entries of the list, one bare and one with a weight",
    "112-bfd-via-differs": "bfd on an interface whose adverts go via another: a cross-reference",
    "115-virtual-mac-name-clash": "the link's name against another interface's: a cross-reference",
    "116-virtual-mac-on-bridge-port": "a port of a bridge: what another interface says",
    "118-virtual-mac-names-collide": "two links' derived names: a cross-reference",
    "113-bfd-no-session": "an interface without adverts or a communication pair: what the "
                          "file holds elsewhere",
    "150-vip-vrid-collision": "VRIDs of two VIPs",
    "152-vip-vrid-taken-by-explicit": "VRIDs of two entries",
}

# Of those, the ones whose data, as a YAML reader makes it, is refused all
# the same (for another reason than vipd's first one).
REFUSED_ANYWAY = {
    "35-duplicate-top-level-key": "the second cluster: keeps, it has no nodes",
    "88-yaml-nesting-too-deep": "the nested lists are no zone",
    "89-yaml-alias-expansion": "its anchors are unknown top-level keys",
}


# The duration keys and their tables (src/model/kinds/*.c): min, max, step in ms.
DURATIONS = {
    ("vrrp", "advert_interval"): (10, 255000, 10),
    ("vrrp", "preempt_delay"): (0, 3600000, 0),
    ("garp", "interval"): (1, 10000, 0),
    ("garp", "refresh"): (0, 3600000, 0),
    ("gateway_check", "interval"): (10, 60000, 0),
    ("interface.bridge", "forward_delay"): (2000, 30000, 1000),
    ("interface.bond", "miimon"): (0, 10000, 0),
}


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema: true/false, null, decimal/0o/0x integers and
    floats; everything else a string."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
         "-+0123456789"),
        ("tag:yaml.org,2002:float",
         r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
]:
    Yaml12Loader.add_implicit_resolver(tag, re.compile(regexp), list(first) + ([""] if
                                                                             "" in first else []))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def construct_int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, why=""):
        print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": " + why))
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def errors_of(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]


def duration_ok(ms, lo, hi, step):
    return lo <= ms <= hi and (step == 0 or ms % step == 0)


def check_durations(c, schema):
    defs = schema["$defs"]
    for (table, key), (lo, hi, step) in DURATIONS.items():
        pattern = re.compile(defs[table]["properties"][key]["pattern"])
        bad = []
        window = list(range(0, 2100)) + list(range(max(0, lo - 1100), lo + 1100)) + \
            list(range(max(0, hi - 2100), hi + 2100))
        for n in sorted(set(window)):
            if (pattern.search("%dms" % n) is not None) != duration_ok(n, lo, hi, step):
                bad.append("%dms" % n)
            if n <= hi // 1000 + 3 and \
                    (pattern.search("%ds" % n) is not None) != duration_ok(n * 1000, lo, hi, step):
                bad.append("%ds" % n)
        for text, ok in (("0%dms" % hi, True), ("%dMs" % hi, False), ("1.5s", False),
                         ("%d" % hi, False), ("%d ms" % hi, False)):
            n = hi
            if (pattern.search(text) is not None) != (ok and duration_ok(n, lo, hi, step)):
                bad.append(text)
        c.check("duration %s.%s matches %d..%d ms step %d exactly" % (table, key, lo, hi, step),
                not bad, "wrong on " + ", ".join(bad[:10]))


def main():
    vipctl = sys.argv[1]
    c = Checks()
    out = subprocess.run([vipctl, "schema"], stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout
    schema = json.loads(out)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
        c.check("vipctl schema is a draft 2020-12 schema", True)
    except jsonschema.SchemaError as e:
        c.check("vipctl schema is a draft 2020-12 schema", False, str(e)[:300])
        return 1
    with open("docs/cluster.schema.json") as f:
        c.check("docs/cluster.schema.json is vipctl schema's output", f.read() == out,
                "regenerate: vipctl schema > docs/cluster.schema.json")
    v = cls(schema)
    check_durations(c, schema)
    for path in sorted(glob.glob("examples/*.yaml") + glob.glob("docs/examples/*.yaml")):
        errs = errors_of(v, load_yaml(path))
        c.check("%s passes the schema" % path, not errs, "; ".join(map(where, errs[:3])))
    seen = set()
    for path in sorted(glob.glob("tests/bad/*.yaml")):
        name = os.path.basename(path)[:-5]
        seen.add(name)
        try:
            doc = load_yaml(path)
        except yaml.YAMLError as e:
            c.check("%s: YAML error, listed as not schema-level" % name,
                    name in NOT_SCHEMA_LEVEL, "unreadable YAML: %s" % str(e).splitlines()[0])
            continue
        errs = errors_of(v, doc)
        if name in REFUSED_ANYWAY:
            c.check("%s fails the schema (%s)" % (name, REFUSED_ANYWAY[name]), bool(errs),
                    "passes, yet listed in REFUSED_ANYWAY")
        elif name in NOT_SCHEMA_LEVEL:
            c.check("%s passes the schema (%s)" % (name, NOT_SCHEMA_LEVEL[name]), not errs,
                    "refused, yet listed as not schema-level: " +
                    "; ".join(map(where, errs[:3])))
        else:
            c.check("%s fails the schema (%s)" % (name, where(errs[0]) if errs else "-"),
                    bool(errs), "passes; a schema-level mistake, or list it in "
                                "NOT_SCHEMA_LEVEL with the reason")
    stale = sorted(set(NOT_SCHEMA_LEVEL) - seen)
    c.check("NOT_SCHEMA_LEVEL names only files of tests/bad", not stale, ", ".join(stale))
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
