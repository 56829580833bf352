"""The status and metrics answers are streamed (issue 16): with a thousand
instances, `vipctl status -o json`, `vipctl metrics`, GET /metrics and GET
/api/v1/status do not raise vipd's memory by the size of the document.

One node of the lab with big_config(): eth0's two instances and 500 VLANs
on a bond, both slots each, 1002 instances. The bond and VLANs do not
exist, so 1000 instances wait (status lists them whole, with every field);
nothing has to be created in the kernel, and the daemon is up in a second.

- The answers parse and list the 1002 instances, and vipd's peak RSS
  (VmHWM, reset first through /proc/PID/clear_refs) rises by less than
  1 MiB over the whole series (built whole, one status was 1.5 MiB of
  text and about 12 MiB of JSON tree).
- A client that goes mid-answer, on the control socket or HTTP, leaves the
  daemon serving: its connection is uncounted and no memory stays behind.
- A reload applied between two batches of an answer in progress: the
  answer stays one valid document (its instance list ends where the
  reload came, docs/json.md) and the daemon serves the new set.
"""

import http.client
import json
import os
import signal
import socket
import time

import pytest

from lab import Lab, host_run, wait_until
from test_api import NsConnection, PORT, big_config, socket_in
from vipd_env import VIPD
from vrrp_topo import Cluster

N = 1002
BOUND_KIB = 1024
NAME = "vlan7%2Fmaster%2Fipv6%2Fvrrp"


def sanitized():
    """A build with ASan: its allocator keeps what is freed (quarantine),
    so RSS says nothing there; the answers are checked, the bounds not."""
    return "libasan" in host_run(["ldd", VIPD]).stdout


def within(grew_kib, what):
    if sanitized():
        print(f"(ASan build: {what} +{grew_kib} KiB not judged)")
        return
    assert grew_kib < BOUND_KIB, f"{what} grew by {grew_kib} KiB"


@pytest.fixture
def lab():
    with Lab(prefix=f"stmem-{os.getpid()}") as the_lab:
        yield the_lab


def proc_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {key} for {pid}")


def reset_peak(pid):
    """VmHWM := VmRSS (Linux 4.0, proc(5) clear_refs)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def get(ns, path):
    """The body of a GET; a 429 (the API's share of the loop, which a
    build with ASan spends fast) is retried after its Retry-After."""
    for _ in range(30):
        conn = NsConnection(ns, timeout=30)
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        if r.status != 429:
            break
        time.sleep(float(r.getheader("Retry-After", "1")))
    assert r.status == 200, (path, r.status, body[:200])
    return body


def healthz(ns):
    try:
        return json.loads(get(ns, "/healthz"))["instances"]
    except OSError:
        return None


def start(lab, n_vlans=500):
    """vipd on a with the API; ready once /healthz counts every instance
    (no status is asked before the test measures)."""
    c = Cluster(lab)
    c.write_config(big_config(n_vlans))
    proc = c.start("a", wait=False, extra=["--http", f"127.0.0.1:{PORT}"])
    want = 2 * n_vlans + 2
    wait_until(lambda: healthz(c.ns["a"]) == want, timeout=20, interval=0.1,
               what=f"{want} instances")
    return c, proc


def control_raw(c, node, cmd):
    """One request on the control socket; the answer's bytes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(c.sock(node))
    s.sendall(json.dumps({"cmd": cmd}).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def metric(ns, name):
    for line in get(ns, "/metrics").decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def test_status_and_metrics_answers_do_not_grow_memory_with_1000_instances(lab):
    c, proc = start(lab)
    a = c.ns["a"]
    time.sleep(1)  # the start's last frees
    rss0 = proc_kib(proc.pid, "VmRSS")
    reset_peak(proc.pid)
    t0 = time.monotonic()
    for _ in range(5):
        st = json.loads(c.vipctl("a", "status", "-o", "json").stdout)
        assert len(st["instances"]) == N and len({i["name"] for i in st["instances"]}) == N
    ctl = json.loads(control_raw(c, "a", "metrics"))
    assert ctl["ok"] and f"\nvipd_instances {N}\n" in ctl["result"]["text"]
    text = get(a, "/metrics").decode()
    assert text.count("vipd_instance_state{") == 5 * N
    full = json.loads(get(a, "/api/v1/status"))
    brief = json.loads(get(a, "/api/v1/status?counters=false"))
    assert len(full["instances"]) == N and "counters" in full["instances"][0]
    assert len(brief["instances"]) == N and "counters" not in brief["instances"][0]
    assert brief["sockets"] == [] and full["sockets"]
    one = json.loads(get(a, f"/api/v1/instances/{NAME}"))
    assert one["name"] == "vlan7/master/ipv6/vrrp" and one["state"] == "WAITING"
    took = time.monotonic() - t0
    peak, rss = proc_kib(proc.pid, "VmHWM"), proc_kib(proc.pid, "VmRSS")
    print(f"RSS {rss0} KiB before, {rss} KiB after, peak {peak} KiB "
          f"(+{peak - rss0} KiB) over 5 status, 2 metrics, 3 HTTP status: {took:.1f} s")
    within(peak - rss0, "vipd's peak RSS during the answers")
    within(rss - rss0, "vipd's RSS after the answers")


def abandon_control(c, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(c.sock("a"))
    s.sendall(json.dumps({"cmd": cmd}).encode() + b"\n")
    assert s.recv(4096)
    s.close()


def abandon_http(ns, path):
    for _ in range(30):
        s = socket_in(ns)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: vipd\r\n\r\n".encode())
        head = s.recv(4096)
        s.close()
        if not head.startswith(b"HTTP/1.1 429"):
            break
        time.sleep(1)  # its Retry-After (see get)
    assert head.startswith(b"HTTP/1.1 200"), head[:100]


def test_clients_that_go_mid_answer_leave_the_daemon_serving(lab):
    c, proc = start(lab)
    a = c.ns["a"]
    # the first of each kind: the buffers that stay for the next ones
    abandon_control(c, "status")
    abandon_http(a, "/api/v1/status")
    abandon_http(a, "/metrics")
    time.sleep(0.5)
    rss0 = proc_kib(proc.pid, "VmRSS")
    for _ in range(10):
        abandon_control(c, "status")
        abandon_control(c, "metrics")
        abandon_http(a, "/api/v1/status")
        abandon_http(a, "/metrics")
    wait_until(lambda: metric(a, "vipd_http_connections_open") == 1, timeout=15, interval=0.2,
               what="the abandoned answers' connections to be uncounted")
    st = json.loads(c.vipctl("a", "status", "-o", "json").stdout)
    assert len(st["instances"]) == N
    assert len(json.loads(get(a, "/api/v1/status"))["instances"]) == N
    rss = proc_kib(proc.pid, "VmRSS")
    print(f"RSS {rss0} KiB before 40 abandoned answers, {rss} KiB after")
    within(rss - rss0, "vipd's RSS after 40 abandoned answers")
    assert proc.poll() is None


def test_a_reload_between_batches_ends_the_list_and_the_document_stays_whole(lab):
    c, proc = start(lab)
    a = c.ns["a"]
    # a control client that reads slowly: the answer waits, a batch at a
    # time, while the reload is applied (1.5 MB against the socket's
    # ~200 KiB and vipd's 64 KiB)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30)
    s.connect(c.sock("a"))
    s.sendall(b'{"cmd": "status"}\n')
    head = s.recv(32768)
    # the same over HTTP (TCP may take it all into the kernel: the
    # document must be whole either way)
    for _ in range(30):
        h = socket_in(a, rcvbuf=4096, timeout=30)
        h.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: vipd\r\n\r\n")
        resp = http.client.HTTPResponse(h)
        resp.begin()
        if resp.status != 429:  # see get
            break
        h.close()
        time.sleep(1)
    assert resp.status == 200
    hhead = resp.read(32768)
    c.write_config(big_config(100))
    os.kill(proc.pid, signal.SIGHUP)
    wait_until(lambda: healthz(a) == 202, timeout=20, interval=0.1, what="the reload")
    data = head
    while not data.endswith(b"\n"):
        chunk = s.recv(1 << 16)
        assert chunk, "the control answer was cut"
        data += chunk
    s.close()
    doc = json.loads(data)["result"]
    names = [i["name"] for i in doc["instances"]]
    print(f"control: {len(names)} instances listed before the reload ended the list")
    assert 0 < len(names) < N and len(set(names)) == len(names)
    hdoc = json.loads(hhead + resp.read())
    h.close()
    hnames = [i["name"] for i in hdoc["instances"]]
    assert 0 < len(hnames) <= N and len(set(hnames)) == len(hnames)
    st = json.loads(c.vipctl("a", "status", "-o", "json").stdout)
    assert len(st["instances"]) == 202
    assert proc.poll() is None


def raw_http(ns, request):
    """The whole answer to one raw request on a connection of its own."""
    s = socket_in(ns, timeout=30)
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def test_streamed_answers_keep_http_and_the_control_protocol(lab):
    c, proc = start(lab)
    a = c.ns["a"]
    # HEAD: the headers, no body
    head = raw_http(a, b"HEAD /api/v1/status HTTP/1.1\r\nHost: vipd\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n"), head[-200:]
    # HTTP/1.0: no chunks, the body ends with the connection
    old = raw_http(a, b"GET /metrics HTTP/1.0\r\n\r\n")
    status, body = old.split(b"\r\n\r\n", 1)
    assert status.startswith(b"HTTP/1.0 200") or status.startswith(b"HTTP/1.1 200"), status
    assert b"chunked" not in status.lower() and body.count(b"vipd_instance_state{") == 5 * N
    # HTTP/1.1 keep-alive: a second request on the connection after a streamed answer
    conn = NsConnection(a, timeout=30)
    for path in ("/api/v1/status", "/metrics", "/healthz"):
        for _ in range(30):
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status != 429:  # see get
                break
            time.sleep(1)
        assert r.status == 200, (path, r.status)
        if path == "/api/v1/status":
            assert len(json.loads(body)["instances"]) == N
    conn.close()
    # the control socket: requests sent at once are answered in order,
    # each streamed answer whole before the next
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(c.sock("a"))
    s.sendall(b'{"cmd": "status"}\n{"cmd": "metrics"}\n{"cmd": "nope"}\n{"cmd": "status"}\n')
    data = b""
    while data.count(b"\n") < 4:
        chunk = s.recv(1 << 16)
        assert chunk, "the connection closed"
        data += chunk
    s.close()
    answers = [json.loads(line) for line in data.split(b"\n")[:4]]
    assert len(answers[0]["result"]["instances"]) == N
    assert f"\nvipd_instances {N}\n" in answers[1]["result"]["text"]
    assert answers[2] == {"ok": False, "error": "unknown command"}
    assert len(answers[3]["result"]["instances"]) == N
    # a client that shuts its sending side at once (socat, a script)
    # still gets its answers whole, then the daemon closes
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(c.sock("a"))
    s.sendall(b'{"cmd": "status"}\n{"cmd": "metrics"}\n')
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    s.close()
    lines = data.split(b"\n")
    assert len(lines) == 3 and lines[2] == b"", [len(x) for x in lines]
    assert len(json.loads(lines[0])["result"]["instances"]) == N
    assert f"\nvipd_instances {N}\n" in json.loads(lines[1])["result"]["text"]
    assert proc.poll() is None
