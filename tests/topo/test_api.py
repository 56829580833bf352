"""vipd's HTTP API (docs/api.md) in the two-node lab of vrrp_topo.py.

- Every answer the tests get is checked against docs/openapi.json (status
  code, content type, JSON schema), and one test asks every operation the
  description has, so the description and the daemon cannot drift apart.
- Reads need no token; without --http-token-file every write is 403, with
  a wrong token 401, and nothing changes either way.
- A drain through the API moves every VIP to the peer (the kernel's
  addresses say so) and an undrain brings them back.
- POST /api/v1/validate returns the diagnostics of a candidate file with
  line and column, the same as `vipctl validate -o json`, and applies
  nothing.
- The event stream delivers a transition within 200 ms of it.

HTTP goes over sockets made inside the node's namespace (setns in a thread
of this process: a namespace is per thread), so timings are the daemon's,
not a Python start-up's. Namespaces are named api15-PID-*.
"""

import ctypes
import http.client
import json
import os
import socket
import threading
import time
import urllib.parse

import jsonschema
import pytest

from lab import Lab, wait_until
from vipd_env import ROOT, VIPCTL, VIPD
from vrrp_topo import Cluster, config

PORT = 9712
TOKEN = "s3cret-token-for-the-api-tests"
V4M, V4B = "eth0/master/ipv4/vrrp", "eth0/backup/ipv4/vrrp"
VIP_M, VIP_B = "192.0.2.200/24", "192.0.2.201/24"
CLONE_NEWNET = 0x40000000

with open(os.path.join(ROOT, "docs", "openapi.json")) as _f:
    OPENAPI = json.load(_f)
ASKED = set()  # (path template, method) of every checked answer


@pytest.fixture
def lab():
    with Lab(prefix=f"api15-{os.getpid()}") as the_lab:
        yield the_lab


# -- HTTP inside a namespace ---------------------------------------------------

def socket_in(ns, host="127.0.0.1", port=PORT, timeout=10, rcvbuf=None):
    """A TCP connection made from inside ``ns`` (setns in a thread);
    ``rcvbuf``: its receive buffer, set before connecting."""
    out = {}

    def work():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                out["err"] = OSError(ctypes.get_errno(), "setns")
                return
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if rcvbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.settimeout(timeout)
            sock.connect((host, port))
            out["sock"] = sock
        except OSError as e:
            out["err"] = e
        finally:
            os.close(fd)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    if "err" in out:
        raise out["err"]
    return out["sock"]


class NsConnection(http.client.HTTPConnection):
    def __init__(self, ns, **kw):
        super().__init__("127.0.0.1", PORT, **kw)
        self.ns = ns

    def connect(self):
        self.sock = socket_in(self.ns, timeout=self.timeout)


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def type(self):
        return self.headers.get("Content-Type", "").split(";")[0]

    def json(self):
        return json.loads(self.body)


def request(ns, method, path, body=None, token=None, headers=None, template=None, check=True):
    """One request; its answer is checked against the description under
    ``template`` (default: path without its query) unless not ``check``."""
    conn = NsConnection(ns, timeout=10)
    hdrs = dict(headers or {})
    if token is not None:
        hdrs["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    ans = Answer(r.status, {k: v for k, v in r.getheaders()}, r.read())
    conn.close()
    if check:
        check_against_openapi(template or path.split("?")[0], method, ans)
    return ans


def metric(ns, name):
    """One sample of GET /metrics by its name (no labels)."""
    for line in request(ns, "GET", "/metrics", check=False).body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def check_against_openapi(template, method, ans):
    op = OPENAPI["paths"][template][method.lower()]
    resp = op["responses"].get(str(ans.status))
    assert resp is not None, f"{method} {template}: {ans.status} is not in docs/openapi.json"
    ASKED.add((template, method.lower()))
    content = resp.get("content")
    if content is None:
        return
    assert ans.type in content, f"{method} {template}: {ans.type} not in {list(content)}"
    if ans.type != "application/json":
        return
    schema = content[ans.type]["schema"]
    resolver = jsonschema.RefResolver("", OPENAPI)
    jsonschema.Draft202012Validator(schema, resolver=resolver).validate(ans.json())


def check_error(ans, status):
    """An answer outside any operation (wrong method, unknown path): still
    the description's Error."""
    assert ans.status == status and ans.type == "application/json"
    body = ans.json()
    jsonschema.Draft202012Validator({"$ref": "#/components/schemas/Error"},
                                    resolver=jsonschema.RefResolver("", OPENAPI)).validate(body)
    assert body["status"] == status


def check_event(ev):
    resolver = jsonschema.RefResolver("", OPENAPI)
    jsonschema.Draft202012Validator({"$ref": "#/components/schemas/Event"},
                                    resolver=resolver).validate(ev)


class Stream:
    """GET /api/v1/events, read in a thread: every event with the wall
    time it arrived."""

    def __init__(self, ns, query=""):
        self.sock = socket_in(ns, timeout=30)
        self.sock.sendall(f"GET /api/v1/events{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.events = []
        self.head = b""
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buf = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            now = time.time()
            buf += data
            if not self.head and b"\r\n\r\n" in buf:
                self.head, buf = buf.split(b"\r\n\r\n", 1)
            # chunked encoding: the event lines are inside the chunks
            for line in buf.split(b"\n"):
                if line.startswith(b"data: "):
                    ev = json.loads(line[6:])
                    with self.lock:
                        if all(e["seq"] != ev["seq"] for e, _ in self.events):
                            self.events.append((ev, now))
            buf = buf[buf.rfind(b"\n") + 1:]

    def wait(self, pred, timeout=5):
        def found():
            with self.lock:
                return next(((e, t) for e, t in self.events if pred(e)), None)
        wait_until(lambda: found() is not None, timeout=timeout, interval=0.01,
                   what="an event on the stream")
        return found()

    def close(self):
        # shutdown first: a close() while the reader thread waits in recv
        # would keep the socket open (and send no FIN) until recv returns
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def event_time(ev):
    """The event's "time" (UTC, ms) as a Unix time."""
    t = time.strptime(ev["time"][:19], "%Y-%m-%dT%H:%M:%S")
    return time.mktime(t) - time.timezone + int(ev["time"][20:23]) / 1000


# -- the lab ---------------------------------------------------------------------

def token_file(lab, text=TOKEN + "\n", mode=0o600, name="http.token"):
    path = os.path.join(lab.workdir, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def up(lab, token_a=True, listen=f"127.0.0.1:{PORT}"):
    """a with the API and a token file, b with a read-only API; a master
    of the master slot, b of the backup slot."""
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP_M], vips_backup=[VIP_B]))
    extra = ["--http", listen]
    c.start("a", extra=extra + (["--http-token-file", token_file(lab)] if token_a else []))
    c.start("b", extra=extra)
    c.wait_state("a", V4M, "MASTER")
    c.wait_state("b", V4B, "MASTER")
    return c


def big_config(n_vlans=500):
    """The lab's eth0, and n_vlans VLANs on an LACP bond, each with both
    slots filled: 2 * n_vlans + 2 instances. The bond and VLANs need not
    exist (this kernel may have neither): their instances wait."""
    vlans = "".join(
        f"  vlan{n}:\n    type: vlan\n    parent: bond0\n    id: {n}\n"
        f"    addresses: {{a: [\"2001:db8:{n:x}::2/64\"], b: [\"2001:db8:{n:x}::3/64\"]}}\n"
        f"    vips: {{master: [\"2001:db8:{n:x}::10/64\"], backup: [\"2001:db8:{n:x}::20/64\"]}}\n"
        for n in range(1, n_vlans + 1))
    return (config(vips_master=[VIP_M], vips_backup=[VIP_B])
            + "  p1: {type: ethernet}\n  p2: {type: ethernet}\n"
            + "  bond0: {type: lacp, members: [p1, p2]}\n" + vlans)


# -- tests -----------------------------------------------------------------------

def test_every_operation_answers_as_the_openapi_description_says(lab):
    c = up(lab)
    a = c.ns["a"]
    ASKED.clear()
    h = request(a, "GET", "/healthz").json()
    assert h == {"status": "ok", "node": "a", "instances": 2, "drained": False,
                 "event_streams": 0}
    status = request(a, "GET", "/api/v1/status").json()
    assert sorted(i["name"] for i in status["instances"]) == sorted(
        i["name"] for i in c.status("a")["instances"])
    name = urllib.parse.quote(V4M, safe="")
    inst = request(a, "GET", f"/api/v1/instances/{name}",
                   template="/api/v1/instances/{name}").json()
    assert inst["name"] == V4M and inst["state"] == "MASTER" and inst["vips_held"]
    miss = request(a, "GET", "/api/v1/instances/eth9%2Fmaster",
                   template="/api/v1/instances/{name}")
    assert miss.status == 404 and "eth9/master" in miss.json()["error"]
    model = request(a, "GET", "/api/v1/model").json()
    shown = json.loads(c.ns["a"].run([VIPCTL, "-c", c.config_path, "--node", "a", "-o",
                                      "json", "show"]).stdout)
    assert model == shown
    desc = request(a, "GET", "/api/v1/openapi.json")
    assert desc.json() == OPENAPI
    page = request(a, "GET", "/")
    assert b"<title>vipd</title>" in page.body
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for f, kind in (("/app.js", "text/javascript"), ("/style.css", "text/css")):
        r = request(a, "GET", f, check=False)
        assert r.status == 200 and r.type == kind, f
    metrics = request(a, "GET", "/metrics")
    assert metrics.status == 200 and b"vipd_instance_state" in metrics.body
    s = Stream(a, "?backlog=3")
    ev, _ = s.wait(lambda e: True)
    check_event(ev)
    s.close()
    ASKED.add(("/api/v1/events", "get"))
    assert request(a, "POST", "/api/v1/drain", token=TOKEN).json() == {"drained": True}
    assert request(a, "POST", "/api/v1/undrain", token=TOKEN).json() == {"drained": False}
    assert request(a, "POST", "/api/v1/reload", token=TOKEN).json() == {"instances": 2}
    v = request(a, "POST", "/api/v1/validate", token=TOKEN,
                body=config(vips_master=[VIP_M]).encode()).json()
    assert v["valid"] is True and v["cluster"] == "vtlab"
    # the errors the description promises, each once
    check_error(request(a, "POST", "/api/v1/status", check=False), 405)
    wrong = request(a, "GET", "/api/v1/drain", check=False)
    check_error(wrong, 405)
    assert wrong.headers["Allow"] == "POST"
    assert request(a, "POST", "/api/v1/drain").status == 401
    assert request(c.ns["b"], "POST", "/api/v1/undrain", token=TOKEN).status == 403
    assert request(a, "POST", "/api/v1/validate", token=TOKEN, body=b"").status == 400
    check_error(request(a, "GET", "/api/v1/nothing", check=False), 404)
    every = {(p, m) for p, ops in OPENAPI["paths"].items() for m in ops}
    assert every <= ASKED, f"not asked: {sorted(every - ASKED)}"


def test_without_a_token_file_the_api_is_read_only(lab):
    c = up(lab, token_a=False, listen=f":{PORT}")  # :PORT is loopback's
    a = c.ns["a"]
    for path in ("/api/v1/drain", "/api/v1/undrain", "/api/v1/reload", "/api/v1/validate"):
        r = request(a, "POST", path, token=TOKEN, body=b"x")
        assert r.status == 403, path
        assert "read-only" in r.json()["error"]
    assert request(a, "GET", "/api/v1/status").status == 200
    head = request(a, "HEAD", "/api/v1/events", check=False)
    assert head.status == 200 and head.type == "text/event-stream" and head.body == b""
    assert "http: API under /api/v1/ (read-only)" in c.log("a")
    st = c.status("a")
    assert not st["drained"] and st["reloads"] == 0
    assert VIP_M in c.addrs("a")


def test_a_wrong_token_is_401_and_changes_nothing(lab):
    c = up(lab)
    a = c.ns["a"]
    for tok in ("wrong-token-wrong-token", TOKEN + "x", TOKEN[:-1], ""):
        r = request(a, "POST", "/api/v1/drain", token=tok)
        assert r.status == 401, tok
        assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    r = request(a, "POST", "/api/v1/drain", headers={"Authorization": "Basic " + TOKEN})
    assert r.status == 401
    r = request(a, "POST", "/api/v1/drain")
    assert r.status == 401
    time.sleep(0.3)
    assert not c.status("a")["drained"]
    assert c.state("a", V4M) == "MASTER" and VIP_M in c.addrs("a")
    assert "bad token" in c.log("a")


def test_drain_via_the_api_moves_the_vips_and_undrain_brings_them_back(lab):
    c = up(lab)
    a = c.ns["a"]
    assert request(a, "POST", "/api/v1/drain", token=TOKEN).json() == {"drained": True}
    wait_until(lambda: VIP_M in c.addrs("b") and VIP_M not in c.addrs("a"), timeout=3,
               interval=0.02, what="the master slot's VIP to move to b")
    assert VIP_B in c.addrs("b")
    assert c.status("a")["drained"]
    assert request(a, "GET", "/healthz").json()["drained"] is True
    assert request(a, "POST", "/api/v1/undrain", token=TOKEN).json() == {"drained": False}
    wait_until(lambda: VIP_M in c.addrs("a") and VIP_M not in c.addrs("b"), timeout=3,
               interval=0.02, what="the master slot's VIP to come back to a")


def test_validate_returns_the_diagnostics_with_line_and_column_and_applies_nothing(lab):
    c = up(lab)
    a = c.ns["a"]
    bad = config(vips_master=["198.51.100.7/24"]).replace("type: ethernet",
                                                          "type: ethernet\n    mtu: 70000")
    r = request(a, "POST", "/api/v1/validate", token=TOKEN, body=bad.encode(),
                headers={"Content-Type": "application/yaml"})
    assert r.status == 200
    got = r.json()
    assert got["valid"] is False
    path = os.path.join(lab.workdir, "candidate")
    with open(path, "w") as f:
        f.write(bad)
    cli = json.loads(c.ns["a"].run([VIPCTL, "-c", path, "-o", "json", "validate"],
                                   check=False).stdout)
    assert all(d["file"] == "candidate" for d in got["errors"])
    assert [dict(d, file="candidate") for d in cli["errors"]] == got["errors"]
    lines = bad.splitlines()
    at = next(i for i, line in enumerate(lines) if "mtu: 70000" in line)
    mtu = [d for d in got["errors"] if "mtu 70000 out of range" in d["message"]]
    assert [(d["line"], d["col"]) for d in mtu] == [(at + 1, lines[at].index("70000") + 1)]
    assert any("outside every IPv4 subnet" in d["message"] for d in got["errors"])
    st = c.status("a")
    assert st["reloads"] == 0 and st["reload_failures"] == 0
    assert c.instance("a", V4M)["vips"] == [VIP_M]
    yaml_error = request(a, "POST", "/api/v1/validate", token=TOKEN,
                         body=b"cluster: {name: x\n").json()
    assert yaml_error["valid"] is False and yaml_error["errors"][0]["line"] >= 1


def test_reload_via_the_api_refuses_a_broken_file_with_its_errors(lab):
    c = up(lab)
    a = c.ns["a"]
    with open(c.config_path, "a") as f:
        f.write("  eth9: {type: vlan, parent: eth0}\n")
    r = request(a, "POST", "/api/v1/reload", token=TOKEN)
    assert r.status == 422
    body = r.json()
    assert body["status"] == 422 and body["errors"]
    assert all(e.startswith(c.config_path + ":") for e in body["errors"])
    assert c.status("a")["reload_failures"] == 1
    assert c.state("a", V4M) == "MASTER"


def test_the_event_stream_delivers_a_transition_within_200ms(lab):
    c = up(lab)
    s = Stream(c.ns["b"])
    time.sleep(0.3)  # the stream is open before the change
    t0 = time.time()
    assert request(c.ns["a"], "POST", "/api/v1/drain", token=TOKEN).status == 200
    ev, arrived = s.wait(lambda e: e["type"] == "transition" and e["instance"] == V4M
                         and e["to"] == "MASTER", timeout=3)
    s.close()
    check_event(ev)
    delay = arrived - event_time(ev)
    print(f"transition at {ev['time']}, on the stream {delay * 1000:.1f} ms later "
          f"({(arrived - t0) * 1000:.0f} ms after the drain was asked)")
    assert 0 <= delay + 0.002 and delay < 0.2, delay
    assert VIP_M in c.addrs("b")


def test_the_stream_replays_after_last_event_id_and_backlog(lab):
    c = up(lab)
    a = c.ns["a"]
    kept = Stream(a, "?backlog=256")
    first, _ = kept.wait(lambda e: True)
    time.sleep(0.3)
    kept.close()
    seqs = sorted(e["seq"] for e, _ in kept.events)
    assert seqs[0] == 1 and seqs == list(range(1, len(seqs) + 1))
    sock = socket_in(a)
    sock.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {seqs[-2]}"
                 f"\r\n\r\n".encode())
    data = b""
    deadline = time.time() + 3
    while f"id: {seqs[-1]}".encode() not in data and time.time() < deadline:
        data += sock.recv(65536)
    sock.close()
    ids = [int(line[4:]) for line in data.split(b"\n") if line.startswith(b"id: ")]
    assert ids == [seqs[-1]]


def test_a_token_file_others_may_read_is_refused_at_start(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP_M]))
    cases = [(token_file(lab, mode=0o644, name="open"), "may be read or written by others"),
             (token_file(lab, mode=0o640, name="group"), "may be read or written by others"),
             (token_file(lab, text="short\n", name="short"), "at least 16 characters"),
             (os.path.join(lab.workdir, "none"), "No such file")]
    for path, why in cases:
        cp = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--control", c.sock("a"),
                            "--http", f"127.0.0.1:{PORT}", "--http-token-file", path],
                           check=False, timeout=10)
        assert cp.returncode == 1 and why in cp.stderr, (path, cp.stderr)
    cp = c.ns["a"].run([VIPD, "-c", c.config_path, "--node", "a", "--control", c.sock("a"),
                        "--http-token-file", token_file(lab)], check=False, timeout=10)
    assert cp.returncode == 2 and "--http-token-file without --http" in cp.stderr


def test_a_stalled_event_stream_is_dropped_and_the_daemon_serves_on(lab):
    """A client that opens the stream and never reads: its unsent events
    are bounded (256 KiB), then it is dropped; a reading stream loses
    nothing meanwhile and VRRP goes on."""
    c = up(lab)
    a = c.ns["a"]
    stalled = socket_in(a, rcvbuf=4096)
    stalled.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
    live = Stream(a)
    conn = NsConnection(a, timeout=10)
    reloads, t0 = 0, time.time()
    while "fell more than 256 KiB behind" not in c.log("a"):
        assert time.time() - t0 < 60, f"not dropped after {reloads} reloads"
        conn.request("POST", "/api/v1/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        r = conn.getresponse()
        r.read()
        if r.status == 429:
            time.sleep(0.05)
            continue
        assert r.status == 200
        reloads += 1
    conn.close()
    print(f"dropped after {reloads} reloads, {time.time() - t0:.1f} s")
    # the stalled client gets what was sent, then the end of the stream
    stalled.settimeout(5)
    got = 0
    while True:
        data = stalled.recv(65536)
        if not data:
            break
        got += len(data)
    stalled.close()
    assert got < 4 << 20, got
    # the reading stream has every reload event, in order, without a gap
    live.wait(lambda e: e["type"] == "reload" and
              sum(1 for x, _ in live.events if x["type"] == "reload") == reloads, timeout=5)
    seqs = [e["seq"] for e, _ in live.events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    live.close()
    assert request(a, "GET", "/healthz").status == 200
    # the dropped stream's connection is uncounted too (its close callback)
    wait_until(lambda: metric(a, "vipd_http_connections_open") == 1, timeout=3,
               interval=0.05, what="the dropped and the closed streams to be uncounted")
    assert c.state("a", V4M) == "MASTER" and c.state("b", V4B) == "MASTER"


def test_more_than_500_requests_a_second_get_429_and_then_service_resumes(lab):
    c = up(lab)
    a = c.ns["a"]
    conn = NsConnection(a, timeout=10)
    codes = {}
    t0 = time.time()
    for _ in range(3000):
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.status == 429:
            assert r.getheader("Retry-After") == "1"
    took = time.time() - t0
    conn.close()
    print(f"3000 requests in {took:.2f} s: {codes}")
    assert set(codes) <= {200, 429}
    # at most the burst and the refill of the time it took were served
    assert codes.get(200, 0) <= 500 + 500 * took + 5, codes
    assert codes.get(429, 0) > 0, codes
    time.sleep(1.1)
    assert request(a, "GET", "/healthz").status == 200
    assert c.state("a", V4M) == "MASTER" and c.state("b", V4B) == "MASTER"


def test_a_large_candidate_is_parsed_beside_the_loop(lab):
    """POST /api/v1/validate parses in a child: a 1 MiB candidate full of
    mistakes does not hold up the loop, which answers /healthz meanwhile."""
    c = up(lab)
    a = c.ns["a"]
    lines = ["cluster:", "  name: x", "  nodes: [a, b]", "interfaces:"]
    while sum(len(line) + 1 for line in lines) < 1000000:
        lines.append(f"  e{len(lines)}: {{type: ethernet, mtu: 1, zzz: 2}}")
    body = ("\n".join(lines) + "\n").encode()
    done = {}

    def validate():
        t = time.time()
        r = request(a, "POST", "/api/v1/validate", token=TOKEN, body=body)
        done["took"], done["answer"] = time.time() - t, r

    t = threading.Thread(target=validate)
    t.start()
    time.sleep(0.02)
    t0 = time.time()
    assert request(a, "GET", "/healthz").status == 200
    healthz = time.time() - t0
    healthz_done = time.time()
    t.join(timeout=30)
    got = done["answer"].json()
    assert got["valid"] is False and len(got["errors"]) > 40000
    print(f"validate took {done['took'] * 1000:.0f} ms, /healthz meanwhile {healthz * 1000:.1f} ms")
    assert healthz_done < t0 - 0.02 + done["took"], "healthz waited for the validation"
    assert c.state("a", V4M) == "MASTER" and c.state("b", V4B) == "MASTER"


def test_the_api_takes_at_most_its_share_of_the_loop(lab):
    """With a thousand instances a status costs tens of ms: asked for as
    fast as a client can, the API gets 429 once it has had a quarter of
    the loop, and the adverts go on at their interval."""
    c = Cluster(lab)
    c.write_config(big_config())
    c.start("a", extra=["--http", f"127.0.0.1:{PORT}"])
    c.start("b")
    c.wait_state("a", V4M, "MASTER")
    wait_until(lambda: len(c.status("a")["instances"]) == 1002, timeout=10, what="1002 instances")
    sent0 = c.instance("a", V4M)["counters"]["adverts_sent"]
    conn = NsConnection(c.ns["a"], timeout=10)
    codes, t0 = {}, time.time()
    while time.time() - t0 < 3:
        conn.request("GET", "/api/v1/status")
        r = conn.getresponse()
        r.read()
        codes[r.status] = codes.get(r.status, 0) + 1
    took = time.time() - t0
    conn.close()
    sent = c.instance("a", V4M)["counters"]["adverts_sent"] - sent0
    print(f"{took:.1f} s of status requests: {codes}; {sent} adverts sent meanwhile")
    assert codes.get(429, 0) > 0 and codes.get(200, 0) > 0, codes
    assert sent >= int(took / 0.1 * 0.9), sent  # 100 ms adverts, none held up
    assert c.state("b", V4M) == "BACKUP"


def test_streams_whose_clients_went_are_ended_within_a_second_or_two(lab):
    c = up(lab)
    a = c.ns["a"]
    streams = [Stream(a) for _ in range(5)]
    wait_until(lambda: request(a, "GET", "/healthz").json()["event_streams"] == 5, timeout=3,
               interval=0.05, what="5 streams")
    for st in streams[:3]:
        st.close()
    wait_until(lambda: request(a, "GET", "/healthz").json()["event_streams"] == 2, timeout=2.5,
               interval=0.05, what="the 3 closed streams to be ended")
    # the server's connection count (bounds12's cap) follows: 2 streams and
    # the request that reads it
    wait_until(lambda: metric(a, "vipd_http_connections_open") == 3, timeout=2.5,
               interval=0.05, what="the ended streams' connections to be uncounted")
    # the open ones still get events
    assert request(a, "POST", "/api/v1/drain", token=TOKEN).status == 200
    for st in streams[3:]:
        st.wait(lambda e: e["type"] == "drain", timeout=3)
        st.close()
    wait_until(lambda: metric(a, "vipd_http_connections_open") == 1, timeout=2.5,
               interval=0.05, what="every stream's connection to be uncounted")


def test_status_and_model_carry_the_service_checks_as_described(lab):
    """issue 13's fields: status.checks, each instance's tracked checks in
    health.signals.track, the model's checks and tracks; each answer is
    checked against docs/openapi.json by request()."""
    c = Cluster(lab)
    conf = config(vips_master=[VIP_M], vips_backup=[VIP_B])
    conf = conf.replace("other: 100}}", "other: 100}, track: [{check: web, weight: -20}]}")
    conf += "checks:\n  web: {type: tcp, address: 127.0.0.1, port: 1, interval: 200ms}\n"
    c.write_config(conf)
    c.start("a", extra=["--http", f"127.0.0.1:{PORT}"])
    c.wait_state("a", V4M, "MASTER")
    wait_until(lambda: request(c.ns["a"], "GET", "/api/v1/status").json()["checks"][0]["state"]
               == "down", timeout=5, interval=0.1, what="the check to be down")
    st = request(c.ns["a"], "GET", "/api/v1/status").json()
    assert [(x["name"], x["type"], x["users"]) for x in st["checks"]] == [("web", "tcp", 2)]
    inst = next(i for i in st["instances"] if i["name"] == V4M)
    track = inst["health"]["signals"]["track"]
    assert [(t["name"], t["weight"], t["state"]) for t in track] == [("web", -20, "down")]
    model = request(c.ns["a"], "GET", "/api/v1/model").json()
    assert [x["name"] for x in model["checks"]] == ["web"]
    assert model["instances"][0]["track"] == [{"check": "web", "weight": -20}]
    assert model["sync_groups"] == []


def test_more_streams_than_the_servers_64_connections_are_served(lab):
    """The server's connection cap (64 for short requests) makes room for
    the API's 256 event streams: 100 streams at once are all answered, none
    refused, and their connections are uncounted when they go."""
    c = up(lab)
    a = c.ns["a"]
    socks = []
    for _ in range(100):
        s = socket_in(a, timeout=5)
        s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(s)
    for s in socks:
        head = b""
        while b"\r\n\r\n" not in head:
            data = s.recv(4096)
            assert data, "a stream closed before its answer"
            head += data
        assert head.startswith(b"HTTP/1.1 200"), head[:80]
    assert request(a, "GET", "/healthz").json()["event_streams"] == 100
    assert metric(a, "vipd_http_connections_refused_total") == 0
    assert metric(a, "vipd_http_connections_open") == 101
    for s in socks:
        s.shutdown(socket.SHUT_RDWR)
        s.close()
    wait_until(lambda: metric(a, "vipd_http_connections_open") == 1, timeout=3,
               interval=0.05, what="the 100 streams' connections to be uncounted")
