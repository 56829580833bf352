"""vipd's control plane: reload (SIGHUP and `vipctl reload`) that touches
only changed instances, drain/undrain, status output, drop counters,
sd_notify. Same lab as test_vrrp_failover.py."""

import json
import os
import signal
import socket
import subprocess
import time

from lab import wait_until
from vipd_env import VIPCTL, VIPD
from vrrp_topo import NODE_ADDR, Cluster, config, send_raw_vrrp

V4 = "eth0/master/ipv4/vrrp"
V6 = "eth0/master/ipv6/vrrp"
V4B = "eth0/backup/ipv4/vrrp"
VIP4, VIP6, VIP4B, VIP4X = "192.0.2.200/24", "2001:db8::200/64", "192.0.2.201/24", "192.0.2.202/24"


def up(lab, text):
    c = Cluster(lab)
    c.write_config(text)
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    c.wait_state("b", V4, "BACKUP")
    return c


def transitions(c, node):
    return {i["name"]: i["counters"]["transitions"] for i in c.status(node)["instances"]}


def test_reload_of_an_unchanged_file_touches_no_instance(lab):
    c = up(lab, config(vips_master=[VIP4, VIP6], vips_backup=[VIP4B]))
    c.wait_state("b", V4B, "MASTER")
    before = {n: transitions(c, n) for n in "ab"}
    assert c.vipctl("a", "reload").returncode == 0
    c.signal("b", signal.SIGHUP)
    wait_until(lambda: c.status("b")["reloads"] == 1, timeout=5, what="b to reload")
    time.sleep(0.5)
    assert {n: transitions(c, n) for n in "ab"} == before
    assert VIP4 in c.addrs("a") and VIP4B in c.addrs("b")
    assert "3 unchanged" in c.log("a")


def test_reload_adds_a_vip_in_place_without_a_transition(lab):
    c = up(lab, config(vips_master=[VIP4]))
    before = transitions(c, "a")
    c.write_config(config(vips_master=[VIP4, VIP4X]))
    assert c.vipctl("a", "reload").returncode == 0
    assert c.vipctl("b", "reload").returncode == 0
    assert VIP4X in c.addrs("a") and VIP4 in c.addrs("a")
    assert VIP4X not in c.addrs("b")
    assert transitions(c, "a") == before
    assert c.instance("a", V4)["vips"] == [VIP4, VIP4X]
    assert c.client_ping(VIP4X)
    # and out again
    c.write_config(config(vips_master=[VIP4]))
    assert c.vipctl("a", "reload").returncode == 0
    assert VIP4X not in c.addrs("a") and VIP4 in c.addrs("a")
    assert transitions(c, "a") == before


def test_reload_restarts_a_changed_instance_starts_new_and_stops_removed_ones(lab):
    c = up(lab, config(vips_master=[VIP4, VIP6]))
    c.wait_state("a", V6, "MASTER")
    # V4 keeps its parameters, V6 is removed, the backup slot is new
    c.write_config(config(vips_master=[VIP4], vips_backup=[VIP4B]))
    v4_before = c.instance("a", V4)["counters"]["transitions"]
    for n in "ab":
        assert c.vipctl(n, "reload").returncode == 0
    names = {i["name"] for i in c.status("a")["instances"]}
    assert names == {V4, V4B}
    assert VIP6 not in c.addrs("a")
    c.wait_state("b", V4B, "MASTER")
    assert VIP4B in c.addrs("b")
    assert c.instance("a", V4)["counters"]["transitions"] == v4_before
    # a changed parameter (preempt_delay) restarts the instance
    c.write_config(config(vips_master=[VIP4], vips_backup=[VIP4B], preempt_delay="2s"))
    assert c.vipctl("a", "reload").returncode == 0
    assert "changed by the new configuration" in c.log("a")


def test_reload_of_a_bad_file_keeps_running_and_reports_every_error(lab):
    c = up(lab, config(vips_master=[VIP4]))
    good = open(c.config_path).read()
    with open(c.config_path, "w") as f:
        f.write(good.replace("type: ethernet", "type: ethernet\n    mtu: 99999\n    colour: red"))
    cp = c.vipctl("a", "reload", check=False)
    assert cp.returncode == 2
    errors = [l for l in cp.stderr.splitlines() if l.startswith(c.config_path + ":")]
    assert len(errors) >= 2, cp.stderr  # mtu and colour, file:line:col each
    assert all(": error: " in l for l in errors), errors
    assert "mtu 99999" in cp.stderr and "colour" in cp.stderr
    assert c.state("a", V4) == "MASTER"
    assert c.status("a")["reload_failures"] == 1
    c.signal("a", signal.SIGHUP)
    wait_until(lambda: c.status("a")["reload_failures"] == 2, timeout=5, what="SIGHUP reload")
    assert c.state("a", V4) == "MASTER" and VIP4 in c.addrs("a")


def test_drain_moves_every_vip_to_the_peer_and_undrain_brings_them_back(lab):
    c = up(lab, config(vips_master=[VIP4, VIP6]))
    c.wait_state("a", V6, "MASTER")
    out = c.vipctl("a", "drain").stdout
    assert "drained" in out
    c.wait_state("b", V4, "MASTER", timeout=3)
    c.wait_state("b", V6, "MASTER", timeout=3)
    st = c.status("a")
    assert st["drained"] is True
    for inst in st["instances"]:
        assert inst["state"] == "BACKUP" and inst["drained"] is True
        assert inst["priority"] == {"effective": 1, "configured": 200}
        assert inst["last_transition"]["cause"] == "drained"
    assert VIP4 in c.addrs("b") and VIP4 not in c.addrs("a")
    text = c.vipctl("a", "status").stdout
    assert "DRAINED" in text and "1/200" in text
    c.vipctl("a", "undrain")
    c.wait_state("a", V4, "MASTER", timeout=3)
    c.wait_state("a", V6, "MASTER", timeout=3)
    assert c.status("a")["drained"] is False


def test_a_drain_survives_a_restart_of_vipd(lab):
    """docs/operations.md: a drained node that restarts (or crashes and is
    restarted) comes back drained, so maintenance is not undone; undrain
    ends it for good."""
    c = up(lab, config(vips_master=[VIP4]))
    c.vipctl("a", "drain")
    c.wait_state("b", V4, "MASTER", timeout=3)
    state = c.sock("a") + ".drained"
    assert not os.path.exists(c.sock("b") + ".drained")
    assert os.path.exists(state)
    c.signal("a", signal.SIGKILL)
    c.start("a")
    time.sleep(1.0)  # longer than Master_Down_Interval and a preempt
    st = c.status("a")
    assert st["drained"] is True and c.state("a", V4) == "BACKUP"
    assert c.state("b", V4) == "MASTER" and VIP4 not in c.addrs("a")
    assert "starting drained" in c.log("a")
    c.vipctl("a", "undrain")
    c.wait_state("a", V4, "MASTER", timeout=3)
    assert not os.path.exists(state)
    c.signal("a", signal.SIGTERM)
    c.start("a")
    c.wait_state("a", V4, "MASTER", timeout=3)
    assert c.status("a")["drained"] is False


def test_adverts_from_strangers_bad_ttl_or_unknown_vrid_are_dropped_and_counted(lab):
    c = up(lab, config(vips_master=[VIP4]))
    vrid = c.instance("a", V4)["vrid"]
    client = c.ns["client"]
    # a stranger claims priority 250: must not make the master step down
    send_raw_vrrp(client, "192.0.2.100", "192.0.2.11", vrid, priority=250)
    # the peer's address but TTL 64: not from the link
    send_raw_vrrp(client, "192.0.2.12", "192.0.2.11", vrid, priority=250, ttl=64)
    # a VRID nobody runs here
    other = 1 if vrid != 1 else 2
    send_raw_vrrp(client, "192.0.2.12", "192.0.2.11", other)
    time.sleep(0.3)
    inst = c.instance("a", V4)
    assert inst["state"] == "MASTER"
    assert inst["counters"]["drops"]["unknown_peer"] == 1
    assert inst["counters"]["drops"]["bad_ttl"] == 1
    sock = c.status("a")["sockets"][0]
    assert sock["drops"]["unknown_vrid"] == 1


def test_status_table_and_json_describe_each_instance(lab):
    c = up(lab, config(vips_master=[VIP4, VIP6]))
    text = c.vipctl("b", "status").stdout
    assert "INSTANCE" in text and V4 in text and "BACKUP" in text and "192.0.2.11" in text
    st = c.status("a")
    assert st["node"] == "a" and st["cluster"] == "vtlab"
    inst = {i["name"]: i for i in st["instances"]}[V4]
    for key in ("name", "interface", "namespace", "slot", "family", "method", "vrid", "state",
                "priority", "healthy", "health_reason", "vips", "peer", "last_transition",
                "counters"):
        assert key in inst
    assert inst["interface"] == "eth0" and inst["namespace"] is None
    assert inst["peer"] == "192.0.2.12" and inst["vips"] == [VIP4]
    assert inst["last_transition"]["to"] == "MASTER"


def test_sd_notify_ready_then_stopping(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4]))
    path = os.path.join(lab.workdir, "notify.sock")
    rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    rx.bind(path)
    rx.settimeout(5)
    proc = lab.popen(c.ns["a"], [VIPD, "-c", c.config_path, "--node", "a", "--control",
                                 c.sock("a")],
                     env={**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
    got = []
    deadline = time.time() + 5
    while time.time() < deadline and "WATCHDOG=1" not in got:
        got.append(rx.recv(256).decode())
    assert got[0] == "READY=1" and "WATCHDOG=1" in got
    proc.send_signal(signal.SIGTERM)
    while True:
        msg = rx.recv(256).decode()
        if msg != "WATCHDOG=1":
            break
    assert msg == "STOPPING=1"
    assert proc.wait(timeout=5) == 0


def test_bad_config_at_start_exits_2_with_every_error(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4]).replace("type: ethernet",
                                                      "type: ethernet\n    colour: red"))
    cp = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--control", c.sock("a")],
                       check=False)
    assert cp.returncode == 2
    assert "colour" in cp.stderr and c.config_path + ":" in cp.stderr


def test_garp_refresh_runs_while_master_and_stops_when_leaving_master(lab):
    c = up(lab, config(vips_master=[VIP4], garp="{count: 2, interval: 50ms, refresh: 200ms}"))

    def sent():
        return c.instance("a", V4)["counters"]["garp_sent"]

    first = sent()
    wait_until(lambda: sent() >= first + 2, timeout=3, what="GARP refresh rounds")
    c.vipctl("a", "drain")
    c.wait_state("a", V4, "BACKUP", timeout=3)
    stopped = sent()
    time.sleep(0.7)
    assert sent() == stopped, "GARP refresh went on after leaving MASTER"


def proc_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def test_vipd_keeps_only_the_capabilities_it_needs(lab):
    """docs/security.md: CAP_NET_ADMIN (12), CAP_NET_RAW (13) and
    CAP_SYS_ADMIN (21, setns) stay, in the bounding set too; nothing it
    starts can gain more (no_new_privs). It still fails over."""
    c = up(lab, config(vips_master=[VIP4]))
    want = (1 << 12) | (1 << 13) | (1 << 21)
    st = proc_status(c.procs["a"].pid)
    for field in ("CapEff", "CapPrm", "CapBnd"):
        assert int(st[field], 16) == want, f"{field} {st[field]}"
    assert int(st["CapInh"], 16) == 0
    assert st["NoNewPrivs"].strip() == "1"
    c.signal("a", signal.SIGKILL)
    c.wait_state("b", V4, "MASTER", timeout=3)
    assert VIP4 in c.addrs("b")


def test_vipd_refuses_a_file_others_may_write_at_start_and_on_reload(lab):
    """A file writable by group or others decides what root does: vipd
    refuses it with the reason, at start (exit 2) and on reload (the old
    file stays in force and vipctl reload fails visibly)."""
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4]))
    os.chmod(c.config_path, 0o664)
    cp = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--control", c.sock("a"),
                        "-f"], check=False)
    assert cp.returncode == 2
    assert "writable by group or others (mode 0664)" in cp.stderr
    os.chmod(c.config_path, 0o644)
    c.start("a")
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    os.chmod(c.config_path, 0o666)
    cp = c.vipctl("a", "reload", check=False)
    assert cp.returncode != 0
    assert "mode 0666" in cp.stdout + cp.stderr
    assert c.state("a", V4) == "MASTER" and VIP4 in c.addrs("a")


def test_vipd_runs_under_a_bounding_set_like_the_units(lab):
    """Under systemd the unit's CapabilityBoundingSet has taken the rest
    already (no CAP_SETPCAP, no CAP_CHOWN): vipd keeps what it has and
    fails over as usual."""
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4]))
    c.start("b")
    proc = lab.popen(c.ns["a"], ["setpriv", "--bounding-set=-all,+net_admin,+net_raw,+sys_admin",
                                 VIPD, "-c", c.config_path, "--node", "a", "--control",
                                 c.sock("a"), "-f"], log="vipd-a-bounded")
    c.procs["a"] = proc
    wait_until(lambda: c._answers("a"), timeout=10, interval=0.02, what="vipd on a to answer")
    c.wait_state("a", V4, "MASTER")
    st = proc_status(proc.pid)
    want = (1 << 12) | (1 << 13) | (1 << 21)
    assert int(st["CapEff"], 16) == want and int(st["CapBnd"], 16) == want
    c.signal("a", signal.SIGTERM)
    c.wait_state("b", V4, "MASTER", timeout=3)


def test_a_hostile_file_on_reload_is_refused_at_once_and_adverts_go_on(lab):
    """docs/security.md: a 400 KB file nested 200,000 levels deep (which
    libyaml alone would chew on for minutes inside the event loop) is
    refused in milliseconds by vipctl reload; the old file stays in force
    and the master's adverts keep their interval: the backup never takes
    over."""
    c = up(lab, config(vips_master=[VIP4]))
    good = open(c.config_path).read()
    with open(c.config_path, "w") as f:
        f.write("[" * 200000 + "]" * 200000 + "\n")
    sent = c.instance("a", V4)["counters"]["adverts_sent"]
    b_transitions = c.instance("b", V4)["counters"]["transitions"]
    t = time.time()
    cp = c.vipctl("a", "reload", check=False)
    took = time.time() - t
    assert cp.returncode != 0
    assert "nesting deeper than 16 levels" in cp.stdout + cp.stderr
    assert took < 1.0, f"{took:.2f} s"
    time.sleep(1.0)
    assert c.instance("a", V4)["counters"]["adverts_sent"] - sent >= 9  # 100 ms adverts
    assert c.state("a", V4) == "MASTER" and c.state("b", V4) == "BACKUP"
    assert c.instance("b", V4)["counters"]["transitions"] == b_transitions
    with open(c.config_path, "w") as f:
        f.write(good)
    assert c.vipctl("a", "reload").returncode == 0


ADVERT_TIMES = """
import json, socket, struct, sys, time
# every VRRP packet from node a reaching b, with the kernel's arrival time
# (SO_TIMESTAMPNS: a late reader does not make a gap)
SO_TIMESTAMPNS = 35
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.settimeout(0.2)
end = time.time() + float(sys.argv[1])
times = []
while time.time() < end:
    try:
        data, anc, _, (src, _) = s.recvmsg(2048, 256)
    except socket.timeout:
        continue
    for level, kind, val in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and src == sys.argv[2]:
            sec, nsec = struct.unpack("qq", val[:16])
            times.append(sec + nsec / 1e9)
print(json.dumps(times))
"""


def big_config(base, parents=8, vlans=4000):
    """base plus parents x vlans VLAN interfaces with addresses and no VIP:
    4.4 MB that take about 0.4 s to load (vipctl validate, plain build),
    and nothing for the daemon to run."""
    parts = [base]
    for p in range(1, parents + 1):
        parts.append(f"  dum{p}:\n    type: ethernet\n")
        for v in range(1, vlans + 1):
            parts.append(f"  d{p}v{v}:\n    type: vlan\n    parent: dum{p}\n    id: {v}\n"
                         f"    addresses:\n      a: [\"2001:db8:{p}:{v:x}::2/64\"]\n"
                         f"      b: [\"2001:db8:{p}:{v:x}::3/64\"]\n")
    return "".join(parts)


def test_a_long_reload_is_parsed_off_the_loop_and_adverts_keep_their_interval(lab):
    """docs/security.md, docs/architecture.md: a reload reads, validates and
    compiles the file on a worker thread; the loop goes on sending adverts
    at their interval (every gap under 1.5 intervals, as b receives them)
    while the parse takes several intervals, and vipctl reload reports the
    outcome once it is applied. Reloads asked for while one is parsed share
    the next parse: every client gets an answer, and there are fewer
    reloads than requests."""
    base = config(vips_master=[VIP4])
    c = up(lab, base)
    c.write_config(big_config(base))
    sniff = c.ns["b"].popen(["/usr/bin/python3", "-c", ADVERT_TIMES, "4", NODE_ADDR["a"][0]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    t = time.time()
    cp = c.vipctl("a", "reload")
    took = time.time() - t
    assert cp.stdout.startswith("reloaded: "), cp.stdout
    times = json.loads(sniff.communicate(timeout=10)[0])
    window = [x for x in times if t - 0.2 <= x <= t + took + 0.2]
    gaps = [b - a for a, b in zip(window, window[1:])]
    # the parse took long enough that a parse on the loop would show
    assert took > 0.15, f"reload took only {took:.3f} s: the file proves nothing"
    where = [(round(a - t, 3), round(b - a, 3)) for a, b in zip(window, window[1:])]
    parsed = [l for l in c.log("a").splitlines() if "reload: parsed in" in l]
    assert gaps and max(gaps) < 0.15, f"gaps (since the request, length) {where}; {parsed}"
    assert c.status("a")["reloads"] == 1
    assert c.state("a", V4) == "MASTER" and c.state("b", V4) == "BACKUP"

    # five clients and a SIGHUP while a parse runs: all answered, coalesced
    before = c.status("a")["reloads"]
    procs = [c.ns["a"].popen([VIPCTL, "--control", c.sock("a"), "reload"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(5)]
    c.signal("a", signal.SIGHUP)
    outs = [p.communicate(timeout=20) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all("reloaded" in o[0] for o in outs), outs
    wait_until(lambda: not c.status("a").get("reload_in_progress", False), timeout=10,
               what="the last parse")
    done = c.status("a")["reloads"] - before
    assert 1 <= done <= 3, f"{done} reloads for 6 requests"
    assert c.status("a")["reload_failures"] == 0
