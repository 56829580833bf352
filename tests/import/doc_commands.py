#!/usr/bin/env python3
"""The commands of docs/migrate-from-keepalived.md run as written: every
```sh block of the page that does not act on a node's services (systemctl)
runs with bash -e from the source root, `build/src/vipctl` being the vipctl
under test; each must exit 0, and the import must write a file that
validates.

    tests/import/doc_commands.py VIPCTL
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "migrate-from-keepalived.md")


def blocks(text):
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


def main():
    vipctl = os.path.abspath(sys.argv[1])
    with open(DOC) as f:
        runnable = [b for b in blocks(f.read()) if "systemctl" not in b]
    if not runnable:
        print("FAIL: no runnable sh block in docs/migrate-from-keepalived.md")
        return 1
    failed = 0
    for b in runnable:
        script = b.replace("build/src/vipctl", vipctl)
        p = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
        first = b.strip().splitlines()[0]
        if p.returncode != 0:
            failed += 1
            print(f"FAIL {first}\n  exit {p.returncode}: {p.stderr[-800:]}")
        else:
            print(f"ok   {first}")
    print(f"{len(runnable) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
