#!/usr/bin/env python3
"""Runs `vipctl validate` on every tests/bad/*.yaml and compares the result
with what the file must produce: stderr byte for byte equal to the sibling
.expected file, exit code 2, nothing on stdout.

    tests/bad/run.py VIPCTL            check every case
    tests/bad/run.py VIPCTL NAME...    check some (NAME: 01-unknown-key[.yaml])
    tests/bad/run.py --update VIPCTL   rewrite the .expected files from vipctl

vipctl is run from the repository root with the path tests/bad/NAME.yaml,
so the diagnostics name the file the way a user there would see them.
After --update, read the diff: every message must point at the right
line:col and say what is allowed.
"""
import argparse
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REL = os.path.relpath(HERE, ROOT)
EXIT_BADCONF = 2


def cases(names):
    yamls = sorted(f[:-5] for f in os.listdir(HERE) if f.endswith(".yaml"))
    if not names:
        return yamls
    wanted = [n[:-5] if n.endswith(".yaml") else n for n in names]
    missing = [n for n in wanted if n not in yamls]
    if missing:
        sys.exit("run.py: no such case: " + ", ".join(missing))
    return wanted


def orphans():
    """.expected files whose .yaml is gone: stale, they test nothing."""
    return sorted(f for f in os.listdir(HERE) if f.endswith(".expected")
                  and not os.path.exists(os.path.join(HERE, f[:-9] + ".yaml")))


def run(vipctl, name):
    path = os.path.join(REL, name + ".yaml")
    p = subprocess.run([vipctl, "-c", path, "validate"], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout, p.stderr


def diff(want, got, name):
    lines = difflib.unified_diff(
        want.decode(errors="replace").splitlines(keepends=True),
        got.decode(errors="replace").splitlines(keepends=True),
        fromfile=name + ".expected", tofile=name + " (vipctl stderr)")
    return "".join(lines)


def check(vipctl, name):
    """Returns a list of problems, empty when the case passes."""
    rc, out, err = run(vipctl, name)
    problems = []
    if rc != EXIT_BADCONF:
        problems.append(f"exit code {rc}, want {EXIT_BADCONF}")
    if out:
        problems.append("stdout is not empty:\n" + out.decode(errors="replace"))
    if not err:
        problems.append("no diagnostic on stderr")
    exp_path = os.path.join(HERE, name + ".expected")
    if not os.path.exists(exp_path):
        problems.append(f"{name}.expected is missing (run with --update, then review it)")
        return problems
    with open(exp_path, "rb") as f:
        want = f.read()
    if want != err:
        problems.append("stderr differs from .expected:\n" + diff(want, err, name))
    return problems


def update(vipctl, name):
    rc, out, err = run(vipctl, name)
    with open(os.path.join(HERE, name + ".expected"), "wb") as f:
        f.write(err)
    if rc != EXIT_BADCONF or out or not err:
        print(f"WARNING {name}: exit code {rc}, {len(out)} bytes on stdout, "
              f"{len(err)} on stderr; this case does not fail as it must")
        return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true",
                    help="rewrite the .expected files from vipctl's stderr")
    ap.add_argument("vipctl", help="path of the vipctl binary")
    ap.add_argument("names", nargs="*", help="cases to run (default: all)")
    args = ap.parse_args()
    vipctl = os.path.abspath(args.vipctl)
    names = cases(args.names)
    passed = failed = 0

    for name in names:
        if args.update:
            ok = update(vipctl, name)
        else:
            problems = check(vipctl, name)
            ok = not problems
            if problems:
                print(f"FAIL {name}")
                for p in problems:
                    print("  " + p.rstrip("\n").replace("\n", "\n  "))
        passed += ok
        failed += not ok
    if not args.names:
        for o in orphans():
            print(f"FAIL {o}: no {o[:-9]}.yaml beside it")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
