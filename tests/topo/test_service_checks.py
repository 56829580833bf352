"""Local service checks (issue 13, docs/checks.md) decide where the VIPs
live: svc_topo.py's lab, VRRPv3 at 100 ms, priorities 200/100, node a
prefers the master slot. Each node runs its HTTP service on 127.0.0.1:8080;
the tests stop it, make it answer 503, or give the nodes a process or a
hanging command to watch, and look at `vipctl status -o json`, the
client's neighbour entry and the adverts on the wire."""

import os
import shutil
import socket
import subprocess
import time

import pytest

from lab import wait_until
from svc_topo import VIP0, VIP1, SvcCluster, svc_config
from test_health_gateway import wall

INTERVAL_MS, FALL, RISE, TIMEOUT_MS = 100, 3, 2, 80
SLACK_MS = 250  # scheduling, polling, process exit on a loaded machine
WEB = ('  web: {type: http, url: "http://127.0.0.1:8080/health", expect: 200, '
       f'interval: {INTERVAL_MS}ms, fall: {FALL}, rise: {RISE}}}')
INSTS = ("eth0/master/ipv4/vrrp", "eth1/master/ipv4/vrrp")


def up(lab, checks=WEB, track="[web]", **kw):
    c = SvcCluster(lab)
    for node in ("a", "b"):
        c.http_start(node)
    c.write_config(svc_config(checks, track, **kw))
    c.start("a")
    c.start("b")
    for name in INSTS:
        c.wait_state("a", name, "MASTER")
        c.wait_state("b", name, "BACKUP")
    return c


def holds(c, node, vip):
    ip = vip.split("/")[0]
    return any(a["local"] == ip for i in c.ns[node].json("addr show")
               for a in i.get("addr_info", []))


def check_of(c, node, name):
    for chk in c.status(node)["checks"]:
        if chk["name"] == name:
            return chk
    raise KeyError(name)


def test_service_down_moves_the_vips_and_back_after_rise(lab):
    c = up(lab)
    wait_until(lambda: check_of(c, "a", "web")["state"] == "up", timeout=5, interval=0.05,
               what="web up on a")
    t0 = c.http_stop("a")
    for name in INSTS:
        c.wait_state("b", name, "MASTER", timeout=5)
        c.wait_state("a", name, "BACKUP", timeout=5)
    for vip, dev in ((VIP0, "eth0"), (VIP1, "eth1")):
        wait_until(lambda: c.reached_on("b", vip, dev), timeout=3, interval=0.05,
                   what=f"{vip} answered by b")
    a = {i["name"]: i for i in c.status("a")["instances"]}
    b = {i["name"]: i for i in c.status("b")["instances"]}
    for name in INSTS:
        inst = a[name]
        assert inst["health"]["healthy"] is False
        assert inst["health"]["reason"].startswith("check web: "), inst["health"]
        assert f"({FALL}/{FALL} probes)" in inst["health"]["reason"]
        assert inst["last_transition"]["cause"] == "unhealthy"
        track = inst["health"]["signals"]["track"]
        assert [t["name"] for t in track] == ["web"] and track[0]["weight"] is None
        assert track[0]["state"] == "down"
        # fall x interval (+ the refused connect's own time) to decide, then
        # the peer takes over at once on the resignation
        took = (wall(b[name]["last_transition"]["time"]) - t0) * 1000
        assert took <= FALL * INTERVAL_MS + TIMEOUT_MS + SLACK_MS, f"{name}: {took:.0f} ms"
        assert b[name]["last_transition"]["cause"] == "peer-resigned"
    chk = check_of(c, "a", "web")
    assert chk["type"] == "http" and chk["failures"] >= FALL and chk["users"] == 2
    metrics = c.vipctl("a", "metrics").stdout
    assert 'vipd_check_up{check="web",type="http"} 0' in metrics
    ev = [e for e in c.events("a") if e["type"] in ("check", "health")]
    # the check's change first, then the health of both instances tracking it
    assert ev[-3]["type"] == "check" and ev[-3]["check"] == "web", ev[-3:]
    assert ev[-3]["state"] == "down" and ev[-3]["check_type"] == "http"
    assert {e["instance"] for e in ev[-2:] if e["type"] == "health"} == set(INSTS)
    assert 'vipd_check_failures_total{check="web",type="http"} ' in metrics

    # back: rise x interval, then a preempts with its full announcement
    t1 = time.time()
    c.http_start("a")
    for name in INSTS:
        c.wait_state("a", name, "MASTER", timeout=5)
    a = {i["name"]: i for i in c.status("a")["instances"]}
    for name in INSTS:
        took = (wall(a[name]["last_transition"]["time"]) - t1) * 1000
        assert took >= (RISE - 1) * INTERVAL_MS, f"{name}: back after {took:.0f} ms"
        assert a[name]["last_transition"]["cause"] == "preempt"
    for vip, dev in ((VIP0, "eth0"), (VIP1, "eth1")):
        wait_until(lambda: c.reached_on("a", vip, dev), timeout=3, interval=0.05,
                   what=f"{vip} answered by a again")


def test_weighted_check_lowers_priority_without_resigning(lab):
    c = up(lab, track="[{check: web, weight: -120}]")
    c.set_healthy("a", False)  # the service answers 503
    for name in INSTS:
        c.wait_state("b", name, "MASTER", timeout=5)
    a = {i["name"]: i for i in c.status("a")["instances"]}
    for name in INSTS:
        inst = a[name]
        assert inst["state"] == "BACKUP"
        assert inst["health"]["healthy"] is True  # a weight is not a failure
        assert inst["priority"] == {"effective": 80, "configured": 200}
        assert inst["health"]["priority_delta"] == -120
        assert inst["counters"]["resignations"] == 0
        assert inst["last_transition"]["cause"] == "higher-priority"
        assert "-> 503 (expect 200)" in inst["health"]["signals"]["track"][0]["reason"]
    c.set_healthy("a", True)
    for name in INSTS:
        c.wait_state("a", name, "MASTER", timeout=5)
        assert c.instance("a", name)["priority"]["effective"] == 200


def adverts_gaps(c, node, seconds):
    """The largest gap (ms) between VRRP adverts from a that node's kernel
    received on eth0, and how many, over `seconds`: a raw socket in its
    namespace, timed by the kernel at arrival (SO_TIMESTAMPNS), so that
    the sniffer's own scheduling does not count."""
    code = ("import socket,struct,time,sys\n"
            "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,112)\n"
            "s.setsockopt(socket.SOL_SOCKET,35,1)\n"  # 35: SO_TIMESTAMPNS (Linux)
            "s.settimeout(0.5)\n"
            "end=time.monotonic()+float(sys.argv[1]);last=None;gap=0;n=0\n"
            "while time.monotonic()<end:\n"
            "  try: d,anc,fl,a=s.recvmsg(2048,64)\n"
            "  except socket.timeout: continue\n"
            "  if a[0]!='192.0.2.11': continue\n"
            "  t=None\n"
            "  for lvl,typ,val in anc:\n"
            "    if lvl==socket.SOL_SOCKET and typ==35:\n"
            "      sec,ns=struct.unpack('qq',val[:16]);t=sec+ns/1e9\n"
            "  n+=1\n"
            "  if last is not None: gap=max(gap,t-last)\n"
            "  last=t\n"
            "print(int(gap*1000),n)\n")
    out = c.ns[node].run(["python3", "-c", code, str(seconds)], timeout=seconds + 20)
    gap, n = out.stdout.split()
    return int(gap), int(n)


def sleepers(marker):
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return [p for p in out.stdout.split() if p]


def test_hanging_exec_check_is_killed_at_its_timeout_and_adverts_keep_their_interval(lab):
    marker = "3141.5"  # a sleep nobody else runs
    hang = ('  hang: {type: exec, command: [/bin/sleep, "' + marker + '"], '
            'interval: 300ms, timeout: 200ms, fall: 2, rise: 2}')
    c = up(lab, checks=WEB + "\n" + hang, track="[web, {check: hang, weight: -10}]")
    # an exec check as `nobody`: vipd kept CAP_KILL (5), CAP_SETGID (6) and
    # CAP_SETUID (7) beside its three (docs/security.md)
    with open(f"/proc/{c.procs['a'].pid}/status") as f:
        caps = {k: v.strip() for k, v in (line.split(":", 1) for line in f)}
    want = (1 << 5) | (1 << 6) | (1 << 7) | (1 << 12) | (1 << 13) | (1 << 21)
    assert int(caps["CapEff"], 16) == want, caps["CapEff"]
    wait_until(lambda: check_of(c, "a", "hang")["state"] == "down", timeout=5, interval=0.05,
               what="hang judged down on a")
    peak = 0
    for _ in range(10):  # never more than one attempt alive per node
        peak = max(peak, len(sleepers(marker)))
        time.sleep(0.05)
    assert peak <= 2, peak
    gap, n = adverts_gaps(c, "b", 3)
    assert n >= 25, n
    assert gap < 1.5 * INTERVAL_MS, f"largest advert gap {gap} ms"
    chk = check_of(c, "a", "hang")
    assert "timeout" in chk["reason"], chk
    a = c.instance("a", INSTS[0])
    assert a["state"] == "MASTER" and a["priority"]["effective"] == 190
    c.signal("a", 15)
    c.signal("b", 15)
    wait_until(lambda: not sleepers(marker), timeout=3, interval=0.05,
               what="no check process left after vipd stopped")


def test_process_check_follows_a_restarted_process(lab):
    """The lab's nodes share one pid namespace (real nodes do not): each
    node's file names a process of its own (svcproc-a, svcproc-b), so that
    a's check cannot find b's process."""
    c = SvcCluster(lab)
    exe, procs = {}, {}
    for n in ("a", "b"):
        exe[n] = os.path.join(lab.workdir, f"svcproc-{n}")
        os.symlink(shutil.which("sleep"), exe[n])
        procs[n] = lab.popen(c.ns[n], [exe[n], "1000"], log=f"svcproc-{n}")
        chk = (f"  app: {{type: process, name: svcproc-{n}, interval: {INTERVAL_MS}ms, "
               f"fall: {FALL}, rise: {RISE}}}")
        c.write_config(svc_config(chk, "[app]"), name=f"cluster-{n}.yaml")
        c.start(n)
    for name in INSTS:
        c.wait_state("a", name, "MASTER")
    wait_until(lambda: check_of(c, "a", "app")["state"] == "up", timeout=5, interval=0.05,
               what="app up on a")
    pid_before = procs["a"].pid
    procs["a"].kill()
    procs["a"].wait()
    for name in INSTS:
        c.wait_state("b", name, "MASTER", timeout=5)
    assert "svcproc-a" in c.instance("a", INSTS[0])["health"]["reason"]
    procs["a"] = lab.popen(c.ns["a"], [exe["a"], "1000"], log="svcproc-a2")  # a new pid
    assert procs["a"].pid != pid_before
    for name in INSTS:
        c.wait_state("a", name, "MASTER", timeout=5)
    chk = check_of(c, "a", "app")
    assert chk["state"] == "up" and str(procs["a"].pid) in chk["reason"], chk


@pytest.mark.parametrize("closed", ["refused", "filtered"])
def test_tcp_check_in_a_namespace(lab, closed):
    """A tcp check names a namespace of its own: the service lives in
    `svcns` (a namespace the daemon reaches by name), not where vipd runs."""
    c = SvcCluster(lab)
    svc = lab.netns("svcns")
    svc.run(["ip", "link", "set", "lo", "up"])
    listener = lab.popen(svc, ["python3", "-c",
                               "import socket,time\n"
                               "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                               "s.bind(('127.0.0.1',5432));s.listen(64)\n"
                               "while True: c,_=s.accept();c.close()\n"], log="tcp-svc")
    wait_until(lambda: "5432" in svc.run(["ss", "-Hltn"], check=False).stdout, timeout=5,
               interval=0.05, what="the tcp service")
    db = (f"  db: {{type: tcp, address: 127.0.0.1, port: 5432, namespace: {svc.name}, "
          f"interval: {INTERVAL_MS}ms, timeout: {TIMEOUT_MS}ms, fall: {FALL}, rise: {RISE}}}")
    c.write_config(svc_config(db, "[db]"))
    c.start("a")
    c.start("b")
    for name in INSTS:
        c.wait_state("a", name, "MASTER")
    wait_until(lambda: check_of(c, "a", "db")["state"] == "up", timeout=5, interval=0.05,
               what="db up")
    if closed == "refused":
        listener.kill()
        listener.wait()
    else:  # a service that never answers: lo drops everything
        svc.run(["ip", "link", "set", "lo", "down"])
    for node in ("a", "b"):  # both nodes check the one service
        wait_until(lambda: check_of(c, node, "db")["state"] == "down", timeout=5,
                   interval=0.05, what=f"db down on {node}")
        reason = check_of(c, node, "db")["reason"]
        assert "127.0.0.1:5432" in reason, reason
        assert ("refused" in reason) if closed == "refused" else \
            (f"no answer within {TIMEOUT_MS} ms" in reason), reason
    # both unhealthy: the VIPs still have exactly one owner (DESIGN 3)
    time.sleep(1)
    for vip in (VIP0, VIP1):
        owners = [n for n in ("a", "b") if holds(c, n, vip)]
        assert len(owners) == 1, (vip, owners)
