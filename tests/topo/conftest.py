"""pytest glue for the topology tests (library: lab.py next to this file).

- Every test needs root and iproute2's ``ip``; without them each test fails
  with the reason (never a silent skip).
- Fixture ``lab``: a fresh :class:`lab.Lab` per test, torn down afterwards
  even when the test fails.
- Marker ``needs_kernel_features`` (or the fixture of the same name): the
  test needs 802.1Q VLAN and bonding. On a kernel without them it fails and
  says to run it through tests/lab/kernel-run.
- Marker ``needs_ipsec``: the test needs IPsec AH (IPv4 and IPv6) with
  hmac(sha256); on a kernel without it it fails and says to run it
  through tests/lab/kernel-run (user-mode Linux has AH as modules).
"""

import os
import platform
import shutil

import pytest

from lab import Lab, missing_ipsec, missing_kernel_features

_LAB_KEY = pytest.StashKey()

KERNEL_RUN_HINT = ("tests/lab/kernel-run -- pytest-3 tests/topo "
                   "(it boots user-mode Linux when the running kernel lacks them)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "needs_kernel_features: needs 802.1Q VLAN and bonding; fails (not skips) "
        "on a kernel without them. Run through tests/lab/kernel-run.",
    )
    config.addinivalue_line(
        "markers",
        "needs_ipsec: needs IPsec AH with hmac(sha256); fails (not skips) on a kernel "
        "without it. Run through tests/lab/kernel-run --force-uml.",
    )


@pytest.fixture(scope="session", autouse=True)
def _root_and_iproute2():
    problems = []
    if os.geteuid() != 0:
        problems.append(f"they must run as root (euid is {os.geteuid()}): "
                        "they create network namespaces, links and addresses")
    if shutil.which("ip") is None:
        problems.append("iproute2's `ip` is not on PATH")
    if problems:
        pytest.fail("topology tests cannot run: " + "; ".join(problems), pytrace=False)


@pytest.fixture
def needs_kernel_features():
    """Fail the test unless the running kernel has 8021q and bonding."""
    missing = missing_kernel_features()
    if missing:
        pytest.fail(
            f"this test needs {' and '.join(missing)}, which the running kernel "
            f"({platform.release()}) lacks; run it through {KERNEL_RUN_HINT}",
            pytrace=False,
        )


@pytest.fixture
def needs_ipsec():
    """Fail the test unless the running kernel has IPsec AH (v4 and v6)."""
    missing = missing_ipsec()
    if missing:
        pytest.fail(
            f"this test needs {'; '.join(missing)}, which the running kernel "
            f"({platform.release()}) lacks; run it through tests/lab/kernel-run "
            "--force-uml -- pytest-3 tests/topo -m needs_ipsec",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _needs_kernel_features_marker(request):
    if request.node.get_closest_marker("needs_kernel_features") is not None:
        request.getfixturevalue("needs_kernel_features")
    if request.node.get_closest_marker("needs_ipsec") is not None:
        request.getfixturevalue("needs_ipsec")


@pytest.fixture
def lab(request):
    """A Lab for this test; everything it created is removed afterwards."""
    with Lab() as the_lab:
        request.node.stash[_LAB_KEY] = the_lab
        yield the_lab


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Add the logs of the lab's processes to a failed test's report."""
    outcome = yield
    report = outcome.get_result()
    the_lab = item.stash.get(_LAB_KEY, None)
    if report.when == "call" and report.failed and the_lab is not None:
        logs = the_lab.process_logs()
        if logs:
            report.sections.append(("lab process logs", logs))
