"""The client's view shared by the failover benchmarks (failover, gateway,
checks): bench/failover/probe.py pings a VIP from the lab's client every
5 ms and records which MAC answered each reply."""

import json
import os
import subprocess

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "failover", "probe.py")


def probe(c, vip_ip, duration):
    """Starts pinging vip_ip for duration seconds; .communicate()[0] is the
    JSON: {"replies": [[time, mac], ...], ...}."""
    return subprocess.Popen(c.ns["client"].argv(
        ["python3", PROBE, vip_ip, str(duration), "0.005"]), stdout=subprocess.PIPE, text=True)


def answered_by(c, vip_ip, mac, seconds=0.3):
    """The last reply within seconds came from mac."""
    out = json.loads(probe(c, vip_ip, seconds).communicate()[0])
    return bool(out["replies"]) and out["replies"][-1][1] == mac
