#!/usr/bin/env python3
"""usage: measure.py VIPCTL SMALL.yaml LARGE.yaml [RUNS]

Times `VIPCTL -c FILE validate` on both files (best wall time of RUNS,
default 3; max RSS via /usr/bin/time -v when present, else the child's
rusage), prints them side by side with the goals and exits 1 if one is
missed:
  SMALL (41k VIPs): < 0.5 s and < 100 MB
  LARGE (2x size):  time <= 2.3 x SMALL's time
"""
import json
import os
import re
import subprocess
import sys
import time

GOAL_TIME_S = 0.5
GOAL_RSS_MB = 100.0
GOAL_RATIO = 2.3
GNU_TIME = "/usr/bin/time"


def run_once(vipctl, path):
    """(wall seconds, max RSS in MB) of one validate run."""
    cmd = [vipctl, "-c", path, "validate"]
    use_time = os.access(GNU_TIME, os.X_OK)
    if use_time:
        cmd = [GNU_TIME, "-v"] + cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         universal_newlines=True)
    _, status, rusage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
        else status >> 8
    if p.returncode != 0:
        sys.exit("measure.py: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode,
                                                            err[-2000:]))
    rss_kb = rusage.ru_maxrss
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        if m:
            rss_kb = int(m.group(1))
    return wall, rss_kb / 1024.0


def measure(vipctl, path, runs):
    results = [run_once(vipctl, path) for _ in range(runs)]
    out = subprocess.run([vipctl, "-c", path, "-o", "json", "validate"],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    info = json.loads(out)
    vips = 0
    with open(path) as f:
        for line in f:
            if "address:" in line:
                vips += 1
    return {
        "time": min(r[0] for r in results),
        "rss": max(r[1] for r in results),
        "size": os.path.getsize(path) / 1e6,
        "interfaces": info.get("interfaces"),
        "instances": info.get("instances"),
        "vips": vips,
    }


def main(argv):
    if len(argv) < 4:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    vipctl, small, large = argv[1:4]
    runs = int(argv[4]) if len(argv) > 4 else 3
    a = measure(vipctl, small, runs)
    b = measure(vipctl, large, runs)
    ratio = b["time"] / a["time"] if a["time"] > 0 else float("inf")
    ok_time = a["time"] < GOAL_TIME_S
    ok_rss = a["rss"] < GOAL_RSS_MB
    ok_ratio = ratio <= GOAL_RATIO

    def verdict(ok):
        return "ok" if ok else "MISSED"

    row = "%-22s %14s %14s   %-22s %s"
    print("vipctl validate, best of %d runs (%s)" % (runs, "RSS via " + GNU_TIME + " -v"
          if os.access(GNU_TIME, os.X_OK) else "RSS via rusage"))
    print(row % ("", "1x", "2x", "goal", ""))
    print(row % ("file", "%.1f MB" % a["size"], "%.1f MB" % b["size"], "", ""))
    print(row % ("VIPs", a["vips"], b["vips"], "", ""))
    print(row % ("interfaces", a["interfaces"], b["interfaces"], "", ""))
    print(row % ("VRRP instances", a["instances"], b["instances"], "", ""))
    print(row % ("wall time", "%.3f s" % a["time"], "%.3f s" % b["time"],
                 "1x < %.1f s" % GOAL_TIME_S, verdict(ok_time)))
    print(row % ("max RSS", "%.1f MB" % a["rss"], "%.1f MB" % b["rss"],
                 "1x < %.0f MB" % GOAL_RSS_MB, verdict(ok_rss)))
    print(row % ("time ratio 2x / 1x", "", "%.2f" % ratio, "<= %.1f" % GOAL_RATIO,
                 verdict(ok_ratio)))
    if ok_time and ok_rss and ok_ratio:
        print("all goals met")
        return 0
    print("goal missed")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
