#!/usr/bin/env python3
"""Service check CPU benchmark (issue 13): 50 checks (25 process, 25 tcp)
in vipd's probes at 100 ms against the same 50 as keepalived track_scripts
(`killall -0 NAME`, `bash -c '</dev/tcp/127.0.0.1/PORT'`) at keepalived's
fastest interval, 1 s. Same machine, same run, in a namespace of its own.

- vipd: build/bench/svc_load runs the probes of src/check/svc_probe.c in
  one libevent loop (what the daemon's health.c runs): the process probes
  hold a pidfd of the target, the tcp probes connect to a listener in the
  namespace. Its CPU is getrusage of the loop (it forks nothing).
- keepalived: one VRRP instance (BACKUP, on a veth in the namespace)
  tracking the 50 scripts; its CPU is that of its processes and of the
  scripts they forked and reaped (utime + stime + cutime + cstime), over
  the same window after start-up.

usage (root): bench/checks/run.py [--seconds S] [--prefix NAME]
Needs a built svc_load (VIPD_BUILD, default ./build) and keepalived. A
benchmark, not a test: it prints a table and exits 0; the goal is at least
10x less CPU per check at 100 ms than keepalived's per check at 1 s.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("VIPD_BUILD", os.path.join(ROOT, "build"))
TARGET = "svcbench-tgt"  # the process the checks look for (its comm)
PORT = 8099
N = 25  # of each type
LISTENER = """
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", %d))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
""" % PORT


def sh(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def proc_cpu_ticks(pid):
    """utime + stime + cutime + cstime of pid, in clock ticks (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(x) for x in fields[11:15])


def keepalived_pids(main_pid):
    """keepalived's main process and its children (the VRRP process)."""
    pids = [main_pid]
    try:
        with open(f"/proc/{main_pid}/task/{main_pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return pids


def keepalived_conf():
    scripts, names = [], []
    for i in range(N):
        scripts.append(f'vrrp_script p{i} {{\n  script "/usr/bin/killall -0 {TARGET}"\n'
                       "  interval 1\n  fall 3\n  rise 2\n}")
        scripts.append(f"vrrp_script t{i} {{\n  script \"/usr/bin/bash -c '</dev/tcp/127.0.0.1/"
                       f"{PORT}'\"\n  interval 1\n  fall 3\n  rise 2\n}}")
        names += [f"p{i}", f"t{i}"]
    track = "\n".join(f"    {n}" for n in names)
    return ("global_defs {\n  router_id svcbench\n  script_user root\n  enable_script_security\n}\n"
            + "\n".join(scripts) +
            "\nvrrp_instance VI_51 {\n  state BACKUP\n  interface kv0\n  virtual_router_id 51\n"
            "  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    203.0.113.200/24 dev kv0\n"
            f"  }}\n  track_script {{\n{track}\n  }}\n}}\n")


def run_vipd(ns, seconds):
    out = subprocess.run(["ip", "netns", "exec", ns, os.path.join(BUILD, "bench", "svc_load"),
                          TARGET, str(PORT), str(N), "100", str(seconds)],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return {"checks": r["probes"], "interval_s": 0.1, "attempts": r["results"],
            "ok": r["ok"], "cpu_ms": r["cpu_ms"] + r["children_cpu_ms"], "seconds": seconds}


def run_keepalived(ns, tmp, seconds):
    conf = os.path.join(tmp, "keepalived.conf")
    with open(conf, "w") as f:
        f.write(keepalived_conf())
    log = open(os.path.join(tmp, "keepalived.log"), "w")
    ka = subprocess.Popen(["ip", "netns", "exec", ns, "keepalived", "-n", "-l", "-D", "-P",
                           "-f", conf, "-p", os.path.join(tmp, "k.pid"),
                           "-r", os.path.join(tmp, "v.pid")], stdout=log, stderr=log)
    try:
        time.sleep(3)  # start-up, the first round of scripts
        tick = os.sysconf("SC_CLK_TCK")
        pids = keepalived_pids(ka.pid)
        t0 = sum(proc_cpu_ticks(p) for p in pids)
        time.sleep(seconds)
        t1 = sum(proc_cpu_ticks(p) for p in keepalived_pids(ka.pid))
    finally:
        ka.send_signal(signal.SIGTERM)
        try:
            ka.wait(10)
        except subprocess.TimeoutExpired:
            ka.kill()
            ka.wait()
        log.close()
    with open(os.path.join(tmp, "keepalived.log")) as f:
        text = f.read()
    print(f"keepalived: {text.count(' succeeded')} scripts succeeded, "
          f"{text.count(' failed')} failed (its log)")
    return {"checks": 2 * N, "interval_s": 1.0, "attempts": 2 * N * seconds, "ok": None,
            "cpu_ms": (t1 - t0) * 1000.0 / tick, "seconds": seconds, "pids": len(pids)}


def row(name, r):
    per_check_s = r["cpu_ms"] / r["checks"] / r["seconds"]
    per_attempt = r["cpu_ms"] / max(r["attempts"], 1)
    print(f"{name:<11} {r['checks']:>6} {r['interval_s'] * 1000:>8.0f} ms "
          f"{r['cpu_ms'] / r['seconds']:>10.1f} {per_attempt * 1000:>12.0f} "
          f"{per_check_s:>12.3f}")
    return per_check_s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--prefix", default="svcbench", help="of the namespace's name")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (a network namespace)")
        return 0
    if not shutil.which("keepalived"):
        print("keepalived is not installed (scripts/install-deps.sh)")
    ns = f"{args.prefix}-{os.getpid()}"
    tmp = tempfile.mkdtemp(prefix="svcbench-")
    target = listener = None
    try:
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "add", "kv0", "type", "veth", "peer", "name", "kv1")
        sh("ip", "-n", ns, "addr", "add", "203.0.113.1/24", "dev", "kv0")
        sh("ip", "-n", ns, "link", "set", "kv0", "up")
        sh("ip", "-n", ns, "link", "set", "kv1", "up")
        shutil.copy("/bin/sleep", os.path.join(tmp, TARGET))
        target = subprocess.Popen([os.path.join(tmp, TARGET), "3600"])
        listener = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", LISTENER])
        time.sleep(0.5)
        results = {"vipd": run_vipd(ns, args.seconds)}
        if shutil.which("keepalived"):
            results["keepalived"] = run_keepalived(ns, tmp, args.seconds)
        print(f"{'':<11} {'checks':>6} {'interval':>11} {'CPU ms/s':>10} "
              f"{'CPU us/try':>12} {'ms/check/s':>12}")
        per = {name: row(name, r) for name, r in results.items()}
        v = results["vipd"]
        print(f"\nvipd: {v['attempts']} attempts, {v['ok']} ok "
              f"(expected {v['checks'] * v['seconds'] * 10} attempts)")
        if "keepalived" in per and per["vipd"] > 0:
            print(f"CPU per check (keepalived at 1 s / vipd at 100 ms): "
                  f"{per['keepalived'] / per['vipd']:.1f}x (goal: >= 10x)")
    finally:
        for p in (listener, target):
            if p:
                p.kill()
                p.wait()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
