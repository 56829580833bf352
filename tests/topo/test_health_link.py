"""Link checks, VRRP over a dedicated HA link (vrrp.via), and reload with
checks running: the health lab of health_topo.py. Assertions on
`vipctl status -o json` and on which node's MAC the client reaches."""

import datetime
import subprocess
import threading
import time

from health_topo import GW, VIPS, HealthCluster, health_config, inst_name, up_health
from lab import veth, wait_until

SLACK_MS = 250


def wall(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def test_adverts_over_ha_link_service_link_lost_moves_link_vips_and_keeps_vrrp_vips(lab):
    c = up_health(lab, families=(4,), ha_link=True)
    a = c.instances("a")
    for name, inst in a.items():
        assert inst["interface"] == "eth0" and inst["advert_interface"] == "ha0", name
        assert inst["address"] == "198.51.100.11" and inst["peer"] == "198.51.100.12"
    ha = {s["interface"] for s in c.status("a")["sockets"]}
    assert ha == {"ha0"}, ha  # adverts on ha0 only; VIPs and GARP on eth0
    ha_addrs = {i["local"] for i in c.ns["a"].json("addr show dev ha0")[0]["addr_info"]}
    assert not ha_addrs & {v.split("/")[0] for v in VIPS[4].values()}
    for m in ("vrrp", "link", "gw", "link+gw"):
        c.answered_by(VIPS[4][m], "a")

    t0 = time.time()
    c.service_link("a", up=False)
    for m in ("link", "link+gw"):
        name = inst_name(4, m)
        c.wait_state("b", name, "MASTER", timeout=5)
        c.wait_owner(VIPS[4][m], "b")
        c.answered_by(VIPS[4][m], "b")
        inst = c.instances("a")[name]
        assert inst["state"] == "BACKUP"
        assert inst["health"]["reason"].startswith("link eth0 down: "), inst["health"]
        # link+gw: whichever signal failed first made it resign (the gateway
        # probes fail at once too: nothing can be sent without a carrier)
        want = "unhealthy: link eth0 down" if m == "link" else "unhealthy: "
        assert inst["last_transition"]["reason"].startswith(want), inst["last_transition"]
        assert inst["health"]["signals"]["link"]["state"] == "down"
        peer = c.instances("b")[name]
        assert peer["last_transition"]["cause"] == "peer-resigned"
        # no fall/rise on a link: the kernel's event decides; it sends a
        # plain device's carrier loss from its linkwatch work, which runs at
        # most once a second (docs/health.md), then the peer takes over at once
        took = (wall(peer["last_transition"]["time"]) - t0) * 1000
        assert took <= 1000 + SLACK_MS, f"{m}: {took:.0f} ms"
    # gw follows once its probes fail (send errors: the link is down)
    c.wait_state("b", inst_name(4, "gw"), "MASTER", timeout=5)
    sig = c.instances("a")[inst_name(4, "gw")]["health"]["signals"]["gateway"]
    assert sig["state"] == "down" and sig["address"] == GW[4]
    # the vrrp VIP stays: a still advertises over ha0 and b hears it
    time.sleep(0.5)
    name = inst_name(4, "vrrp")
    assert c.state("a", name) == "MASTER" and c.state("b", name) == "BACKUP"
    assert c.instances("b")[name]["master"]["address"] == "198.51.100.11"
    assert c.owner_of(VIPS[4]["vrrp"]) == ["a"]

    # back: the link VIPs return at once (preempt), gw after rise. (The
    # client is not asked: the switch's port forwards only some 300 ms
    # after its carrier returns, and GARPs sent before that are lost;
    # docs/health.md says how garp.count/interval/refresh cover it.)
    c.service_link("a", up=True)
    for m in ("link", "link+gw", "gw"):
        c.wait_state("a", inst_name(4, m), "MASTER", timeout=5)
        c.wait_owner(VIPS[4][m], "a")
    assert c.instances("a")[inst_name(4, "link")]["health"]["reason"] == "healthy"


class LinkMonitor:
    """`ip monitor link` in a namespace; each line stamped when it arrives."""

    def __init__(self, lab, ns):
        self.lines = []
        self.proc = lab.popen(ns, ["ip", "-o", "monitor", "link"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.time(), line))

    def first(self, dev, text, since):
        for t, line in list(self.lines):
            if t >= since and f": {dev}@" in line and text in line:
                return t
        return None


def test_carrier_loss_the_kernel_tells_late_is_found_by_refused_sends(lab):
    """A physical port's carrier loss is not urgent for the kernel: when
    another such event was told less than a second ago it waits for the
    next round, up to 1 s. The lab's ports share their peer's ifindex, which
    makes the kernel treat them so, and a scratch pair flapped just before
    the cut arms the wait. vipd must not wait with it: an advert or a probe
    the link refuses makes it ask the kernel (link_watch_recheck), and the
    instances are in FAULT within an advert interval."""
    c = up_health(lab, families=(4,), physical_ports=True)
    scratch = lab.netns("scratch")
    veth(c.ns["a"], "s0", scratch, "s1", index=120)
    mon = LinkMonitor(lab, c.ns["a"])
    time.sleep(1.2)  # no round of the kernel's is due: the next one is at once

    t_arm = time.time()
    scratch.ip(["link", "set", "s1", "down"])
    wait_until(lambda: mon.first("s0", "NO-CARRIER", t_arm), timeout=2, interval=0.002,
               what="the kernel's round for the scratch port")
    t0 = time.time()  # the kernel's next round is a second away
    c.service_link("a", up=False)
    names = [inst_name(4, m) for m in ("vrrp", "link", "gw", "link+gw")]
    for name in names:
        c.wait_state("a", name, "FAULT", timeout=3)
    told = wait_until(lambda: mon.first("eth0", "NO-CARRIER", t0), timeout=3, interval=0.01,
                      what="the kernel's carrier event for eth0")
    late_ms = (told - t0) * 1000
    assert late_ms >= 400, (f"the kernel told the carrier loss after {late_ms:.0f} ms: "
                            "the test did not make it wait")
    for name in names:
        tr = c.instances("a")[name]["last_transition"]
        assert tr["to"] == "FAULT" and "link eth0 down" in tr["reason"], tr
        took = (wall(tr["time"]) - t0) * 1000
        assert took <= 100 + SLACK_MS, (f"{name}: FAULT after {took:.0f} ms; the kernel "
                                        f"told it after {late_ms:.0f} ms")
    c.service_link("a", up=True)
    for name in names:
        c.wait_state("a", name, "MASTER", timeout=5)


def test_link_lost_without_via_the_peer_takes_everything(lab):
    """Without a separate HA link the adverts die with the service link:
    the peer takes over every VIP after Master_Down_Interval (its
    priority-0 advert cannot get out either). The cut-off node's instances,
    whatever their method, are in FAULT and hold nothing (DESIGN 3): no
    second master on the dead link, so no silent heal when it returns.
    When the link returns the preferred node takes its slot back as usual."""
    c = up_health(lab, families=(4,), methods=("vrrp", "link"))
    c.service_link("a", up=False)
    for m in ("vrrp", "link"):
        c.wait_state("a", inst_name(4, m), "FAULT", timeout=3)
        inst = c.instances("a")[inst_name(4, m)]
        assert not inst["vips_held"] and inst["last_transition"]["cause"] == "link-down"
        assert VIPS[4][m] not in c.addrs("a")
        c.wait_state("b", inst_name(4, m), "MASTER", timeout=5)
        c.answered_by(VIPS[4][m], "b")
    name = inst_name(4, "link")
    wait_until(lambda: not c.instances("a")[name]["health"]["healthy"], timeout=3,
               interval=0.05, what="a's link check to say down")
    assert c.instances("a")[name]["priority"]["effective"] == 1
    c.service_link("a", up=True)
    for m in ("vrrp", "link"):
        c.wait_state("a", inst_name(4, m), "MASTER", timeout=5)
        c.wait_state("b", inst_name(4, m), "BACKUP", timeout=5)
        c.wait_owner(VIPS[4][m], "a")


def test_reload_keeps_check_state_and_replaced_probe_keeps_the_verdict(lab):
    c = up_health(lab, families=(4,), methods=("vrrp", "gw"))
    name = inst_name(4, "gw")
    c.cut_gateway("a", 4)
    c.wait_state("b", name, "MASTER", timeout=5)
    before = c.instances("a")[name]
    sig0 = before["health"]["signals"]["gateway"]
    assert sig0["state"] == "down"

    # 1. an unrelated change (a new VIP of another instance): the check
    #    goes on as it was, the instance is not touched
    text = health_config(families=(4,), methods=("vrrp", "gw"))
    text = text.replace("    vips:\n", '    vips:\n      backup: ["192.0.2.150/24"]\n')
    c.write_config(text)
    c.vipctl("a", "reload")
    c.vipctl("b", "reload")
    after = c.instances("a")[name]
    sig1 = after["health"]["signals"]["gateway"]
    assert sig1["state"] == "down" and sig1["last_change"] == sig0["last_change"]
    assert sig1["changes"] == sig0["changes"]
    assert sig1["probes_sent"] >= sig0["probes_sent"]
    assert after["counters"]["transitions"] == before["counters"]["transitions"]
    assert not after["health"]["healthy"] and after["state"] == "BACKUP"
    assert c.state("b", name) == "MASTER"

    # 2. new gateway_check timing: a new probe, which starts from the old
    #    verdict, so a does not take the VIP back in the meantime
    c.write_config(health_config(families=(4,), methods=("vrrp", "gw"), rise=3))
    c.vipctl("a", "reload")
    c.vipctl("b", "reload")
    inst = c.instances("a")[name]
    assert not inst["health"]["healthy"], inst["health"]
    assert inst["health"]["signals"]["gateway"]["state"] == "down"
    assert inst["health"]["signals"]["gateway"]["rise"] == 3
    time.sleep(0.6)
    inst = c.instances("a")[name]
    assert inst["health"]["signals"]["gateway"]["reason"] == \
        f"gateway {GW[4]} unreachable (3/3 probes)"
    assert inst["counters"]["became_master"] == before["counters"]["became_master"]
    assert c.state("b", name) == "MASTER"

    # 3. the gateway comes back: after rise (now 3) a takes the VIP back
    c.restore_gateway("a", 4)
    c.wait_state("a", name, "MASTER", timeout=5)
    sig = c.instances("a")[name]["health"]["signals"]["gateway"]
    assert sig["reason"] == f"gateway {GW[4]} answers (3/3 probes)"

    # 4. the gw VIP removed from the file: its probe goes away with it
    c.write_config(health_config(families=(4,), methods=("vrrp",)))
    c.vipctl("a", "reload")
    wait_until(lambda: "[check eth0 ipv4]" in c.log("a"), timeout=1)
    assert inst_name(4, "gw") not in c.instances("a")


def test_instance_starting_with_its_link_down_starts_in_fault_at_priority_1(lab):
    c = HealthCluster(lab)
    c.write_config(health_config(families=(4,), methods=("vrrp", "link")))
    c.service_link("b", up=False)
    c.start("b")
    name = inst_name(4, "link")
    wait_until(lambda: not c.instances("b")[name]["health"]["healthy"], timeout=5,
               interval=0.05, what="b's link check to say down")
    inst = c.instances("b")[name]
    assert inst["priority"]["effective"] == 1
    assert inst["health"]["reason"].startswith("link eth0 down")
    assert "unhealthy (link eth0 down" in c.log("b")
    # its advert interface is down too: FAULT, for the vrrp instance as well
    for m in ("vrrp", "link"):
        c.wait_state("b", inst_name(4, m), "FAULT", timeout=3)
    assert not any(VIPS[4][m] in c.addrs("b") for m in ("vrrp", "link"))
