"""Network-namespace topologies for vipd's topology tests.

Everything a test builds lives in network namespaces it created itself, named
``vt<pid>-<name>`` (pid of the test run), so parallel runs never clash and no
traffic leaves them. A :class:`Lab` remembers what it created and removes it
all on exit, even when the test failed::

    with Lab() as lab:
        a, b = lab.netns("a"), lab.netns("b")
        veth(a, "eth0", b, "eth0")
        addr(a, "eth0", "192.0.2.1/24")
        addr(b, "eth0", "192.0.2.2/24")
        assert ping(a, "192.0.2.2")
        daemon = lab.popen(a, ["vipd", "-f", "vipd.yaml"])

Interfaces are created inside their namespaces, never in the host's, so
their names (at most 15 bytes) only have to be unique per namespace.
Examples and tests use documentation addresses only: 192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32.

Only the Python standard library; needs root and iproute2's ``ip``.
"""

import functools
import ipaddress
import json as jsonlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

IFNAMSIZ = 15  # longest interface name the kernel takes (IFNAMSIZ - 1)
PREFIX = f"vt{os.getpid()}"  # namespace prefix of this test run
DEFAULT_TIMEOUT = 30.0  # seconds for one command

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class LabError(Exception):
    """Building or tearing down a topology failed."""


class CommandError(LabError):
    """A command exited non-zero; the message carries its output."""

    def __init__(self, argv, returncode, stdout, stderr):
        self.argv = list(argv)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        text = f"command failed (exit {returncode}): {shlex.join(self.argv)}"
        if stdout and stdout.strip():
            text += f"\n--- stdout ---\n{stdout.rstrip()}"
        if stderr and stderr.strip():
            text += f"\n--- stderr ---\n{stderr.rstrip()}"
        super().__init__(text)


def _argv(cmd):
    """A command as an argv list; a string is split like a shell would."""
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return [os.fspath(c) if isinstance(c, os.PathLike) else str(c) for c in cmd]


@functools.lru_cache(maxsize=256)
def _which(name, path):
    return shutil.which(name, path=path) or name


def _resolved(argv):
    """argv with its program looked up in PATH once per run (each failed
    lookup costs several ms under user-mode Linux's hostfs)."""
    if argv and "/" not in argv[0]:
        return [_which(argv[0], os.environ.get("PATH", os.defpath)), *argv[1:]]
    return argv


def host_run(cmd, check=True, timeout=DEFAULT_TIMEOUT, input=None):
    """Run a command on the host; CompletedProcess with text output."""
    argv = _resolved(_argv(cmd))
    try:
        cp = subprocess.run(
            argv,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        raise LabError(f"command timed out after {timeout}s: {shlex.join(argv)}") from e
    if check and cp.returncode != 0:
        raise CommandError(argv, cp.returncode, cp.stdout, cp.stderr)
    return cp


def check_ifname(name):
    """Raise ValueError unless the kernel would accept ``name`` for a link."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or name in (".", ".."):
        raise ValueError(f"interface name {name!r}: use letters, digits, '_', '.', '-'")
    if len(name.encode()) > IFNAMSIZ:
        raise ValueError(
            f"interface name {name!r} is {len(name)} bytes long, at most {IFNAMSIZ} allowed"
        )
    return name


def wait_until(predicate, timeout=10.0, interval=0.1, what="condition"):
    """Poll ``predicate()`` until it returns something true; return that.

    Raises LabError naming ``what`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise LabError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@functools.lru_cache(maxsize=None)
def missing_kernel_features():
    """Names of the kernel features vipd's tests need that are absent here.

    Tries modprobe first (as root), so a kernel that has them as modules
    counts. An empty tuple means the running kernel has 8021q and bonding.
    """
    needed = {"8021q": ["8021q"], "bonding": ["bonding", "max_bonds=0"]}
    missing = []
    for feature, modprobe_args in needed.items():
        if os.path.isdir(f"/sys/module/{feature}"):
            continue
        modprobe = shutil.which("modprobe") or "/sbin/modprobe"
        if os.geteuid() == 0 and os.path.exists(modprobe):
            subprocess.run([modprobe, "-q", *modprobe_args],
                           stdin=subprocess.DEVNULL, capture_output=True)
        if not os.path.isdir(f"/sys/module/{feature}"):
            missing.append(feature)
    return tuple(missing)


@functools.lru_cache(maxsize=None)
def missing_ipsec():
    """What the IPsec tests need and the running kernel lacks: an AH
    transport state with hmac(sha256), IPv4 and IPv6 (CONFIG_INET_AH,
    CONFIG_INET6_AH; modules load on demand). Tried in a namespace of its
    own, deleted afterwards. An empty tuple: both work."""
    ns = Netns("ahprobe")
    missing = []
    try:
        for fam, src, dst in (("AH over IPv4", "192.0.2.1", "192.0.2.2"),
                              ("AH over IPv6", "2001:db8::1", "2001:db8::2")):
            cp = ns.run(["ip", "xfrm", "state", "add", "src", src, "dst", dst, "proto", "ah",
                         "spi", "0x100", "mode", "transport", "auth-trunc", "hmac(sha256)",
                         "0x" + "11" * 32, "128"], check=False)
            if cp.returncode != 0:
                missing.append(f"{fam} ({cp.stderr.strip()})")
    finally:
        ns.delete()
    return tuple(missing)


class Netns:
    """A named network namespace ``<prefix>-<name>`` with lo up.

    Create it through :meth:`Lab.netns` so that it is deleted for you; a
    bare ``Netns(name)`` must be deleted by the caller.
    """

    def __init__(self, name, prefix=PREFIX, lab=None):
        if not _NAME_RE.match(name):
            raise ValueError(f"namespace name {name!r}: use letters, digits, '_', '.', '-'")
        self.short = name
        self.name = f"{prefix}-{name}"
        self.lab = lab
        if os.path.exists(f"/run/netns/{self.name}"):
            raise LabError(f"network namespace {self.name} exists already (left over?)")
        host_run(["ip", "netns", "add", self.name])
        self._deleted = False
        try:
            self.run(["ip", "link", "set", "lo", "up"])
        except LabError:
            self.delete()
            raise

    def __repr__(self):
        return f"Netns({self.name!r})"

    def __str__(self):
        return self.name

    def argv(self, cmd):
        """``cmd`` wrapped to run inside this namespace.

        ``ip`` commands become ``ip -n NAME ...`` (one exec less than
        ``ip netns exec``); anything else runs under ``ip netns exec``.
        """
        argv = _resolved(_argv(cmd))
        if argv and os.path.basename(argv[0]) == "ip" and len(argv) > 1 \
                and argv[1] not in ("netns", "-n", "-netns"):
            return [argv[0], "-n", self.name, *argv[1:]]
        return [*_resolved(["ip"]), "netns", "exec", self.name, *argv]

    def run(self, cmd, check=True, timeout=DEFAULT_TIMEOUT, input=None):
        """Run ``cmd`` (list, or string split like a shell) in the namespace.

        Returns a CompletedProcess with text stdout/stderr; raises
        CommandError on a non-zero exit if ``check``.
        """
        if self._deleted:
            raise LabError(f"{self.name} was deleted")
        return host_run(self.argv(cmd), check=check, timeout=timeout, input=input)

    def ip(self, args, check=True, timeout=DEFAULT_TIMEOUT):
        """Run ``ip ARGS`` in the namespace."""
        return self.run(["ip", *_argv(args)], check=check, timeout=timeout)

    def json(self, cmd, timeout=DEFAULT_TIMEOUT):
        """Parsed JSON from ``ip -j ...`` in the namespace.

        ``cmd`` holds ip's arguments (``"-d link show dev bond0"``) or a whole
        ip command (``["ip", "-d", "link"]``); ``-j`` is added when missing.
        """
        argv = _argv(cmd)
        if argv and argv[0] == "ip":
            argv = argv[1:]
        if "-j" not in argv and "-json" not in argv:
            argv = ["-j", *argv]
        return self.run_json(["ip", *argv], timeout=timeout)

    def run_json(self, cmd, timeout=DEFAULT_TIMEOUT):
        """Parsed JSON from any command run in the namespace (vipctl -o json)."""
        cp = self.run(cmd, timeout=timeout)
        try:
            return jsonlib.loads(cp.stdout) if cp.stdout.strip() else []
        except ValueError as e:
            raise LabError(f"{shlex.join(_argv(cmd))} in {self.name}: not JSON: "
                           f"{cp.stdout[:200]!r}") from e

    def link(self, dev):
        """``ip -d -j link show dev DEV`` as one dict."""
        return self.json(["-d", "link", "show", "dev", dev])[0]

    def popen(self, cmd, **kwargs):
        """Start ``cmd`` in the namespace; see :meth:`Lab.popen`."""
        if self.lab is None:
            raise LabError(f"{self.name} has no Lab to track the process; use Lab.popen")
        return self.lab.popen(self, cmd, **kwargs)

    def pids(self):
        """Pids of the processes living in this namespace."""
        cp = host_run(["ip", "netns", "pids", self.name], check=False)
        return [int(p) for p in cp.stdout.split()]

    @property
    def exists(self):
        return os.path.exists(f"/run/netns/{self.name}")

    def delete(self):
        """Kill what still runs in the namespace, then delete it (idempotent)."""
        if self._deleted:
            return
        if self.exists:
            for pid in self.pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            host_run(["ip", "netns", "del", self.name])
        self._deleted = True


def up(ns, dev):
    """Set ``dev`` in ``ns`` up."""
    ns.run(["ip", "link", "set", "dev", check_ifname(dev), "up"])


def veth(ns_a, name_a, ns_b, name_b, set_up=True, index=None):
    """A veth pair: ``name_a`` in ``ns_a`` and its peer ``name_b`` in ``ns_b``.

    Both ends are created directly in their namespaces (nothing appears in
    the host's) and set up unless ``set_up`` is false. ``index``: both ends
    get that ifindex. The kernel then treats their carrier changes as it
    does a physical port's (not urgent: its linkwatch tells them at most
    once a second), since a veth whose index differs from its peer's is
    told at once.
    """
    check_ifname(name_a)
    check_ifname(name_b)
    idx = ["index", str(index)] if index else []
    # "up" at creation works for this end only (not for the peer)
    ns_a.run(["ip", "link", "add", "name", name_a, *idx, *(["up"] if set_up else []),
              "type", "veth", "peer", "name", name_b, *idx, "netns", ns_b.name])
    if set_up:
        up(ns_b, name_b)


def bridge(ns, name, members=(), set_up=True, **options):
    """A bridge ``name`` in ``ns`` with ``members`` as ports.

    ``options`` are bridge attributes for ``ip link add ... type bridge``,
    e.g. ``stp_state=0`` or ``mcast_snooping=0``.
    """
    check_ifname(name)
    opts = [str(x) for kv in options.items() for x in kv]
    state = ["up"] if set_up else []
    ns.run(["ip", "link", "add", "name", name, *state, "type", "bridge", *opts])
    for member in members:
        ns.run(["ip", "link", "set", "dev", check_ifname(member), "master", name, *state])


def addr(ns, dev, cidr, nodad=None):
    """Add address ``cidr`` (e.g. "192.0.2.1/24", "2001:db8::1/64") to ``dev``.

    IPv6 addresses skip duplicate address detection by default (``nodad``),
    so they are usable at once; pass ``nodad=False`` to keep DAD.
    """
    iface = ipaddress.ip_interface(cidr)
    if nodad is None:
        nodad = iface.version == 6
    cmd = ["ip", "addr", "add", str(iface), "dev", check_ifname(dev)]
    if nodad:
        if iface.version != 6:
            raise ValueError("nodad applies to IPv6 addresses only")
        cmd.append("nodad")
    ns.run(cmd)


def ping(ns, dst, count=1, timeout=2, check=False):
    """Ping ``dst`` from ``ns``; True if answered. Raises if ``check`` and not."""
    family = "-6" if ipaddress.ip_address(dst).version == 6 else "-4"
    cp = ns.run(["ping", family, "-n", "-q", "-c", str(count), "-W", str(timeout), dst],
                check=check, timeout=count * timeout + 10)
    return cp.returncode == 0


class Lab:
    """Tracks namespaces and processes of one test and removes them on exit.

    Use as a context manager (or call :meth:`close`). Cleanup kills tracked
    processes (their whole process group), then whatever else runs in the
    namespaces, then deletes the namespaces, newest first; interfaces go
    with their namespace. All cleanup steps run even if some fail.
    """

    def __init__(self, prefix=PREFIX, stop_grace=3.0):
        self.prefix = prefix
        self.stop_grace = stop_grace  # seconds between SIGTERM and SIGKILL
        self.namespaces = []
        self.processes = []
        self.workdir = tempfile.mkdtemp(prefix=f"{prefix}-lab-")
        self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        failed = exc_type is not None
        if failed and self.processes:
            print(self.process_logs(), file=sys.stderr)
        try:
            self.close()
        except LabError:
            if not failed:
                raise
            # the test's own exception is the one worth seeing
            print("lab cleanup also failed:", sys.exc_info()[1], file=sys.stderr)
        return False

    # -- building -------------------------------------------------------

    def netns(self, name):
        """A new namespace ``<prefix>-<name>``, deleted when the lab closes."""
        if any(ns.short == name for ns in self.namespaces):
            raise ValueError(f"namespace {name!r} already exists in this lab")
        ns = Netns(name, prefix=self.prefix, lab=self)
        self.namespaces.append(ns)
        return ns

    def popen(self, ns, cmd, log=None, **kwargs):
        """Start ``cmd`` inside ``ns`` in a session of its own, tracked.

        Unless ``stdout``/``stderr`` are given, both go to a log file in the
        lab's work dir (``proc.log_path``), printed if the test fails.
        Other keyword arguments go to subprocess.Popen.
        """
        argv = ns.argv(cmd)  # the command's pid is the Popen's: ip execs it
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        log_file = None
        if "stdout" not in kwargs and "stderr" not in kwargs:
            base = log or f"{ns.short}-{os.path.basename(_argv(cmd)[0])}"
            path = os.path.join(self.workdir, f"{base}.{len(self.processes)}.log")
            log_file = open(path, "w")
            kwargs["stdout"] = log_file
            kwargs["stderr"] = subprocess.STDOUT
        kwargs.setdefault("start_new_session", True)
        try:
            proc = subprocess.Popen(argv, **kwargs)
        finally:
            if log_file is not None:
                log_file.close()
        proc.log_path = log_file.name if log_file is not None else None
        self.processes.append(proc)
        return proc

    def track(self, proc):
        """Have the lab stop a Popen started elsewhere."""
        self.processes.append(proc)
        return proc

    # convenience wrappers, so tests can stay with the lab object
    def veth(self, ns_a, name_a, ns_b, name_b, **kw):
        return veth(ns_a, name_a, ns_b, name_b, **kw)

    def bridge(self, ns, name, members=(), **kw):
        return bridge(ns, name, members, **kw)

    def addr(self, ns, dev, cidr, **kw):
        return addr(ns, dev, cidr, **kw)

    def up(self, ns, dev):
        return up(ns, dev)

    # -- tearing down ---------------------------------------------------

    @staticmethod
    def stop(proc, grace=3.0):
        """SIGTERM the process group of ``proc``, SIGKILL after ``grace`` s."""
        if proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    proc.send_signal(sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        return proc.returncode

    def close(self):
        """Remove everything; raise LabError listing what could not be."""
        if self._closed:
            return
        self._closed = True
        errors = []
        for proc in reversed(self.processes):
            try:
                self.stop(proc, self.stop_grace)
            except Exception as e:  # keep cleaning up
                errors.append(f"stopping pid {proc.pid}: {e}")
        for ns in reversed(self.namespaces):
            try:
                ns.delete()
            except Exception as e:
                errors.append(f"deleting {ns.name}: {e}")
        shutil.rmtree(self.workdir, ignore_errors=True)
        if errors:
            raise LabError("lab cleanup failed:\n  " + "\n  ".join(errors))

    def process_logs(self, lines=40):
        """The last ``lines`` lines of each tracked process's log, as text."""
        parts = []
        for proc in self.processes:
            path = getattr(proc, "log_path", None)
            if not path or not os.path.exists(path):
                continue
            with open(path, errors="replace") as f:
                tail = "".join(f.readlines()[-lines:])
            parts.append(f"--- {shlex.join(proc.args)} (pid {proc.pid}, "
                         f"exit {proc.poll()}) ---\n{tail}")
        return "\n".join(parts)
