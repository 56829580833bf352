"""The lab of the service-check, sync-group and hook tests
(test_service_checks.py, test_sync_groups.py, bench/checks/run.py):
vrrp_topo.py's nodes ``a`` and ``b`` and ``client`` on ``br0`` (eth0),
plus a second segment ``br1`` (eth1: 203.0.113.0/24, 2001:db8:1::/64)
that every one of them is on as well, standing for a second VLAN (this
kernel has no 802.1Q; a VLAN is a segment to VRRP, which is all the sync
group sees). Each node runs a small HTTP server on 127.0.0.1:8080 in its
own namespace (the service the checks watch), which the test can stop and
start again.
"""

import json
import os
import signal
import socket
import sys
import time

from lab import addr, bridge, veth, wait_until
from vrrp_topo import Cluster

ETH1_ADDR = {"a": "203.0.113.11", "b": "203.0.113.12", "client": "203.0.113.100"}
VIP0 = "192.0.2.150/24"
VIP1 = "203.0.113.150/24"
HTTP_PORT = 8080

# The service: GET /health answers 200 while the file "healthy" exists in
# its directory, 503 otherwise; it never blocks.
HTTP_SERVER = r"""
import http.server, os, sys
root = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = os.path.exists(os.path.join(root, "healthy"))
        self.send_response(200 if ok else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), H).serve_forever()
"""


def svc_config(checks, track, groups="", hooks="", interval="100ms", eth1=True,
               method="vrrp", preempt=True):
    """A cluster file: eth0 (and eth1) with one master-slot VIP each."""
    eth1_text = ""
    if eth1:
        eth1_text = f"""  eth1:
    type: ethernet
    addresses:
      a: [{ETH1_ADDR['a']}/24]
      b: [{ETH1_ADDR['b']}/24]
    vips:
      master: [{{address: "{VIP1}", clusterIpMethod: {method}}}]
"""
    return f"""cluster:
  name: svclab
  nodes: [a, b]
  vrrp: {{version: 3, advert_interval: {interval}, preempt: {'true' if preempt else 'false'}, priority: {{preferred: 200, other: 100}}{', track: ' + track if track else ''}}}
  garp: {{count: 3, interval: 100ms}}
{hooks}checks:
{checks}
{groups}interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [192.0.2.11/24]
      b: [192.0.2.12/24]
    vips:
      master: [{{address: "{VIP0}", clusterIpMethod: {method}}}]
{eth1_text}"""


class SvcCluster(Cluster):
    """vrrp_topo's Cluster with eth1 on br1 and an HTTP service per node."""

    def __init__(self, lab, eth1=True):
        super().__init__(lab)
        self.http = {}
        self.svc_dir = {}
        if eth1:
            ports = []
            for name, ns in self.ns.items():
                port = "q" + name[0] if name != "client" else "qc"
                veth(ns, "eth1", self.sw, port)
                ports.append(port)
                addr(ns, "eth1", f"{ETH1_ADDR[name]}/24")
            bridge(self.sw, "br1", ports, mcast_snooping=0)
        for node in ("a", "b"):
            d = os.path.join(lab.workdir, f"svc-{node}")
            os.makedirs(d, exist_ok=True)
            self.svc_dir[node] = d
            self.ns[node].run(["ip", "link", "set", "lo", "up"])

    def events(self, node, backlog=256, seconds=0.5):
        """The kept events of node (subscribe with a backlog), oldest first."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(seconds)
        s.connect(self.sock(node))
        s.sendall(json.dumps({"cmd": "subscribe", "backlog": backlog}).encode() + b"\n")
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        finally:
            s.close()
        out = []
        for line in data.decode().splitlines():
            obj = json.loads(line)
            if "type" in obj:
                out.append(obj)
        return out

    # -- the service ----------------------------------------------------------

    def http_start(self, node, healthy=True):
        self.set_healthy(node, healthy)
        script = os.path.join(self.lab.workdir, "svc_http.py")
        with open(script, "w") as f:
            f.write(HTTP_SERVER)
        self.http[node] = self.lab.popen(
            self.ns[node], [sys.executable, script, self.svc_dir[node], str(HTTP_PORT)],
            log=f"http-{node}")
        wait_until(lambda: self._http_listens(node), timeout=10, interval=0.05,
                   what=f"the HTTP service on {node}")

    def _http_listens(self, node):
        out = self.ns[node].run(["ss", "-Hltn", f"sport = :{HTTP_PORT}"], check=False)
        return str(HTTP_PORT) in out.stdout

    def http_stop(self, node):
        """The service dies: SIGKILL, its port closed at once."""
        proc = self.http.pop(node)
        t = time.time()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        return t

    def set_healthy(self, node, healthy):
        path = os.path.join(self.svc_dir[node], "healthy")
        if healthy:
            open(path, "w").close()
        elif os.path.exists(path):
            os.unlink(path)

    # -- the second segment ---------------------------------------------------

    def port_down(self, node, segment, down=True):
        """node's switch port on eth0 (segment 0) or eth1 (1) loses its link."""
        port = ("p" if segment == 0 else "q") + node[0]
        self.sw.run(["ip", "link", "set", "dev", port, "down" if down else "up"])

    def client_neigh_mac_on(self, dev, vip):
        ip = vip.split("/")[0]
        out = self.ns["client"].json(["-4", "neigh", "show", "dev", dev, ip])
        return out[0].get("lladdr") if out else None

    def mac_of(self, node, dev):
        return self.ns[node].link(dev)["address"]

    def client_ping_on(self, vip, timeout=2):
        ip = vip.split("/")[0]
        cp = self.ns["client"].run(["ping", "-4", "-n", "-q", "-c", "1", "-W", str(timeout), ip],
                                   check=False, timeout=timeout + 10)
        return cp.returncode == 0

    def reached_on(self, node, vip, dev):
        """The client answers vip through node's MAC on dev."""
        return self.client_ping_on(vip) and self.client_neigh_mac_on(dev, vip) == \
            self.mac_of(node, dev)
