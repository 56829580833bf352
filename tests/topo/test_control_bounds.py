"""The control socket against a careless or hostile local client
(docs/security.md): peer credentials decide who may change the daemon, a
client that floods requests without reading its answers cannot stall the
daemon or grow it without bound, connections are capped, and a --control
path that is not a socket is never removed. Same lab as
test_vrrp_failover.py."""

import json
import os
import socket
import time

from lab import wait_until
from vipd_env import VIPCTL, VIPD
from vrrp_topo import Cluster, config

V4 = "eth0/master/ipv4/vrrp"
VIP4 = "192.0.2.200/24"


def up(lab, sock_a=None, extra=()):
    c = Cluster(lab)
    if sock_a:  # node a listens there; c.control, c.vipctl and c.start follow
        default = c.sock
        c.sock = lambda node: sock_a if node == "a" else default(node)
    c.write_config(config(vips_master=[VIP4]))
    c.start("a", extra=extra)
    c.start("b")
    c.wait_state("a", V4, "MASTER")
    return c


def shared_socket_dir(lab):
    """A directory in the lab's work dir that others may pass through (the
    work dir is root's alone); removed with the lab."""
    d = os.path.join(lab.workdir, "ctl")
    os.makedirs(d, exist_ok=True)
    os.chmod(lab.workdir, 0o711)
    os.chmod(d, 0o711)
    return d


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def as_nobody(cmd):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--init-groups", *cmd]


def test_a_control_group_member_may_read_but_not_change(lab):
    path = os.path.join(shared_socket_dir(lab), "vipd.sock")
    c = up(lab, sock_a=path, extra=("--control-group", "nogroup"))
    st = os.stat(path)
    assert st.st_mode & 0o777 == 0o660 and st.st_gid == 65534
    cp = c.ns["a"].run(as_nobody([VIPCTL, "--control", path, "status", "-o", "json"]))
    assert any(i["name"] == V4 for i in json.loads(cp.stdout)["instances"])
    cp = c.ns["a"].run(as_nobody([VIPCTL, "--control", path, "drain"]), check=False)
    assert cp.returncode != 0
    assert "permission denied" in cp.stdout + cp.stderr
    assert c.state("a", V4) == "MASTER"
    assert "drain refused to uid 65534" in c.log("a")
    # root still may
    assert c.ns["a"].run([VIPCTL, "--control", path, "drain"]).returncode == 0


def test_without_a_control_group_only_root_connects(lab):
    path = os.path.join(shared_socket_dir(lab), "vipd.sock")
    c = up(lab, sock_a=path)
    cp = c.ns["a"].run(as_nobody([VIPCTL, "--control", path, "status"]), check=False)
    assert cp.returncode != 0 and "Permission denied" in cp.stderr


def test_a_client_that_floods_requests_without_reading_does_not_stall_the_daemon(lab,
                                                                               monkeypatch):
    # Under ASan freed memory waits in a quarantine (256 MB) and counts in
    # the RSS: without it the RSS shows what the daemon holds, as in a
    # plain build (where the option is ignored).
    asan = os.environ.get("ASAN_OPTIONS", "")
    monkeypatch.setenv("ASAN_OPTIONS", (asan + ":" if asan else "") + "quarantine_size_mb=0")
    c = up(lab)
    rss_before = rss_kib(c.procs["a"].pid)
    flood = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    flood.connect(c.sock("a"))
    flood.setblocking(False)
    lines = (json.dumps({"cmd": "status"}).encode() + b"\n") * 4096
    pipelined = b""
    deadline = time.time() + 3
    while time.time() < deadline:  # until the kernel's buffers are full
        try:
            n = flood.send(lines)
        except BlockingIOError:
            break
        pipelined += lines[:n]
    sent = pipelined.count(b"\n")  # a cut line waits, unanswered
    assert sent > 100
    # the daemon holds at most OUT_HIGH (256 KiB) of answers for it, not
    # one per request
    time.sleep(0.5)
    assert rss_kib(c.procs["a"].pid) - rss_before < 8 * 1024
    # another client is served at once, and the master keeps advertising
    t = time.time()
    assert c.control("a", "status").get("ok")
    assert time.time() - t < 1.0
    assert c.state("b", V4) == "BACKUP"
    # the flooder gets every answer, in order, once it reads
    flood.setblocking(True)
    flood.settimeout(10)
    got, buf = 0, b""
    while got < sent:
        chunk = flood.recv(1 << 20)
        assert chunk, f"closed after {got} of {sent} answers"
        buf += chunk
        got += chunk.count(b"\n")
    flood.close()
    assert got == sent


def test_connections_are_capped_and_freed(lab):
    c = up(lab)
    held = []
    for _ in range(64):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(c.sock("a"))
        held.append(s)
    extra = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    extra.connect(c.sock("a"))
    extra.settimeout(3)
    assert extra.recv(1) == b"", "the 65th connection was served"
    extra.close()
    wait_until(lambda: "64 clients already" in c.log("a"), timeout=3, what="the refusal logged")
    for s in held:
        s.close()
    wait_until(lambda: c.control("a", "status").get("ok"), timeout=3,
               what="a new client served once the others left")


def test_a_control_path_that_is_not_a_socket_is_never_removed(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP4]))
    victim = os.path.join(lab.workdir, "precious.txt")
    with open(victim, "w") as f:
        f.write("keep me\n")
    cp = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--control", victim, "-f"],
                       check=False)
    assert cp.returncode == 1
    assert "exists and is not a socket: not removed" in cp.stderr
    with open(victim) as f:
        assert f.read() == "keep me\n"
