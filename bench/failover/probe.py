#!/usr/bin/env python3
"""Client side of the failover bench: ping TARGET every INTERVAL seconds
for DURATION seconds from inside the client namespace, and record the
Ethernet source of every echo reply (which node answered).

usage: probe.py TARGET DURATION [INTERVAL] ; prints one JSON object:
{"sent": N, "replies": [[wall_time, "src_mac"], ...]}
"""
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def echo(ident, seq):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    payload = struct.pack("!d", time.time())
    return struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload


def main():
    target, duration = sys.argv[1], float(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.005
    dst = socket.inet_aton(target)
    ident = os.getpid() & 0xFFFF
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    rx.bind(("eth0", ETH_P_IP))
    replies, seq = [], 0
    end = time.time() + duration
    next_tx = time.time()
    while True:
        now = time.time()
        if now >= end:
            break
        if now >= next_tx:
            tx.sendto(echo(ident, seq & 0xFFFF), (target, 0))
            seq += 1
            next_tx += interval
        r, _, _ = select.select([rx], [], [], max(0.0, min(next_tx, end) - time.time()))
        if not r:
            continue
        frame = rx.recv(2048)
        t = time.time()
        if len(frame) < 14 + 20 + 8:
            continue
        ihl = (frame[14] & 0x0F) * 4
        if frame[14 + 9] != 1 or frame[14 + 12:14 + 16] != dst:
            continue
        icmp = frame[14 + ihl:]
        if icmp[0] != 0 or struct.unpack("!H", icmp[4:6])[0] != ident:
            continue
        replies.append([t, frame[6:12].hex(":")])
    print(json.dumps({"sent": seq, "replies": replies}))


if __name__ == "__main__":
    main()
