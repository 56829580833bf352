#!/usr/bin/env python3
"""Writes 26-too-many-vrids.yaml: more VRRP instances on one segment than
there are VRIDs. 33 macvlans share eth0's wire; each has VIPs in both slots
and all four clusterIpMethods, so 33 * 8 = 264 IPv4 instances need a VRID
on that segment, 9 more than the 255 there are.

Addresses are documentation ones only: macvlan i gets the /28 number i % 16
of the /24 number i // 16 below (room for 48), with the gateway at .1, the
nodes at .2 and .3, and its 8 VIPs at .4 to .11 of that /28."""
import os

MACVLANS = 33
METHODS = ["vrrp", "link", "gw", "link+gw"]
NETS = ["192.0.2", "198.51.100", "203.0.113"]
assert MACVLANS <= 16 * len(NETS)

out = ["cluster:", "  name: lab", "  nodes: [adc1, adc2]", "interfaces:",
       "  eth0: {type: ethernet}"]
for i in range(MACVLANS):
    net, base = NETS[i // 16], i % 16 * 16
    out += [f"  mv{i}:",
            "    type: veth",
            "    parent: eth0",
            f"    addresses: {{adc1: [{net}.{base + 2}/28], adc2: [{net}.{base + 3}/28]}}",
            f"    gateway: {{ipv4: {net}.{base + 1}}}",
            "    vips:"]
    for slot, first in (("master", base + 4), ("backup", base + 8)):
        vips = ", ".join(f"{{address: {net}.{first + n}/28, clusterIpMethod: {m}}}"
                         for n, m in enumerate(METHODS))
        out.append(f"      {slot}: [{vips}]")

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "26-too-many-vrids.yaml"), "w") as f:
    f.write("\n".join(out) + "\n")
