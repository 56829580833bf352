"""vipd and Debian's keepalived in one VRRP instance (unicast), VRRPv2 and
v3, IPv4 and IPv6: they elect one master and fail over both ways, and
keepalived logs no protocol complaint about vipd's packets.

keepalived runs in the foreground inside node b's namespace with its pid
files in the lab's work dir; its system service is never involved."""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from lab import wait_until
from vrrp_topo import Cluster, config, keepalived_conf

COMPLAINT = re.compile(r"bad|invalid|checksum|mismatch", re.IGNORECASE)

CASES = [
    # version, family, vipd interval, keepalived advert_int, VIP
    pytest.param(2, 4, "1s", 1, "192.0.2.200/24", id="v2-ipv4"),
    pytest.param(3, 4, "100ms", 0.1, "192.0.2.200/24", id="v3-ipv4"),
    pytest.param(3, 6, "100ms", 0.1, "2001:db8::200/64", id="v3-ipv6"),
]


@pytest.fixture(scope="module", autouse=True)
def keepalived_installed():
    if shutil.which("keepalived") is None:
        pytest.fail("keepalived is not installed (apt-get install keepalived); "
                    "scripts/install-deps.sh installs it", pytrace=False)
    # its packaged service must never run beside the tests
    if shutil.which("systemctl"):
        subprocess.run(["systemctl", "disable", "--now", "keepalived"], capture_output=True)


def ka_log(c):
    return c.log("b")


def ka_states(c):
    return re.findall(r"Entering (MASTER|BACKUP) STATE", ka_log(c))


def ka_state(c):
    states = ka_states(c)
    return states[-1] if states else None


def vipd_master_keepalived_backup(lab, text, name, version, family, ka_int, vip, tmo):
    """vipd on a with the cluster file text, master of instance name; then
    keepalived on b (priority 100, the same VRID), once it is BACKUP."""
    c = Cluster(lab)
    c.write_config(text)
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=tmo)
    vrid = c.instance("a", name)["vrid"]
    c.start_keepalived("b", keepalived_conf("b", vrid, [vip], version=version,
                                            interval_s=ka_int, priority=100, family=family))
    wait_until(lambda: ka_state(c) == "BACKUP", timeout=tmo, what="keepalived BACKUP")
    return c


@pytest.mark.parametrize("version,family,interval,ka_int,vip", CASES)
def test_vipd_and_keepalived_elect_one_master_and_fail_over_both_ways(
        lab, version, family, interval, ka_int, vip):
    name = f"eth0/master/ipv{family}/vrrp"
    tmo = 12 if version == 2 else 4
    c = vipd_master_keepalived_backup(
        lab, config(vips_master=[vip], version=version, interval=interval), name, version,
        family, ka_int, vip, tmo)

    # 1. one master: vipd (200) over keepalived (100)
    assert c.state("a", name) == "MASTER" and ka_state(c) == "BACKUP"
    assert vip in c.addrs("a") and vip not in c.addrs("b")
    assert c.client_ping(vip)

    # 2. vipd stops cleanly (priority 0): keepalived takes over
    c.signal("a", signal.SIGTERM)
    wait_until(lambda: ka_state(c) == "MASTER", timeout=tmo, what="keepalived MASTER")
    wait_until(lambda: vip in c.addrs("b"), timeout=tmo, what=f"{vip} on b")
    assert vip not in c.addrs("a")
    assert "priority 0" in ka_log(c)

    # 3. vipd comes back and preempts keepalived
    c.start("a")
    c.wait_state("a", name, "MASTER", timeout=tmo)
    wait_until(lambda: ka_state(c) == "BACKUP", timeout=tmo, what="keepalived back to BACKUP")
    wait_until(lambda: vip not in c.addrs("b"), timeout=tmo, what=f"{vip} gone from b")
    assert c.instance("a", name)["last_transition"]["cause"] == "preempt"

    # 4. vipd drains: keepalived takes the VIP; keepalived dies: vipd takes it back
    c.vipctl("a", "drain")
    wait_until(lambda: ka_state(c) == "MASTER", timeout=tmo, what="keepalived MASTER on drain")
    c.wait_state("a", name, "BACKUP", timeout=tmo)
    os.killpg(c.procs["b"].pid, signal.SIGKILL)
    c.procs["b"].wait(timeout=5)
    c.wait_state("a", name, "MASTER", timeout=tmo)
    assert c.instance("a", name)["last_transition"]["cause"] == "master-down"

    # vipd accepted every keepalived advert, keepalived none of ours as bad
    inst = c.instance("a", name)
    assert sum(inst["counters"]["drops"].values()) == 0, inst["counters"]["drops"]
    assert inst["counters"]["adverts_received"] > 0
    complaints = [l for l in ka_log(c).splitlines() if COMPLAINT.search(l)]
    assert not complaints, "\n".join(complaints)


# IPv4 frames carry vipd's own header for v2 and v3 alike: one of them
# is enough beside IPv6 (make check's time)
@pytest.mark.parametrize("version,family,interval,ka_int,vip", [CASES[0], CASES[2]])
def test_keepalived_takes_vipds_adverts_sent_as_frames(lab, version, family, interval, ka_int,
                                                       vip):
    """vrrp.packet_socket (docs/vrrp.md): the frames are adverts to a third
    party too. keepalived stays BACKUP while they come, complains of none,
    and takes over once they stop."""
    name = f"eth0/master/ipv{family}/vrrp"
    tmo = 12 if version == 2 else 4
    text = config(vips_master=[vip], version=version, interval=interval)
    c = vipd_master_keepalived_backup(
        lab, text.replace("  vrrp: {", "  vrrp: {packet_socket: true, ", 1), name, version,
        family, ka_int, vip, tmo)
    frames = c.instance("a", name)["counters"]["adverts_as_frames"]
    wait_until(lambda: c.instance("a", name)["counters"]["adverts_as_frames"] >= frames + 3,
               timeout=tmo, what="adverts as frames")
    time.sleep(4 * ka_int)  # past keepalived's master-down interval
    assert ka_states(c) == ["BACKUP"], ka_states(c)
    complaints = [l for l in ka_log(c).splitlines() if COMPLAINT.search(l)]
    assert not complaints, "\n".join(complaints)
    c.signal("a", signal.SIGKILL)
    wait_until(lambda: ka_state(c) == "MASTER", timeout=tmo, what="keepalived MASTER")
