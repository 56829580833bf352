"""The start's file pages given back (issue 16; src/daemon/trim.c,
docs/decisions.md "vipd's memory"): once the loop has settled (10 s after
the start), vipd holds none of libyaml's pages, which only the start's
parse ran, while right after the start it did. The smaps are read from
outside; reading them touches nothing of vipd's."""

import os
import time

import pytest

from lab import Lab, wait_until
from vrrp_topo import Cluster, config


@pytest.fixture
def lab():
    with Lab(prefix=f"fpg-{os.getpid()}") as the_lab:
        yield the_lab


def resident_kib(pid, path_part):
    """Rss of pid's code mappings (r-xp: no page of them can be written)
    whose path contains path_part, in KiB."""
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and not line[0].isupper():
                inside = len(head) >= 6 and path_part in head[5] and head[1] == "r-xp"
            elif inside and line.startswith("Rss:"):
                total += int(head[1])
    return total


def test_the_starts_parser_pages_are_given_back_once_settled(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=["192.0.2.200/24"], interval="100ms"))
    proc = c.start("a", wait=False)
    wait_until(lambda: os.path.exists(c.sock("a")), timeout=10, interval=0.05,
               what="vipd's control socket")
    started = time.monotonic()
    assert resident_kib(proc.pid, "libyaml") > 0, "the parse left no libyaml page: nothing to judge"
    wait_until(lambda: resident_kib(proc.pid, "libyaml") == 0, timeout=20, interval=0.5,
               what="libyaml's pages given back")
    # not before the loop settled (the start's trim waits 10 s)
    assert time.monotonic() - started > 5, "given back before the loop settled"
