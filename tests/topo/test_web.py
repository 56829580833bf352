"""vipd's page at / (src/daemon/www/, docs/api.md), in a real browser:
Debian's chromium, headless, driven by chromium-driver through
python3-selenium, in the two-node lab of vrrp_topo.py.

- The page shows both nodes' instances with the right holders, each node
  from its own side.
- A failover appears on the page within 1 s, without a reload.
- Drain from the page works with the token and is refused without.
- The validate box marks the lines of a bad file with their diagnostics.
- At a phone's width nothing overflows sideways, and states are words.

The browser runs inside the node's namespace: a thread of this process
enters it (setns is per thread) and makes every Selenium call, so the
driver and chromium it starts live there too and reach 127.0.0.1:9712.
VIPD_SCREENSHOTS=DIR saves the pages (docs/ has them).
"""

import ctypes
import os
import queue
import shutil
import threading
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from lab import Lab, wait_until
from test_api import big_config
from vrrp_topo import Cluster, config

PORT = 9712
TOKEN = "s3cret-token-for-the-web-tests"
V4M, V4B = "eth0/master/ipv4/vrrp", "eth0/backup/ipv4/vrrp"
VIP_M, VIP_B = "192.0.2.200/24", "192.0.2.201/24"
URL = f"http://127.0.0.1:{PORT}/"
CLONE_NEWNET = 0x40000000
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def lab():
    for path in (CHROMIUM, DRIVER):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: scripts/install-deps.sh installs chromium and "
                        "chromium-driver", pytrace=False)
    with Lab(prefix=f"api15w-{os.getpid()}") as the_lab:
        yield the_lab


class Browser:
    """Headless chromium in namespace ``ns``: every call runs in one
    thread that entered it."""

    def __init__(self, ns, width=1280, height=900):
        self.jobs = queue.Queue()
        self.thread = threading.Thread(target=self._loop, args=(ns,), daemon=True)
        self.thread.start()
        self.driver = self.call(self._start, width, height)

    def _loop(self, ns):
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
        ok = libc.setns(fd, CLONE_NEWNET) == 0
        os.close(fd)
        while True:
            fn, args, done = self.jobs.get()
            if fn is None:
                return
            try:
                if not ok:
                    raise OSError(ctypes.get_errno(), "setns")
                done.put((True, fn(*args)))
            except BaseException as e:  # handed to the caller
                done.put((False, e))

    def call(self, fn, *args):
        done = queue.Queue()
        self.jobs.put((fn, args, done))
        ok, value = done.get(timeout=60)
        if not ok:
            raise value
        return value

    @staticmethod
    def _start(width, height):
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  f"--window-size={width},{height}"):
            opts.add_argument(a)
        return webdriver.Chrome(service=Service(DRIVER), options=opts)

    def run(self, fn):
        """fn(driver) in the browser's thread."""
        return self.call(fn, self.driver)

    def js(self, script, *args):
        return self.call(self.driver.execute_script, script, *args)

    def text(self, css):
        """The element's text, read in one step (the page replaces its tree
        on every update, so a found element may be gone a moment later);
        textContent, as the page does not lay out what is off the screen."""
        t = self.js("const e = document.querySelector(arguments[0]);"
                    "return e ? e.textContent : null;", css)
        assert t is not None, f"nothing matches {css}"
        return t

    def wait_text(self, css, want, timeout=5):
        def has():
            try:
                return want in self.text(css)
            except Exception:
                return False
        wait_until(has, timeout=timeout, interval=0.02, what=f"{want!r} in {css}")

    def screenshot(self, name):
        out = os.environ.get("VIPD_SCREENSHOTS")
        if out:
            os.makedirs(out, exist_ok=True)
            self.call(self.driver.save_screenshot, os.path.join(out, name))

    def close(self):
        try:
            self.call(self.driver.quit)
        finally:
            self.jobs.put((None, None, None))


@pytest.fixture
def browsers():
    opened = []
    yield opened
    for b in opened:
        b.close()


def token_file(lab):
    path = os.path.join(lab.workdir, "http.token")
    with open(path, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(path, 0o600)
    return path


def up(lab):
    c = Cluster(lab)
    c.write_config(config(vips_master=[VIP_M], vips_backup=[VIP_B]))
    http = ["--http", f"127.0.0.1:{PORT}", "--http-token-file", token_file(lab)]
    c.start("a", extra=http)
    c.start("b", extra=http)
    c.wait_state("a", V4M, "MASTER")
    c.wait_state("b", V4B, "MASTER")
    return c


def open_page(c, node, browsers, **kw):
    b = Browser(c.ns[node], **kw)
    browsers.append(b)
    b.call(b.driver.get, URL)
    b.wait_text("#live", "live")
    b.wait_text(f'tr[data-instance="{V4M}"] .owner', "(")
    return b


def row(b, name, css):
    return b.text(f'tr[data-instance="{name}"] {css}')


def test_the_page_shows_both_nodes_instances_with_the_right_holders(lab, browsers):
    c = up(lab)
    a = open_page(c, "a", browsers)
    b = open_page(c, "b", browsers)
    assert row(a, V4M, ".owner") == "a (this node)"
    assert row(a, V4M, ".state") == "MASTER"
    assert row(a, V4B, ".owner") == "b (192.0.2.12)"
    assert row(a, V4B, ".state") == "BACKUP"
    assert row(b, V4M, ".owner") == "a (192.0.2.11)"
    assert row(b, V4B, ".owner") == "b (this node)"
    assert "192.0.2.11 (a) ↔ 192.0.2.12 (b)" in a.text('li[data-iface="eth0"] .pair:last-of-type')
    assert "preferred by a" in row(a, V4M, "td:first-child")
    assert "preferred by b" in row(a, V4B, "td:first-child")
    assert "startup" in a.text("#events") or "master-down" in a.text("#events")
    a.screenshot("web-page.png")


def test_a_failover_appears_on_the_page_within_1s_without_a_reload(lab, browsers):
    c = up(lab)
    b = open_page(c, "b", browsers)
    b.js("window.__same_page = 1;")
    assert row(b, V4M, ".state") == "BACKUP"
    c.signal("a", 9)  # a dies: b takes the master slot after the master-down time
    wait_until(lambda: c.state("b", V4M) == "MASTER", timeout=5, interval=0.01,
               what="b to take the master slot")
    t_kernel = time.time()
    b.wait_text(f'tr[data-instance="{V4M}"] .state', "MASTER", timeout=1)
    shown = time.time() - t_kernel
    assert row(b, V4M, ".owner") == "b (this node)"
    assert b.js("return window.__same_page;") == 1  # not reloaded
    assert "→ MASTER" in b.text("#events")
    print(f"on the page {shown * 1000:.0f} ms after vipctl status said MASTER")


def test_the_page_shows_the_service_checks_and_each_instances_tracked_ones(lab, browsers):
    """issue 13: status.checks in their own list, each instance's
    health.signals.track in its Checks cell; a check going down shows
    without a reload."""
    c = Cluster(lab)
    conf = config(vips_master=[VIP_M], vips_backup=[VIP_B])
    conf = conf.replace("other: 100}}", "other: 100}, track: [{check: web, weight: -20}]}")
    conf += "checks:\n  web: {type: tcp, address: 127.0.0.1, port: 1, interval: 200ms}\n"
    c.write_config(conf)
    c.start("a", extra=["--http", f"127.0.0.1:{PORT}"])
    c.wait_state("a", V4M, "MASTER")
    b = open_page(c, "a", browsers)
    b.wait_text('#checks li[data-check="web"]', "down", timeout=5)
    assert "web (tcp)" in b.text('#checks li[data-check="web"]')
    assert "tracked by 2" in b.text('#checks li[data-check="web"]')
    b.wait_text(f'tr[data-instance="{V4M}"] .checks', "check web (tcp, weight -20): down")
    assert not b.js('return document.getElementById("checks-s").hidden;')


def accept_confirm(b):
    def accept(d):
        try:
            d.switch_to.alert.accept()
            return True
        except NoAlertPresentException:
            return False
    wait_until(lambda: b.run(accept), timeout=3, interval=0.02, what="the confirmation")


def test_drain_from_the_page_works_with_the_token_and_is_refused_without(lab, browsers):
    c = up(lab)
    a = open_page(c, "a", browsers)
    a.run(lambda d: d.find_element(By.ID, "drain").click())
    accept_confirm(a)
    a.wait_text("#action-result", "refused (HTTP 401)")
    time.sleep(0.3)
    assert not c.status("a")["drained"] and VIP_M in c.addrs("a")
    a.run(lambda d: d.find_element(By.ID, "token").send_keys("not-the-token-at-all"))
    a.run(lambda d: d.find_element(By.ID, "drain").click())
    accept_confirm(a)
    a.wait_text("#action-result", "refused (HTTP 401)")
    assert not c.status("a")["drained"]
    a.run(lambda d: d.find_element(By.ID, "token").clear())
    a.run(lambda d: d.find_element(By.ID, "token").send_keys(TOKEN))
    a.run(lambda d: d.find_element(By.ID, "drain").click())
    # a confirmation that is dismissed changes nothing
    a.run(lambda d: d.switch_to.alert.dismiss())
    a.wait_text("#action-result", "cancelled")
    assert not c.status("a")["drained"]
    a.run(lambda d: d.find_element(By.ID, "drain").click())
    accept_confirm(a)
    a.wait_text("#action-result", "done")
    assert c.status("a")["drained"]
    wait_until(lambda: VIP_M in c.addrs("b") and VIP_M not in c.addrs("a"), timeout=3,
               interval=0.02, what="the VIP to move to b")
    a.wait_text("#drained", "DRAINED")
    a.wait_text(f'tr[data-instance="{V4M}"] .owner', "b (192.0.2.12)")


def test_the_validate_box_marks_a_bad_files_lines(lab, browsers):
    c = up(lab)
    a = open_page(c, "a", browsers)
    bad = config(vips_master=["198.51.100.7/24"]).replace("type: ethernet",
                                                          "type: ethernet\n    mtu: 70000")
    lines = bad.splitlines()
    mtu_line = next(i for i, line in enumerate(lines) if "mtu: 70000" in line) + 1
    vip_line = next(i for i, line in enumerate(lines) if "198.51.100.7" in line) + 1
    a.run(lambda d: d.find_element(By.ID, "token").send_keys(TOKEN))
    a.js("document.getElementById('candidate').value = arguments[0];", bad)
    a.run(lambda d: d.find_element(By.ID, "validate").click())
    a.wait_text("#validate-result", "invalid")
    marked = a.run(lambda d: [int(e.get_attribute("data-line")) for e in
                              d.find_elements(By.CSS_SELECTOR, "#listing li.has-diag")])
    assert marked == sorted({mtu_line, vip_line})
    assert "mtu 70000 out of range" in a.text(f'#listing li[data-line="{mtu_line}"] .diag')
    assert "outside every IPv4 subnet" in a.text(f'#listing li[data-line="{vip_line}"] .diag')
    a.js("document.querySelector('#listing li.has-diag').scrollIntoView();")
    a.screenshot("web-validate.png")
    # nothing was applied
    assert c.status("a")["reloads"] == 0 and c.instance("a", V4M)["vips"] == [VIP_M]


def test_at_a_phones_width_nothing_overflows_and_states_are_words(lab, browsers):
    c = up(lab)
    a = open_page(c, "a", browsers, width=390, height=844)
    overflow = a.js("return document.documentElement.scrollWidth - window.innerWidth;")
    assert overflow <= 0, overflow
    labels = a.js("""return [...document.querySelectorAll('tr[data-instance] td')]
                     .map(td => getComputedStyle(td, '::before').content);""")
    assert '"State here: "' in labels  # each cell says what it is when stacked
    assert row(a, V4M, ".state") == "MASTER" and row(a, V4B, ".state") == "BACKUP"
    a.screenshot("web-phone.png")


def test_the_page_shows_1000_instances_and_stacks_the_tree(lab, browsers):
    """A behaviour test: every one of 1002 instances is on the page and the
    tree stacks as the file does. How fast it paints is printed, not
    asserted (speed goals belong to benchmarks; under ASan and beside
    other tests a bound here only measures the machine)."""
    c = Cluster(lab)
    c.write_config(big_config())
    c.start("a", extra=["--http", f"127.0.0.1:{PORT}"])
    wait_until(lambda: len(c.status("a")["instances"]) == 1002, timeout=10, what="1002 instances")
    b = Browser(c.ns["a"])
    browsers.append(b)
    times = []
    for _ in range(2):  # the first load also starts the browser's caches
        b.call(b.driver.get, "about:blank")  # a fresh document each time
        b.call(b.driver.get, URL)
        wait_until(lambda: b.js("return document.documentElement.dataset.firstRenderMs;"),
                   timeout=60, interval=0.05, what="the first render")
        times.append(int(b.js("return document.documentElement.dataset.firstRenderMs;")))
        assert b.js("return document.querySelectorAll('tr[data-instance]').length;") == 1002
    print(f"1002 instances painted {times} ms after the navigation started")
    # the tree as the file stacks it: vlan on bond0 on its ports
    path = b.js("""const li = document.querySelector('li[data-iface="vlan7"]');
                   const bond = li.querySelector(':scope > ul > li[data-iface="bond0"]');
                   return [...bond.querySelectorAll(':scope > ul > li')].map(e => e.dataset.iface);""")
    assert path == ["p1", "p2"]
    assert b.js("return document.querySelector('#tree > li[data-iface=\"bond0\"]');") is None
    assert row(b, "vlan7/master/ipv6/vrrp", ".state") == "WAITING"
