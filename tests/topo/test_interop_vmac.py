"""vipd with vrrp.virtual_mac against two independent peers on node b,
VRRPv3 multicast, IPv4 and IPv6 (docs/vmac.md):

- Debian's FRR vrrpd (with zebra), run in node b's namespace with its
  configuration in the lab's work dir. FRR does not make its macvlans: the
  test creates one per family with the RFC 5798 MAC, the VIP on it, as FRR's
  documentation asks; FRR keeps the backup's in protodown.
- keepalived with use_vmac (it makes its own macvlan).

Each: one master elected (vipd, priority 200), TERM handover, preempt back,
SIGKILL takeover; the client reaches the VIP throughout and its neighbour
entry for it is the virtual MAC after each step, as learnt and when asked
afresh (no node answers for the VIP with its own MAC)."""

import os
import re
import shutil
import signal
import subprocess

import pytest

from lab import wait_until
from test_vmac import assert_client_entry, vmac_config
from vrrp_topo import Cluster

FRR = "/usr/lib/frr"
COMPLAINT = re.compile(r"bad|invalid|checksum|mismatch|discard", re.IGNORECASE)

CASES = [pytest.param(4, "192.0.2.200/24", id="ipv4"),
         pytest.param(6, "2001:db8::200/64", id="ipv6")]


def vmac_of(fam, vrid):
    return f"00:00:5e:00:0{1 if fam == 4 else 2}:{vrid:02x}"


def peer_sysctls(c):
    """What vipd sets on its own links, the test sets for the peer's parent:
    each link answers ARP for its own addresses only."""
    for key, value in (("arp_ignore", "1"), ("arp_announce", "2")):
        c.ns["b"].run(["sysctl", "-qw", f"net.ipv4.conf.eth0.{key}={value}"])


class FrrPeer:
    """zebra and vrrpd in node b's namespace, files in the lab's work dir."""

    def __init__(self, c, fam, vrid, vip):
        self.c, self.fam, self.vrid, self.vip = c, fam, vrid, vip
        self.dir = os.path.join(c.lab.workdir, "frr-b")
        os.chmod(c.lab.workdir, 0o711)  # FRR runs as user frr
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o777)
        self.mvl = f"vrrp{fam}-{vrid}"
        self._macvlan()
        with open(os.path.join(self.dir, "zebra.conf"), "w") as f:
            f.write("hostname frr-b\n")
        kw = "ip" if fam == 4 else "ipv6"
        with open(os.path.join(self.dir, "vrrpd.conf"), "w") as f:
            f.write(f"hostname frr-b\ninterface eth0\n vrrp {vrid} version 3\n"
                    f" vrrp {vrid} priority 100\n vrrp {vrid} advertisement-interval 100\n"
                    f" vrrp {vrid} {kw} {vip.split('/')[0]}\n!\n")
        self.zebra = self._daemon("zebra")
        wait_until(lambda: os.path.exists(os.path.join(self.dir, "zserv.api")), timeout=10,
                   what="zebra's socket")
        self.vrrpd = self._daemon("vrrpd")
        c.procs["b"] = self.vrrpd

    def _macvlan(self):
        b = self.c.ns["b"]
        b.run(["ip", "link", "add", self.mvl, "link", "eth0", "type", "macvlan", "mode",
               "bridge"])
        b.run(["ip", "link", "set", self.mvl, "address", vmac_of(self.fam, self.vrid)])
        if self.fam == 6:
            # its own link-local (FRR's adverts come from it), usable at once
            b.run(["ip", "link", "set", self.mvl, "addrgenmode", "random"])
            b.run(["sysctl", "-qw", f"net.ipv6.conf.{self.mvl}.accept_dad=0"])
        b.run(["ip", "addr", "add", self.vip, "dev", self.mvl]
              + (["nodad"] if self.fam == 6 else []))
        b.run(["ip", "link", "set", self.mvl, "up"])

    def _daemon(self, name):
        d = self.dir
        return self.c.lab.popen(
            self.c.ns["b"],
            [os.path.join(FRR, name), "-u", "frr", "-g", "frr", "-f", f"{d}/{name}.conf",
             "-i", f"{d}/{name}.pid", "-z", f"{d}/zserv.api", "--vty_socket", d, "-P", "0",
             "--log", "stdout", "--log-level", "info"],
            log=f"frr-{name}-{len(self.c.lab.processes)}")

    def log(self):
        with open(self.vrrpd.log_path, errors="replace") as f:
            return f.read()

    def state(self):
        fam = f"IPv{self.fam}"
        states = re.findall(rf"\[{fam}\] \w+ -> (\w+)", self.log())
        return states[-1] if states else None

    def kill(self):
        for p in (self.vrrpd, self.zebra):
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=5)


class KeepalivedPeer:
    """keepalived with use_vmac, multicast, in node b's namespace."""

    def __init__(self, c, fam, vrid, vip):
        self.c, self.fam = c, fam
        conf = f"""global_defs {{
  router_id ka-b
  script_user root
  enable_script_security
  vrrp_garp_master_repeat 3
}}
vrrp_instance VI_{vrid} {{
  state BACKUP
  interface eth0
  use_vmac vka{vrid}
  virtual_router_id {vrid}
  priority 100
  advert_int 0.1
  version 3
  virtual_ipaddress {{
    {vip}
  }}
}}
"""
        self.proc = c.start_keepalived("b", conf)
        self.mvl = f"vka{vrid}"

    def log(self):
        return self.c.log("b")

    def state(self):
        states = re.findall(r"Entering (MASTER|BACKUP) STATE", self.log())
        return {"MASTER": "Master", "BACKUP": "Backup"}.get(states[-1]) if states else None

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=5)


def reaches(c, vip):
    return any(c.client_ping(vip, count=1, timeout=1) for _ in range(2))


def run_scenario(lab, fam, vip, make_peer):
    name = f"eth0/master/ipv{fam}/vrrp"
    c = Cluster(lab)
    peer_sysctls(c)
    c.write_config(vmac_config(vip, version=3, unicast=False))
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    vrid = c.instance("a", name)["vrid"]
    mac = vmac_of(fam, vrid)
    peer = make_peer(c, fam, vrid, vip)
    wait_until(lambda: peer.state() == "Backup", timeout=10, what="peer Backup")

    # 1. one master: vipd (200) over the peer (100)
    assert c.state("a", name) == "MASTER"
    assert reaches(c, vip)
    assert_client_entry(c, vip, mac)

    # 2. TERM: priority 0, the peer takes over; the client still reaches the VIP
    c.signal("a", signal.SIGTERM)
    wait_until(lambda: peer.state() == "Master", timeout=5, what="peer Master after TERM")
    wait_until(lambda: reaches(c, vip), timeout=5, what="client reaches the peer")
    assert_client_entry(c, vip, mac)

    # 3. vipd returns and preempts
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    wait_until(lambda: peer.state() == "Backup", timeout=5, what="peer Backup on preempt")
    assert c.instance("a", name)["last_transition"]["cause"] == "preempt"
    wait_until(lambda: reaches(c, vip), timeout=5, what="client reaches vipd again")
    assert_client_entry(c, vip, mac)

    # 4. SIGKILL vipd and its port: the peer takes over after Master_Down
    c.signal("a", signal.SIGKILL)
    c.sw.run(["ip", "link", "set", "pa", "down"])
    wait_until(lambda: peer.state() == "Master", timeout=5, what="peer Master after kill")
    wait_until(lambda: reaches(c, vip), timeout=5, what="client reaches the peer after kill")
    assert_client_entry(c, vip, mac)

    # 5. vipd comes back (adopting its link) and the peer dies: vipd holds it
    c.sw.run(["ip", "link", "set", "pa", "up"])
    # a's port forwards again before vipd restarts (the bridge takes a moment)
    wait_until(lambda: c.client_ping("192.0.2.11/24", timeout=1), timeout=10,
               what="a's port forwarding")
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=5)
    peer.kill()
    wait_until(lambda: reaches(c, vip), timeout=5, what="client reaches vipd at the end")
    assert_client_entry(c, vip, mac)

    inst = c.instance("a", name)
    assert sum(inst["counters"]["drops"].values()) == 0, inst["counters"]["drops"]
    assert inst["counters"]["adverts_received"] > 0
    complaints = [l for l in peer.log().splitlines() if COMPLAINT.search(l)]
    assert not complaints, "\n".join(complaints)


@pytest.mark.parametrize("fam,vip", CASES)
def test_vipd_and_frr_vrrpd_share_the_virtual_mac(lab, fam, vip):
    if not os.path.exists(os.path.join(FRR, "vrrpd")):
        pytest.fail("FRR is not installed (apt-get install frr); scripts/install-deps.sh "
                    "installs it", pytrace=False)
    run_scenario(lab, fam, vip, FrrPeer)


@pytest.mark.parametrize("fam,vip", CASES)
def test_vipd_and_keepalived_use_vmac_share_the_virtual_mac(lab, fam, vip):
    if shutil.which("keepalived") is None:
        pytest.fail("keepalived is not installed; scripts/install-deps.sh installs it",
                    pytrace=False)
    if shutil.which("systemctl"):
        subprocess.run(["systemctl", "disable", "--now", "keepalived"], capture_output=True)
    run_scenario(lab, fam, vip, KeepalivedPeer)
