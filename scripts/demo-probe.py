#!/usr/bin/python3
"""Client-side probe for the demo (scripts/demo.sh) and the reload/drain
tests (tests/topo/test_reload_drain.py): pings VIPs and records, from the
Ethernet frame of every echo reply, which node's MAC answered.

Run it inside the client's network namespace, as root. Standard library only.

  demo-probe.py failover TARGET NEW_MAC MAX_SECS [INTERVAL]
      Pings TARGET every INTERVAL (default 0.005 s). Prints "ready MAC" once
      a reply came (MAC of the answering node, or "none" after 3 s without
      one), then waits for SIGUSR1: the moment of the fault. From then on it
      waits for the first reply from NEW_MAC and prints one JSON line:
      {"target", "ms": time from SIGUSR1 to that reply (null: none within
      MAX_SECS), "from_mac": who answered before, "gap_ms": the longest time
      without any reply after the fault, "sent", "answered"}; then exits.

  demo-probe.py count [--interval S] [--warmup W] TARGET...
      Pings every TARGET every S (default 0.01) until SIGINT or SIGTERM, then
      waits 0.5 s for late replies and prints one JSON object: per target
      {"sent", "answered", "lost", "lost_at": [seconds since start of each
      lost request, at most 50], "macs": [[seconds, MAC], ...] each change of
      the answering MAC, "late": replies after more than 0.1 s (held back
      by neighbour resolution), "max_rtt_ms"}. A request counts as lost when
      no reply with its sequence number ever came back. Requests of the first W seconds
      (default 0: none) are not counted: neighbour resolution. "ready" is
      printed when the counting starts.

  demo-probe.py owners [--interval S] [--within SECS] [--stable N] VIP=MAC...
      The demo's convergence check: pings every VIP every S (default 0.02)
      until each has answered its last N requests in a row (default 3) from
      the MAC given for it (the node that should own it), or SECS (default 3)
      have passed. Prints one JSON object: {"ok", "ms": time until it held
      (null: it did not), "window_s": the last 0.5 s or less if it held sooner,
      "vips": per VIP {"expect": MAC, "ok", "answered_by": the MACs that
      answered in that window (empty: nobody), "sent", "answered": requests
      and replies in it}}. Exit 0 when it held, 1 when not.
"""
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
LATE = 0.1  # a reply after this long counts as "late" (queued behind ARP/ND)
PACKET_OUTGOING = 4


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Target:
    """One pinged address: its socket, identifier and what came back."""

    def __init__(self, addr, ident):
        self.addr = addr
        self.v6 = ipaddress.ip_address(addr).version == 6
        self.ident = ident & 0xFFFF
        self.packed = socket.inet_pton(socket.AF_INET6 if self.v6 else socket.AF_INET, addr)
        if self.v6:
            self.sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # we read frames
        self.sock.setblocking(False)
        self.seq = 0
        self.sent_at = {}  # seq -> time sent
        self.replied = set()
        self.rtt = {}  # seq -> seconds
        self.macs = []  # [time, mac] at each change of the answering MAC
        self.last_seq = None  # the request the latest reply answered

    def send(self, now):
        seq = self.seq & 0xFFFF
        kind = 128 if self.v6 else 8
        payload = struct.pack("!d", now) + b"vipd-demo-probe."
        head = struct.pack("!BBHHH", kind, 0, 0, self.ident, seq)
        csum = 0 if self.v6 else checksum(head + payload)  # the kernel sums ICMPv6
        pkt = struct.pack("!BBHHH", kind, 0, csum, self.ident, seq) + payload
        try:
            self.sock.sendto(pkt, (self.addr, 0))
        except OSError:
            pass  # no route or neighbour yet: a lost request like any other
        self.sent_at[self.seq] = now
        self.seq += 1

    def got(self, seq16, mac, now):
        # map the 16-bit sequence back to the latest request that had it
        full = self.seq - 1 - ((self.seq - 1 - seq16) & 0xFFFF)
        if full in self.sent_at and full not in self.replied:
            self.replied.add(full)
            self.last_seq = full
            self.rtt[full] = now - self.sent_at[full]
            if not self.macs or self.macs[-1][1] != mac:
                self.macs.append([now, mac])
            return True
        return False


def parse_reply(frame):
    """(src address bytes, ident, seq) of an ICMP/ICMPv6 echo reply, or None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    if etype == 0x0800 and len(frame) >= 14 + 20 + 8:
        ihl = (frame[14] & 0x0F) * 4
        if frame[14 + 9] != 1:
            return None
        icmp = frame[14 + ihl:14 + ihl + 8]
        if len(icmp) < 8 or icmp[0] != 0:
            return None
        return frame[14 + 12:14 + 16], *struct.unpack("!HH", icmp[4:8])
    if etype == 0x86DD and len(frame) >= 14 + 40 + 8:
        if frame[14 + 6] != 58:
            return None
        icmp = frame[54:62]
        if icmp[0] != 129:
            return None
        return frame[14 + 8:14 + 24], *struct.unpack("!HH", icmp[4:8])
    return None


class Probe:
    def __init__(self, addrs, interval):
        self.interval = interval
        base = os.getpid() << 4
        self.targets = [Target(a, base + i) for i, a in enumerate(addrs)]
        self.by_key = {(t.packed, t.ident): t for t in self.targets}
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.next_tx = time.time()
        self.on_reply = None  # callback(target, mac, now)

    def step(self, until):
        """Send what is due and read replies until `until` (wall time)."""
        while True:
            now = time.time()
            if now >= self.next_tx:
                for t in self.targets:
                    t.send(now)
                self.next_tx += self.interval
                if self.next_tx < now:  # we were stopped: do not burst
                    self.next_tx = now + self.interval
            if now >= until:
                return
            wait = max(0.0, min(self.next_tx, until) - now)
            r, _, _ = select.select([self.rx], [], [], wait)
            if r:
                self.read()

    def read(self):
        while True:
            try:
                frame, addr = self.rx.recvfrom(2048, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            if addr[2] == PACKET_OUTGOING:
                continue
            got = parse_reply(frame)
            if not got:
                continue
            t = self.by_key.get((got[0], got[1]))
            now = time.time()
            mac = frame[6:12].hex(":")
            if t and t.got(got[2], mac, now) and self.on_reply:
                self.on_reply(t, mac, now)


def failover(argv):
    target, new_mac, max_s = argv[0], argv[1].lower(), float(argv[2])
    interval = float(argv[3]) if len(argv) > 3 else 0.005
    probe = Probe([target], interval)
    t = probe.targets[0]
    state = {"mark": None, "first_new": None, "last_reply": None, "gap": 0.0, "before": None}

    def on_usr1(sig, frame):
        state["mark"] = time.time()
        state["last_reply"] = state["mark"]

    def on_reply(tgt, mac, now):
        if state["mark"] is None:
            state["before"] = mac
            return
        state["gap"] = max(state["gap"], now - state["last_reply"])
        state["last_reply"] = now
        if mac == new_mac and state["first_new"] is None:
            state["first_new"] = now

    signal.signal(signal.SIGUSR1, on_usr1)
    probe.on_reply = on_reply
    start = time.time()
    while state["before"] is None and time.time() - start < 3 and state["mark"] is None:
        probe.step(time.time() + 0.01)
    print("ready", state["before"] or "none", flush=True)
    while state["mark"] is None:
        probe.step(time.time() + 0.01)
    sent0 = t.seq
    while state["first_new"] is None and time.time() - state["mark"] < max_s:
        probe.step(min(time.time() + 0.01, state["mark"] + max_s))
    end = state["first_new"] or time.time()
    state["gap"] = max(state["gap"], end - state["last_reply"])
    answered = sum(1 for s in t.replied if s >= sent0)
    ms = None if state["first_new"] is None else round((state["first_new"] - state["mark"]) * 1000, 1)
    print(json.dumps({"target": target, "ms": ms, "from_mac": state["before"],
                      "gap_ms": round(state["gap"] * 1000, 1), "sent": t.seq - sent0,
                      "answered": answered}), flush=True)


def count(argv):
    interval, warmup = 0.01, 0.0
    while argv[:1] in (["--interval"], ["--warmup"]):
        if argv[0] == "--interval":
            interval = float(argv[1])
        else:
            warmup = float(argv[1])
        argv = argv[2:]
    probe = Probe(argv, interval)
    stop = []
    signal.signal(signal.SIGINT, lambda s, f: stop.append(s))
    signal.signal(signal.SIGTERM, lambda s, f: stop.append(s))
    probe.step(time.time() + warmup)
    first = {t.addr: t.seq for t in probe.targets}  # the first counted request
    start = time.time()
    print("ready", flush=True)
    while not stop:
        probe.step(time.time() + 0.05)
    probe.next_tx = time.time() + 1e9  # no more requests; collect the late replies
    probe.step(time.time() + 0.5)
    out = {}
    for t in probe.targets:
        counted = [s for s in t.sent_at if s >= first[t.addr]]
        lost = sorted(s for s in counted if s not in t.replied)
        rtts = [t.rtt[s] for s in counted if s in t.rtt]
        out[t.addr] = {"sent": len(counted), "answered": len(counted) - len(lost),
                       "lost": len(lost), "late": sum(1 for r in rtts if r > LATE),
                       "max_rtt_ms": round(max(rtts, default=0) * 1000, 1),
                       "lost_at": [round(t.sent_at[s] - start, 3) for s in lost[:50]],
                       "macs": [[round(w - start, 3), m] for w, m in t.macs]}
    print(json.dumps(out), flush=True)


def owners(argv):
    interval, within, stable = 0.02, 3.0, 3
    opts = {"--interval": float, "--within": float, "--stable": int}
    while argv[:1] and argv[0] in opts:
        val = opts[argv[0]](argv[1])
        if argv[0] == "--interval":
            interval = val
        elif argv[0] == "--within":
            within = val
        else:
            stable = val
        argv = argv[2:]
    expect = {}
    for arg in argv:
        vip, sep, mac = arg.partition("=")
        if not sep:
            sys.exit("demo-probe.py owners: want VIP=MAC, got %r" % arg)
        expect[vip] = mac.lower()
    if not expect:
        sys.exit("demo-probe.py owners: no VIP=MAC given")
    probe = Probe(list(expect), interval)
    # per VIP: the streak of requests answered in a row from the expected
    # MAC, the sequence of the last one, and every reply (time, seq, MAC)
    streak = {t.addr: 0 for t in probe.targets}
    last_ok = {t.addr: None for t in probe.targets}
    replies = {t.addr: [] for t in probe.targets}

    def on_reply(t, mac, now):
        seq = t.last_seq
        replies[t.addr].append((now, seq, mac))
        if mac != expect[t.addr]:
            streak[t.addr], last_ok[t.addr] = 0, None
        elif last_ok[t.addr] is not None and seq == last_ok[t.addr] + 1:
            streak[t.addr] += 1
            last_ok[t.addr] = seq
        else:  # the first good one, or one after a request without answer
            streak[t.addr], last_ok[t.addr] = 1, seq

    probe.on_reply = on_reply
    start = time.time()
    held = None
    while time.time() - start < within:
        probe.step(min(time.time() + interval, start + within))
        if all(n >= stable for n in streak.values()):
            held = time.time()
            break
    end = time.time()
    window = min(0.5, end - start)
    out = {"ok": held is not None,
           "ms": None if held is None else round((held - start) * 1000, 1),
           "window_s": round(window, 3), "vips": {}}
    for t in probe.targets:
        recent = [r for r in replies[t.addr] if r[0] >= end - window]
        macs = []
        for _, _, mac in recent:
            if mac not in macs:
                macs.append(mac)
        sent = sum(1 for at in t.sent_at.values() if end - window <= at)
        out["vips"][t.addr] = {"expect": expect[t.addr], "ok": streak[t.addr] >= stable,
                               "answered_by": macs, "sent": sent, "answered": len(recent)}
    print(json.dumps(out), flush=True)
    sys.exit(0 if held is not None else 1)


def main():
    modes = {"failover": failover, "count": count, "owners": owners}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
