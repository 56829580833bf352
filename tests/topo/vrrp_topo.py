"""The VRRP lab shared by test_vrrp_*.py, test_interop_keepalived.py and
bench/failover/run.py: two nodes ``a`` and ``b`` and a ``client``, each
with ``eth0`` on bridge ``br0`` in a switch namespace ``sw`` (ANCHORS.md's
lab). Node a is 192.0.2.11 / 2001:db8::11, b is .12 / ::12, the client
.100 / ::100. vipd runs inside the node namespaces, where its interface is
``eth0``; keepalived too, with pid files under the lab's work dir.
"""

import ipaddress
import json
import os
import signal
import socket
import struct
import subprocess
import time

from lab import bridge, veth, addr, wait_until
from vipd_env import VIPCTL, VIPD

NODE_ADDR = {
    "a": ("192.0.2.11", "2001:db8::11"),
    "b": ("192.0.2.12", "2001:db8::12"),
}
CLIENT_ADDR = ("192.0.2.100", "2001:db8::100")


def config(vips_master=(), vips_backup=(), version=3, interval="100ms", preempt=True,
           preempt_delay="0s", unicast=True, garp="{count: 3, interval: 100ms}", vrid=None,
           priority=(200, 100)):
    """A cluster file for the lab: eth0 with the communication pair and VIPs."""
    vrrp = (f"{{version: {version}, advert_interval: {interval}, preempt: "
            f"{'true' if preempt else 'false'}, preempt_delay: {preempt_delay}, unicast: "
            f"{'true' if unicast else 'false'}"
            + (f", virtual_router_id: {vrid}" if vrid else "")
            + f", priority: {{preferred: {priority[0]}, other: {priority[1]}}}}}")

    def vlist(v):
        return "[" + ", ".join(f'"{x}"' for x in v) + "]"

    slots = ""
    if vips_master:
        slots += f"      master: {vlist(vips_master)}\n"
    if vips_backup:
        slots += f"      backup: {vlist(vips_backup)}\n"
    return f"""cluster:
  name: vtlab
  nodes: [a, b]
  vrrp: {vrrp}
  garp: {garp}
interfaces:
  eth0:
    type: ethernet
    addresses:
      a: [{NODE_ADDR['a'][0]}/24, "{NODE_ADDR['a'][1]}/64"]
      b: [{NODE_ADDR['b'][0]}/24, "{NODE_ADDR['b'][1]}/64"]
    vips:
{slots}"""


class Cluster:
    """The lab topology and the daemons running in it."""

    def __init__(self, lab, physical_ports=False):
        """physical_ports: each node's eth0 and its switch port share an
        ifindex, so that the kernel batches their carrier events as it does
        a physical NIC's (lab.veth)."""
        self.lab = lab
        self.sw = lab.netns("sw")
        self.ns = {"a": lab.netns("a"), "b": lab.netns("b"), "client": lab.netns("client")}
        ports = []
        for i, (name, ns) in enumerate(self.ns.items()):
            port = "p" + name[0] if name != "client" else "pc"
            veth(ns, "eth0", self.sw, port, index=100 + i if physical_ports else None)
            ports.append(port)
        bridge(self.sw, "br0", ports, mcast_snooping=0)
        for node, (v4, v6) in NODE_ADDR.items():
            addr(self.ns[node], "eth0", f"{v4}/24")
            addr(self.ns[node], "eth0", f"{v6}/64")
        addr(self.ns["client"], "eth0", f"{CLIENT_ADDR[0]}/24")
        addr(self.ns["client"], "eth0", f"{CLIENT_ADDR[1]}/64")
        self.procs = {}
        self.config_path = None

    # -- vipd ---------------------------------------------------------------

    def write_config(self, text, name="cluster.yaml"):
        self.config_path = os.path.join(self.lab.workdir, name)
        with open(self.config_path, "w") as f:
            f.write(text)
        os.chmod(self.config_path, 0o644)  # vipd refuses a file others may write
        return self.config_path

    def sock(self, node):
        return os.path.join(self.lab.workdir, f"vipd-{node}.sock")

    def start(self, node, wait=True, extra=()):
        """Start vipd on ``node``; waits until its control socket answers."""
        proc = self.lab.popen(self.ns[node],
                              [VIPD, "-c", self.config_path, "--node", node,
                               "--control", self.sock(node), "-f", *extra],
                              log=f"vipd-{node}-{len(self.lab.processes)}")
        self.procs[node] = proc
        if wait:
            wait_until(lambda: self._answers(node), timeout=10, interval=0.02,
                       what=f"vipd on {node} to answer")
        return proc

    def _answers(self, node):
        if self.procs[node].poll() is not None:
            raise AssertionError(f"vipd on {node} exited with {self.procs[node].returncode}:\n"
                                 + self.log(node))
        return os.path.exists(self.sock(node)) and self.control(node, "status").get("ok")

    def log(self, node):
        path = getattr(self.procs.get(node), "log_path", None)
        if not path or not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def signal(self, node, sig):
        """Send ``sig`` to vipd on node; returns the wall-clock time (s) it was sent."""
        proc = self.procs[node]
        t = time.time()
        os.kill(proc.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            proc.wait(timeout=10)
        return t

    def control(self, node, cmd):
        """One request on the control socket, straight from Python."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(self.sock(node))
            s.sendall(json.dumps({"cmd": cmd}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            return {}
        finally:
            s.close()
        return json.loads(data) if data.strip() else {}

    def vipctl(self, node, *args, check=True):
        return self.ns[node].run([VIPCTL, "--control", self.sock(node), *args], check=check)

    def status(self, node):
        cp = self.vipctl(node, "status", "-o", "json")
        return json.loads(cp.stdout)

    def instance(self, node, name):
        for inst in self.status(node)["instances"]:
            if inst["name"] == name:
                return inst
        raise KeyError(f"no instance {name} on {node}")

    def state(self, node, name):
        return self.instance(node, name)["state"]

    def wait_state(self, node, name, state, timeout=10):
        wait_until(lambda: self.state(node, name) == state, timeout=timeout, interval=0.02,
                   what=f"{name} on {node} to be {state}")

    # -- kernel views -------------------------------------------------------

    def addrs(self, node):
        """Addresses on eth0 of a node, as "addr/plen" strings."""
        out = self.ns[node].json("addr show dev eth0")
        return {f"{i['local']}/{i['prefixlen']}" for i in out[0]["addr_info"]}

    def mac(self, node):
        return self.ns[node].link("eth0")["address"]

    def client_neigh_mac(self, vip):
        ip = vip.split("/")[0]
        fam = "-6" if ":" in ip else "-4"
        out = self.ns["client"].json([fam, "neigh", "show", "dev", "eth0", ip])
        return out[0].get("lladdr") if out else None

    def client_ping(self, vip, count=1, timeout=2):
        ip = vip.split("/")[0]
        fam = "-6" if ":" in ip else "-4"
        cp = self.ns["client"].run(["ping", fam, "-n", "-q", "-c", str(count), "-W",
                                    str(timeout), ip], check=False, timeout=count * timeout + 10)
        return cp.returncode == 0

    # -- keepalived ---------------------------------------------------------

    def start_keepalived(self, node, conf_text):
        run = os.path.join(self.lab.workdir, f"ka-{node}")
        os.makedirs(run, exist_ok=True)
        conf = os.path.join(run, "keepalived.conf")
        with open(conf, "w") as f:
            f.write(conf_text)
        proc = self.lab.popen(self.ns[node],
                              ["keepalived", "-n", "-l", "-D", "-G", "-P", "-f", conf,
                               "-p", os.path.join(run, "k.pid"), "-r",
                               os.path.join(run, "v.pid"), "-c", os.path.join(run, "c.pid")],
                              log=f"keepalived-{node}-{len(self.lab.processes)}")
        self.procs[node] = proc
        return proc


def keepalived_conf(node, vrid, vips, version=3, interval_s=0.1, priority=100, family=4,
                    state="BACKUP"):
    """A keepalived instance that matches vipd's for the lab's eth0."""
    src = NODE_ADDR[node][0 if family == 4 else 1]
    peer = NODE_ADDR["b" if node == "a" else "a"][0 if family == 4 else 1]
    vip_lines = "\n".join(f"    {v} dev eth0" for v in vips)
    return f"""global_defs {{
  router_id ka-{node}
  script_user root
  enable_script_security
  vrrp_garp_master_repeat 3
}}
vrrp_instance VI_{vrid} {{
  state {state}
  interface eth0
  virtual_router_id {vrid}
  priority {priority}
  advert_int {interval_s}
  version {version}
  unicast_src_ip {src}
  unicast_ttl 255
  unicast_peer {{
    {peer}
  }}
  virtual_ipaddress {{
{vip_lines}
  }}
}}
"""


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def raw_vrrp(src, dst, vrid, priority=250, ttl=255, version=3, interval_cs=10,
             vips=("192.0.2.250",)):
    """A hand-made VRRPv3 IPv4 advert with its IP header (for IP_HDRINCL):
    ``src`` is any address (a forger's advert in the peer's name); it lists
    ``vips`` and claims an interval of ``interval_cs`` centiseconds."""
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    addrs = b"".join(socket.inet_aton(v.split("/")[0]) for v in vips)
    vr = struct.pack("!BBBBHH", (version << 4) | 1, vrid, priority, len(vips), interval_cs,
                     0) + addrs
    c = _csum(s + d + struct.pack("!BBH", 0, 112, len(vr)) + vr)
    vr = vr[:6] + struct.pack("!H", c) + vr[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(vr), 0, 0x4000, ttl, 112, 0, s, d)
    return ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:] + vr


# Sends, from inside a namespace, the packets it is given (repr'd list of
# (bytes, dst)): the one whose index it reads on stdin, acknowledged.
_SENDER = """
import socket, sys
pkts = {pkts!r}
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
print("ready", flush=True)
for line in sys.stdin:
    pkt, dst = pkts[int(line)]
    s.sendto(pkt, (dst, 0))
    print("sent", flush=True)
"""


def send_raw_vrrp(ns, src, dst, vrid, **kw):
    """Send one raw_vrrp(src, dst, vrid, **kw) from namespace ``ns`` using a
    helper Python run inside it."""
    ns.run(["python3", "-c", _SENDER.format(pkts=[(raw_vrrp(src, dst, vrid, **kw), dst)])],
           input="0\n")


class Forger:
    """A sender started ahead in namespace ``ns`` with its packets ready
    (a list of (bytes, dst)), so that one goes out within a millisecond of
    :meth:`send` rather than after a Python start-up."""

    def __init__(self, lab, ns, pkts):
        self.proc = lab.popen(ns, ["python3", "-c", _SENDER.format(pkts=pkts)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def send(self, i):
        self.proc.stdin.write(f"{i}\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "sent"


def ip_of(vip):
    return str(ipaddress.ip_interface(vip).ip)
