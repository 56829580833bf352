"""Paths and helpers shared by the topology tests that drive vipctl/vipd."""

import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VIPD_BUILD", os.path.join(ROOT, "build"))
VIPCTL = os.path.join(BUILD, "src", "vipctl")
VIPD = os.path.join(BUILD, "src", "vipd")


def write_config(lab, name, text):
    """A config file in the lab's work dir; returns its path."""
    path = os.path.join(lab.workdir, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)  # vipd refuses a file others may write
    return path


def in_netns(ns, argv):
    """``argv`` run in the network namespace of ``ns`` only.

    Not `ip netns exec`: that also enters a private mount namespace, and a
    namespace vipctl creates there (a bind mount under /run/netns) would
    be invisible to everybody else, as it would on no real host.
    """
    return ["nsenter", f"--net=/run/netns/{ns.name}", *argv]


def vipctl(ns, *args, check=True):
    """Run vipctl in namespace ``ns``; returns the CompletedProcess."""
    from lab import host_run
    return host_run(in_netns(ns, [VIPCTL, *args]), check=check, timeout=120)


def vipctl_json(ns, *args):
    cp = vipctl(ns, *args, "-o", "json")
    return json.loads(cp.stdout)


def link_state(ns):
    """Everything apply may change, as comparable data: links and addresses."""
    links = ns.json("-d link show")
    addrs = ns.json("addr show")
    keep = ("ifname", "mtu", "address", "master", "link", "flags", "ifalias", "linkinfo")
    out = {}
    for l in links:
        out[l["ifname"]] = {k: l.get(k) for k in keep}
    for a in addrs:
        out.setdefault(a["ifname"], {})["addr"] = sorted(
            f'{i["local"]}/{i["prefixlen"]}' for i in a.get("addr_info", []))
    return out
