"""BFD interop with FRR's bfdd (Debian's frr), issue 16: vipd on node a, bfdd
alone (no zebra: single-hop peers by address need none) on node b of the lab
of tests/topo/vrrp_topo.py, IPv4 and IPv6. The sessions come Up; the timers
are agreed as RFC 5880 6.8.2-6.8.4 say when the two sides ask for different
ones (vipd 10 ms x 3, bfdd 50 ms x 5); a session goes Down when either side
stops."""

import json
import os
import shutil
import signal

import pytest

from lab import wait_until
from vipd_env import VIPCTL  # noqa: F401  (the binaries must exist)
from vrrp_topo import Cluster, NODE_ADDR, config

BFDD = "/usr/lib/frr/bfdd"
VTYSH = shutil.which("vtysh") or "/usr/bin/vtysh"
VIP4, VIP6 = "192.0.2.200/24", "2001:db8::200/64"


class Bfdd:
    """bfdd in a node namespace, with its files in the lab's work dir."""

    def __init__(self, lab, ns, peers, rx_ms=50, tx_ms=50, mult=5):
        self.lab = lab
        self.ns = ns
        self.dir = os.path.join(lab.workdir, "frr")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(lab.workdir, 0o755)  # bfdd runs as user frr
        os.chmod(self.dir, 0o777)
        conf = os.path.join(self.dir, "bfdd.conf")
        lines = ["bfd"]
        for peer, local in peers:
            lines += [f" peer {peer} local-address {local}",
                      f"  receive-interval {rx_ms}",
                      f"  transmit-interval {tx_ms}",
                      f"  detect-multiplier {mult}",
                      " !"]
        with open(conf, "w") as f:
            f.write("\n".join(lines + ["!", ""]))
        os.chmod(conf, 0o644)
        self.proc = lab.popen(ns, [BFDD, "-f", conf, "-i", os.path.join(self.dir, "bfdd.pid"),
                                   "-z", os.path.join(self.dir, "zserv.api"),
                                   "--vty_socket", self.dir,
                                   "--bfdctl", os.path.join(self.dir, "bfdd.sock"),
                                   "-u", "frr", "-g", "frr", "--log", "stdout",
                                   "-A", "127.0.0.1", "-P", "0"], log="bfdd")
        wait_until(lambda: os.path.exists(os.path.join(self.dir, "bfdd.vty")), timeout=10,
                   interval=0.05, what="bfdd's vty socket")

    def peers(self):
        cp = self.ns.run([VTYSH, "--vty_socket", self.dir, "-d", "bfdd", "-c",
                                      "show bfd peers json"], check=False)
        try:
            return {p["peer"]: p for p in json.loads(cp.stdout)}
        except ValueError:
            return {}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


@pytest.fixture
def frr_lab(lab):
    if not os.access(BFDD, os.X_OK):
        pytest.fail(f"{BFDD} is missing: install Debian's frr (scripts/install-deps.sh)",
                    pytrace=False)
    c = Cluster(lab)
    text = config(vips_master=[VIP4, VIP6], interval="1s")
    c.write_config(text.replace("  garp:", "  bfd: {interval: 10ms, multiplier: 3}\n  garp:"))
    (a4, a6), (b4, b6) = NODE_ADDR["a"], NODE_ADDR["b"]
    frr = Bfdd(lab, c.ns["b"], [(a4, b4), (a6, b6)])
    c.start("a")
    return c, frr


def vipd_sessions(c):
    return {s["family"]: s for s in c.status("a")["bfd"]}


def all_up(c, frr):
    (a4, a6) = NODE_ADDR["a"]
    ss, fp = vipd_sessions(c), frr.peers()
    return (len(ss) == 2 and all(s["state"] == "Up" and not s["polling"] for s in ss.values())
            and all(fp.get(a, {}).get("status") == "up" for a in (a4, a6)))


def test_sessions_come_up_with_timers_agreed_as_rfc_5880_says(frr_lab):
    c, frr = frr_lab
    wait_until(lambda: all_up(c, frr), timeout=15, interval=0.1, what="both sessions Up")
    for fam, s in vipd_sessions(c).items():
        # the peer asks for 50 ms: vipd may not send faster (6.8.2, 6.8.7)
        assert s["remote_min_rx_us"] == 50000 and s["remote_min_tx_us"] == 50000
        assert s["remote_multiplier"] == 5
        assert s["tx_interval_us"] == 50000
        # its multiplier x the slower of our RX and its TX (6.8.4)
        assert s["detection_time_us"] == 5 * 50000
        assert sum(s["drops"].values()) == 0, s["drops"]
    for addr in NODE_ADDR["a"]:
        p = frr.peers()[addr]
        # bfdd sees vipd's 10 ms x 3 once the poll sequence told it
        assert p["remote-receive-interval"] == 10
        assert p["remote-transmit-interval"] == 10
        assert p["remote-detect-multiplier"] == 3
        assert p["receive-interval"] == 50 and p["transmit-interval"] == 50


def test_bfdd_stops_vipd_session_goes_down(frr_lab):
    c, frr = frr_lab
    wait_until(lambda: all_up(c, frr), timeout=15, interval=0.1, what="both sessions Up")
    frr.stop()
    wait_until(lambda: all(s["state"] == "Down" for s in vipd_sessions(c).values()),
               timeout=3, interval=0.05, what="vipd's sessions Down")
    for s in vipd_sessions(c).values():
        assert s["flaps"] == 1
        # bfdd says AdminDown when it stops, or falls silent: either way Down
        assert s["diag"] in ("neighbor-down", "detect-expired")


def test_vipd_stops_bfdd_session_goes_down_with_admin_down(frr_lab):
    c, frr = frr_lab
    wait_until(lambda: all_up(c, frr), timeout=15, interval=0.1, what="both sessions Up")
    c.signal("a", signal.SIGTERM)
    wait_until(lambda: all(frr.peers()[a]["status"] == "down" for a in NODE_ADDR["a"]),
               timeout=3, interval=0.05, what="bfdd's sessions down")
    for a in NODE_ADDR["a"]:
        assert frr.peers()[a]["remote-diagnostic"] == "administratively down"
