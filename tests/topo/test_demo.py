"""`make demo` checks what it shows (scripts/demo.sh).

After the start and after every scenario step the demo's client pings
every VIP of examples/demo.yaml and wants each answered from the MAC of the
node that slot and health say; the demo exits 1, naming the VIP, its owner
and who answered, when that does not hold within a bound derived from the
file. These tests run the whole demo (namespaces vdemo-*, about 6 s; the
sabotaged run about 37 s, every failing check waits out its bound):

- plainly: it must exit 0 with every check held, and clean up;
- after a run killed with SIGKILL (no trap ran; namespaces and daemons
  stay): the next run removes what it left, says so, and passes;
- while another demo runs: it waits for that one (a lock), then passes;
- with the test-only hook VIPD_DEMO_SABOTAGE=dark, which makes nodeA's
  namespace ignore IPv4 echo requests after the start (vipd does not see
  it): the demo must exit 1, name nodeA's four IPv4 VIPs dark with nodeA as
  their owner and nobody answering, and still clean up.

They run in the topology stage (scripts/check-topo.sh), against
VIPD_BUILD's vipd and vipctl like the other topology tests.
"""

import fcntl
import os
import re
import subprocess
import time

from vipd_env import ROOT

DEMO = os.path.join(ROOT, "scripts", "demo.sh")
A_V4 = ["192.0.2.100", "192.0.2.101", "192.0.2.102", "192.0.2.103"]
OTHERS = ["2001:db8::100", "192.0.2.200", "192.0.2.201", "192.0.2.202", "192.0.2.203",
          "2001:db8::200"]


def demo_env(**env):
    full = dict(os.environ, **env)
    if "VIPD_BUILD" in full and not os.path.isabs(full["VIPD_BUILD"]):
        full["VIPD_BUILD"] = os.path.join(os.getcwd(), full["VIPD_BUILD"])
    return full


def run_demo(**env):
    cp = subprocess.run(["/bin/bash", DEMO], cwd=ROOT, env=demo_env(**env), stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, universal_newlines=True, timeout=240)
    return cp.returncode, cp.stdout


def assert_cleaned_up(out):
    assert out.rstrip().endswith("demo: cleaned up"), out[-3000:]
    netns = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                           universal_newlines=True).stdout
    assert not re.search(r"^vdemo-", netns, re.M), netns


def verdict(out):
    """The lines of the demo's verdict, from its heading on."""
    at = out.rfind("== Verdict")
    assert at >= 0, out[-3000:]
    return out[at:]


def test_demo_plain_run_holds_every_check():
    rc, out = run_demo()
    assert rc == 0, "the demo failed:\n" + out[-6000:]
    assert "Verdict: every check held" in verdict(out), out[-3000:]
    assert "FAILED" not in out, out[-6000:]
    # one check at the start, one after each of the six steps
    assert out.count("OK: every VIP answers from its owner's MAC") == 7, out[-6000:]
    # the final check (after step 6 healed) says every VIP answers, within the bound
    at = out.rfind("== At the end: does every VIP answer")
    assert at >= 0, out[-6000:]
    final = out[at:].splitlines()[1]
    assert re.match(r"  OK: every VIP answers from its owner's MAC \(after [0-9.]+ ms; "
                    r"bound 3511 ms\)$", final), final
    assert "each check waits at most 3511 ms = Master_Down_Interval 3 x 100 + skew 61 ms" in out
    assert_cleaned_up(out)


def test_demo_fails_and_names_a_dark_vip():
    rc, out = run_demo(VIPD_DEMO_SABOTAGE="dark")
    assert rc == 1, f"rc {rc}; the sabotaged demo must fail:\n" + out[-6000:]
    v = verdict(out)
    assert "Verdict: FAILED" in v, v
    for vip in A_V4:
        # at the end (after step 6 heals) nodeA owns it, nobody answers
        want = (f"the end: {vip} is dark: owner nodeA (02:de:00:00:00:0a), "
                f"answered by nobody")
        assert want in v, f"{want!r} not in the verdict:\n{v}"
    for vip in OTHERS:  # IPv6 and nodeB's VIPs still answer: not named
        assert f" {vip} is " not in v, f"{vip} named in the verdict:\n{v}"
    # while nodeA's vipd is dead its VIPs live on nodeB, which answers
    assert "step 1 (" not in v, v
    assert "demo: error: not every VIP answered from its owner's MAC" in out
    assert_cleaned_up(out)


def start_demo_until(prefix):
    """A demo in the background, once it has printed a line starting with
    prefix (it fails the test if the demo ends first)."""
    demo = subprocess.Popen(["/bin/bash", DEMO], cwd=ROOT, env=demo_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    for line in demo.stdout:
        if line.startswith(prefix):
            return demo
    demo.wait()
    raise AssertionError(f"the demo ended (rc {demo.returncode}) before {prefix!r}")


def start_and_kill_demo():
    """A demo killed with SIGKILL once its daemons run: no trap runs, so its
    namespaces, daemons and temp dir stay behind, as after a machine stop."""
    demo = start_demo_until("== vipctl status on")
    demo.kill()
    demo.wait()
    demo.stdout.close()
    netns = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                           universal_newlines=True).stdout
    assert re.search(r"^vdemo-nodeA", netns, re.M), "the killed demo left nothing behind"
    wait_lock_free()


def wait_lock_free(timeout_s=10.0):
    """The killed demo's lock is free once the short-lived children it had
    started (each inherits the lock's descriptor) have ended; its daemons,
    which outlive it, must not hold it (the demo closes it for them)."""
    lock = "/run/lock/vipd-demo.lock" if os.path.isdir("/run/lock") else "/tmp/vipd-demo.lock"
    deadline = time.monotonic() + timeout_s
    while True:
        with open(lock, "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
        assert time.monotonic() < deadline, f"{lock} still held {timeout_s} s after the demo was killed"
        time.sleep(0.05)


def test_demo_removes_what_a_killed_run_left_and_passes():
    start_and_kill_demo()
    rc, out = run_demo()
    assert rc == 0, "the demo after a killed one failed:\n" + out[-6000:]
    first = out.splitlines()[0]
    assert first.startswith("demo: removing what an earlier run that died left behind: "), first
    for ns in ("vdemo-nodeA", "vdemo-nodeB", "vdemo-client"):
        assert ns in first, first
    assert "Verdict: every check held" in verdict(out), out[-3000:]
    assert_cleaned_up(out)


def test_demo_waits_for_a_running_demo():
    first = start_demo_until("== Lab")
    try:
        rc, out = run_demo()
    finally:
        rest = first.communicate(timeout=240)[0]
    assert first.returncode == 0, rest[-6000:]
    assert rc == 0, "the second demo failed:\n" + out[-6000:]
    assert out.startswith("demo: another demo is running; waiting for it to finish"), out[:500]
    assert "removing what an earlier run" not in out, out[:500]
    assert "Verdict: every check held" in verdict(out), out[-3000:]
    assert_cleaned_up(out)
