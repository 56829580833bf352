#!/usr/bin/env python3
"""Writes 26-too-many-vrids.yaml: more VRRP instances on one segment than
there are VRIDs. 33 macvlans share eth0's wire; each has VIPs in both slots
and all four clusterIpMethods, so 33 * 8 = 264 IPv4 instances need a VRID
on that segment, 9 more than the 255 there are."""
import os

MACVLANS = 33
METHODS = ["vrrp", "link", "gw", "link+gw"]

out = ["cluster:", "  name: lab", "  nodes: [adc1, adc2]", "interfaces:",
       "  eth0: {type: ethernet}"]
for i in range(MACVLANS):
    net = f"10.{i // 200}.{i % 200}"
    out += [f"  mv{i}:",
            "    type: veth",
            "    parent: eth0",
            f"    addresses: {{adc1: [{net}.2/24], adc2: [{net}.3/24]}}",
            f"    gateway: {{ipv4: {net}.1}}",
            "    vips:"]
    for slot, base in (("master", 10), ("backup", 20)):
        vips = ", ".join(f"{{address: {net}.{base + n}/24, clusterIpMethod: {m}}}"
                         for n, m in enumerate(METHODS))
        out.append(f"      {slot}: [{vips}]")

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "26-too-many-vrids.yaml"), "w") as f:
    f.write("\n".join(out) + "\n")
