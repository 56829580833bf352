#!/usr/bin/env python3
"""Does the HTTP API delay adverts? Advert interval jitter of vipd with and
without API load (issue 15: 100 concurrent SSE clients and 200 API
requests/s from loopback must not delay adverts).

Lab (tests/topo/vrrp_topo.py): nodes a and b on one bridge, one VRRPv3
instance at 100 ms, a master, its API on 127.0.0.1:9712 with a token. The
adverts a sends are timestamped by the kernel on b's eth0 (an AF_PACKET
socket in b's namespace, SO_TIMESTAMPNS), for SECS seconds:

- idle: nothing but VRRP;
- loaded: 100 event streams open on a (each read by this process), 200
  GET /api/v1/status a second (the full document, counters and all) and
  10 reloads a second (each an event pushed to the 100 streams).

Prints, for each phase, the intervals between adverts: median, standard
deviation, 99th percentile and the largest, and the loaded phase's
requests served. A benchmark, not a test: it exits 0; the goal is a
loaded p99 within 5 ms of the idle one.

usage (root): bench/api/run.py [--secs N]
"""

import argparse
import ctypes
import os
import select
import socket
import statistics
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "topo"))

from lab import Lab  # noqa: E402
from test_api import NsConnection, TOKEN, socket_in, token_file  # noqa: E402
from vrrp_topo import Cluster, config  # noqa: E402

V4M = "eth0/master/ipv4/vrrp"
CLONE_NEWNET = 0x40000000
ETH_P_IP = 0x0800
SO_TIMESTAMPNS = 35
GOAL_MS = 5


def packet_socket_in(ns):
    """An AF_PACKET socket for IPv4 in ns, kernel receive timestamps on."""
    out = {}

    def work():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
        try:
            libc.setns(fd, CLONE_NEWNET)
            s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
            s.bind(("eth0", ETH_P_IP))
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            out["s"] = s
        finally:
            os.close(fd)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return out["s"]


def advert_times(sock, src, secs):
    """Kernel timestamps (s) of the VRRP packets from src for secs."""
    times = []
    end = time.time() + secs
    sock.settimeout(0.5)
    while time.time() < end:
        try:
            data, anc, _, _ = sock.recvmsg(2048, socket.CMSG_SPACE(16))
        except socket.timeout:
            continue
        if len(data) < 20 or data[9] != 112 or socket.inet_ntoa(data[12:16]) != src:
            continue
        for level, kind, val in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                times.append(sec + nsec / 1e9)
    return times


def summary(times):
    iv = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    if len(iv) < 10:
        return None, f"only {len(times)} adverts"
    p99 = sorted(iv)[int(len(iv) * 0.99) - 1]
    return p99, (f"{len(iv)} intervals: median {statistics.median(iv):.2f} ms, "
                 f"stdev {statistics.pstdev(iv):.2f}, p99 {p99:.2f}, max {max(iv):.2f}")


class Load:
    """100 streams read in one thread; 200 status GETs and 10 reloads a
    second from two others."""

    def __init__(self, ns, streams=100, gets=200, reloads=10):
        self.stop = threading.Event()
        self.socks = []
        for _ in range(streams):
            s = socket_in(ns, timeout=10)
            s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
            s.setblocking(False)
            self.socks.append(s)
        self.bytes = 0
        self.served = {"status": 0, "reload": 0, "other": 0}
        self.threads = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._paced, daemon=True,
                                         args=(ns, gets, "GET", "/api/v1/status", "status")),
                        threading.Thread(target=self._paced, daemon=True,
                                         args=(ns, reloads, "POST", "/api/v1/reload", "reload"))]
        for t in self.threads:
            t.start()

    def _read(self):
        while not self.stop.is_set():
            ready, _, _ = select.select(self.socks, [], [], 0.2)
            for s in ready:
                try:
                    self.bytes += len(s.recv(65536))
                except OSError:
                    pass

    def _paced(self, ns, rate, method, path, name):
        conn = NsConnection(ns, timeout=10)
        step, nxt = 1.0 / rate, time.time()
        while not self.stop.is_set():
            conn.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
            r = conn.getresponse()
            r.read()
            self.served[name if r.status == 200 else "other"] += 1
            nxt += step
            time.sleep(max(0.0, nxt - time.time()))
        conn.close()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        for s in self.socks:
            s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=float, default=10)
    args = ap.parse_args()
    with Lab(prefix=f"api15b-{os.getpid()}") as lab:
        c = Cluster(lab)
        c.write_config(config(vips_master=["192.0.2.200/24"]))
        http = ["--http", "127.0.0.1:9712", "--http-token-file", token_file(lab)]
        c.start("a", extra=http)
        c.start("b")
        c.wait_state("a", V4M, "MASTER")
        c.wait_state("b", V4M, "BACKUP")
        sniff = packet_socket_in(c.ns["b"])
        idle_p99, idle = summary(advert_times(sniff, "192.0.2.11", args.secs))
        load = Load(c.ns["a"])
        try:
            loaded_p99, loaded = summary(advert_times(sniff, "192.0.2.11", args.secs))
        finally:
            load.close()
        st = c.status("a")
        print(f"advert interval 100 ms, {args.secs:.0f} s each, kernel timestamps on b's eth0")
        print(f"  idle:   {idle}")
        print(f"  loaded: {loaded}")
        print(f"  load: 100 event streams ({load.bytes} bytes read), "
              f"{load.served['status'] / args.secs:.0f} status GETs/s, "
              f"{load.served['reload'] / args.secs:.0f} reloads/s, "
              f"{load.served['other']} refused; a is {c.state('a', V4M)}, "
              f"{st['reloads']} reloads")
        if idle_p99 is not None and loaded_p99 is not None:
            verdict = "ok" if loaded_p99 - idle_p99 <= GOAL_MS else "OVER THE GOAL"
            print(f"  p99 loaded - idle: {loaded_p99 - idle_p99:+.2f} ms (goal <= {GOAL_MS} ms): "
                  f"{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
