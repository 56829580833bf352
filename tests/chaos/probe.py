#!/usr/bin/python3
"""Client-side probe of the chaos driver (tests/chaos/run.py), run inside the
client's network namespace as root; standard library only.

    probe.py [--timeout S] [--retry S] VIP...

Sends an ICMP / ICMPv6 echo request to every VIP (address without prefix
length) through the client's own stack, so the kernel resolves the target
with its neighbour cache as any client would, and repeats it every --retry
seconds (default 0.1) until every VIP has answered or --timeout (default
0.6) has passed. The replies are read from an AF_PACKET socket, so the
source MAC of each Ethernet frame is known. Prints one JSON object:

    {"192.0.2.201": {"answered": true, "macs": ["02:..."], "rtt_ms": 0.4}, ...}

"macs" lists every distinct source MAC that answered that VIP (two of them:
two nodes answer). Exit 0 whatever the answers; 2 on a usage error.
"""
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse_reply(frame):
    """(source address bytes, ident, seq) of an echo reply frame, or None."""
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
        return frame[26:30], *struct.unpack("!HH", icmp[4:8])
    if etype == 0x86DD and len(frame) >= 14 + 40 + 8:
        if frame[14 + 6] != 58:  # no extension headers in this lab
            return None
        icmp = frame[54:62]
        if icmp[0] != 129:
            return None
        return frame[22:38], *struct.unpack("!HH", icmp[4:8])
    return None


def main(argv):
    timeout, retry = 0.6, 0.1
    while argv[:1] in (["--timeout"], ["--retry"]):
        if argv[0] == "--timeout":
            timeout = float(argv[1])
        else:
            retry = float(argv[1])
        argv = argv[2:]
    if not argv or any(a.startswith("-") for a in argv):
        sys.exit(__doc__)
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    tx = {4: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
          6: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)}
    for s in tx.values():
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # replies are read on rx
        s.setblocking(False)
    base = (os.getpid() << 6) & 0xFFFF
    targets = {}
    for i, a in enumerate(argv):
        ip = ipaddress.ip_address(a)
        fam = ip.version
        targets[(ip.packed, (base + i) & 0xFFFF)] = {
            "addr": str(ip), "fam": fam, "ident": (base + i) & 0xFFFF,
            "sent": {}, "macs": [], "rtt": None}
    start = time.monotonic()
    next_tx = start
    seq = 0
    while True:
        now = time.monotonic()
        pending = [t for t in targets.values() if not t["macs"]]
        if not pending or now - start >= timeout:
            break
        if now >= next_tx:
            for t in pending:
                kind = 8 if t["fam"] == 4 else 128
                payload = b"vipd-chaos-probe"
                head = struct.pack("!BBHHH", kind, 0, 0, t["ident"], seq)
                csum = checksum(head + payload) if t["fam"] == 4 else 0  # kernel sums v6
                pkt = struct.pack("!BBHHH", kind, 0, csum, t["ident"], seq) + payload
                try:
                    tx[t["fam"]].sendto(pkt, (t["addr"], 0))
                except OSError:
                    pass  # no neighbour yet (FAILED entry): a lost request
                t["sent"][seq] = now
            seq = (seq + 1) & 0xFFFF
            next_tx = now + retry
        wait = max(0.0, min(next_tx, start + timeout) - now)
        r, _, _ = select.select([rx], [], [], wait)
        if not r:
            continue
        while True:
            try:
                frame, addr = rx.recvfrom(2048, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            got = parse_reply(frame)
            if not got:
                continue
            t = targets.get((got[0], got[1]))
            if not t or got[2] not in t["sent"]:
                continue
            mac = frame[6:12].hex(":")
            if mac not in t["macs"]:
                t["macs"].append(mac)
            if t["rtt"] is None:
                t["rtt"] = time.monotonic() - t["sent"][got[2]]
    # replies still in flight from a second answering node
    end = time.monotonic() + 0.02
    while time.monotonic() < end:
        r, _, _ = select.select([rx], [], [], max(0.0, end - time.monotonic()))
        if not r:
            break
        try:
            frame, addr = rx.recvfrom(2048, socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        got = parse_reply(frame) if addr[2] != PACKET_OUTGOING else None
        t = targets.get((got[0], got[1])) if got else None
        if t and got[2] in t["sent"]:
            mac = frame[6:12].hex(":")
            if mac not in t["macs"]:
                t["macs"].append(mac)
    out = {t["addr"]: {"answered": bool(t["macs"]), "macs": t["macs"],
                       "rtt_ms": None if t["rtt"] is None else round(t["rtt"] * 1000, 2)}
           for t in targets.values()}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
