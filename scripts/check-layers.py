#!/usr/bin/python3
"""The layering check (make check, stage "layers"; docs/architecture.md).

Two graphs over src/:

- includes: `#include "module/file.h"` between the files of src/;
- calls: file A calls (or reads) a symbol that file B defines, from `nm`
  on the build's objects (compile_commands.json maps them to sources).

Rules, each failing the check:

1. A module includes only the modules below it (LOWER; the two pure VRRP
   files, the codec and the state machine, only util).
2. No circle between modules, in either graph.
3. No circle between the files of one module, in either graph: the
   lifecycle on top, the shared accessors below it.

4. No file of src/ outside the kinds' folders (src/model/kinds/,
   src/net/kinds/, each with its registry) names an interface kind: its
   constant (IFACE_VLAN), its spelling or netlink kind as a string
   ("vlan", "macvlan"), its part of the options (opts.vlan) or its ops
   table (kind_vlan, net_kind_vlan). Comments may. The names are read
   from the kinds' folders, so a new kind is covered by the rule.

A circle that is known and not yet undone is listed in
scripts/layers-debt.txt (one circle per line, its files sorted, space
separated); it is reported, not failed. A listed circle that no longer
exists fails too (take its line out: the list only shrinks).

  scripts/check-layers.py [--build DIR]   check src/ against DIR's objects
  scripts/check-layers.py --selftest      the rules on planted violations
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# module -> the modules it may include or call (not itself: always allowed)
LOWER = {
    "util": set(),
    "model": {"util"},
    "import": {"util", "model"},
    "plan": {"util", "model"},
    "net": {"util", "plan"},
    "check": {"util", "plan", "net"},
    "vrrp": {"util", "model", "plan", "net"},
    "bfd": {"util"},
    "daemon": {"util", "model", "plan", "net", "check", "vrrp", "bfd"},
    "cli": {"util", "model", "plan", "net", "check", "vrrp", "import"},
}
# files that must stay pure: only util below them
PURE = {"vrrp/packet.c", "vrrp/packet.h", "vrrp/fsm.c", "vrrp/fsm.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(path):
    """'model/kinds/vlan.c' -> 'model'."""
    return path.split("/", 1)[0]


# ---- the graphs ---------------------------------------------------------------------

def include_graph(src):
    """{file: {included file}} for the files under src (paths relative to src)."""
    graph = {}
    for dirpath, _, names in os.walk(src):
        for name in names:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            deps = set()
            for inc in INCLUDE.findall(text):
                if os.path.exists(os.path.join(src, inc)):
                    deps.add(inc)
                elif os.path.exists(os.path.join(os.path.dirname(path), inc)):
                    deps.add(os.path.relpath(os.path.join(os.path.dirname(path), inc), src))
            graph[rel] = deps
    return graph


def call_graph(build, src):
    """{file: {file whose symbols it uses}} from nm on build's objects."""
    with open(os.path.join(build, "compile_commands.json")) as f:
        commands = json.load(f)
    src = os.path.realpath(src)
    objects = {}
    for c in commands:
        path = os.path.realpath(os.path.join(c["directory"], c["file"]))
        if not path.startswith(src + os.sep):
            continue  # tests, fuzz targets: not layered
        objects[os.path.relpath(path, src)] = os.path.join(c["directory"], c["output"])
    defines, uses = {}, collections.defaultdict(set)
    for rel, obj in objects.items():
        if not os.path.exists(obj):
            raise SystemExit(f"check-layers: {obj} is missing: build first (ninja -C {build})")
        out = subprocess.run(["nm", obj], stdout=subprocess.PIPE, check=True,
                             universal_newlines=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRC":
                defines.setdefault(parts[2], set()).add(rel)
            elif len(parts) == 2 and parts[0] == "U":
                uses[rel].add(parts[1])
    graph = {rel: set() for rel in objects}
    for rel, symbols in uses.items():
        for sym in symbols:
            for other in defines.get(sym, ()):
                # main() and the like are defined by several programs
                if other != rel and len(defines[sym]) == 1:
                    graph[rel].add(other)
    return graph


# ---- the rules ----------------------------------------------------------------------

def circles(graph):
    """The strongly connected components with more than one node (Tarjan,
    iterative), each as a sorted tuple."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    found.append(tuple(sorted(comp)))
    return sorted(found)


def module_graph(graph):
    mods = collections.defaultdict(set)
    for a, deps in graph.items():
        for b in deps:
            if module_of(a) != module_of(b):
                mods[module_of(a)].add(module_of(b))
    return mods


def layer_errors(graph, what):
    """Rule 1 on one graph: (file, dep, why) for each forbidden edge."""
    errors = []
    for a in sorted(graph):
        ma = module_of(a)
        for b in sorted(graph[a]):
            mb = module_of(b)
            if a in PURE and mb != "util" and b not in PURE:
                errors.append(f"{a} {what} {b}: the VRRP codec and state machine stay pure "
                              "(util only)")
            elif mb != ma and mb not in LOWER.get(ma, set()):
                errors.append(f"{a} {what} {b}: {ma} may not depend on {mb} "
                              f"({ma} sits on {', '.join(sorted(LOWER.get(ma, ()))) or 'nothing'})")
    return errors


def check(graphs, debt):
    """graphs: {"includes": g, "calls": g}. Returns (errors, notices)."""
    errors, notices, seen = [], [], set()
    for what, graph in graphs.items():
        verb = "includes" if what == "includes" else "calls"
        errors += layer_errors(graph, verb)
        for comp in circles(module_graph(graph)):
            errors.append(f"modules in a circle ({what}): {' -> '.join(comp)}")
        per_module = collections.defaultdict(dict)
        for a, deps in graph.items():
            per_module[module_of(a)][a] = {b for b in deps if module_of(b) == module_of(a)}
        for mod in sorted(per_module):
            for comp in circles(per_module[mod]):
                key = " ".join(comp)
                seen.add(key)
                if key in debt:
                    notices.append(f"known circle ({what}, scripts/layers-debt.txt): {key}")
                else:
                    errors.append(f"files of {mod} in a circle ({what}): {key}")
    for key in sorted(debt - seen):
        errors.append(f"scripts/layers-debt.txt lists a circle that is gone: {key} "
                      "(take its line out)")
    return errors, notices


def read_debt(path):
    debt = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    debt.add(" ".join(sorted(line.split())))
    return debt


# ---- rule 4: the kinds own their behaviour ------------------------------------------

KIND_DIRS = ("model/kinds/", "net/kinds/")


def strip_comments(text):
    """C comments out, string literals kept (a comment may hide in none)."""
    out, pos = [], 0
    for m in re.finditer(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
                         text, re.S):
        out.append(text[pos:m.start()])
        out.append(m.group(0) if m.group(0)[0] in "\"'" else " ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def read_src(src, rel):
    with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
        return strip_comments(f.read())


def kind_names(src):
    """What names a kind, from the kinds' folders: the enum constants, the
    spellings and netlink kinds, the members of struct kind_opts and the
    ops tables. Returns {regex: what it is}."""
    types = read_src(src, "model/kinds/kind_types.h")
    enum = re.search(r"enum\s+iface_type\s*\{([^}]*)\}", types).group(1)
    consts = [c for c in re.findall(r"\b(IFACE_\w+)", enum) if c != "IFACE_TYPE_COUNT"]
    opts = re.search(r"struct\s+kind_opts\s*\{([^}]*)\}", types).group(1)
    members = re.findall(r"(\w+)\s*;", opts)
    spellings, tables = set(), set()
    for d in KIND_DIRS:
        for name in sorted(os.listdir(os.path.join(src, d))):
            if not name.endswith(".c"):
                continue
            text = read_src(src, d + name)
            spellings.update(re.findall(r'\[\s*IFACE_\w+\s*\]\s*=\s*"([^"]+)"', text))
            spellings.update(re.findall(r'\.(?:netlink_kind|kind)\s*=\s*"([^"]+)"', text))
            tables.update(re.findall(r"^const\s+struct\s+(?:iface_kind|net_kind)\s+(\w+)\s*=",
                                     text, re.M))
    names = {}
    for c in consts:
        names[r"\b%s\b" % c] = f"the kind constant {c}"
    for s in sorted(spellings):
        names[r'"%s"' % re.escape(s)] = f'the kind name "{s}"'
    for mb in members:
        names[r"\bopts\s*\.\s*%s\b" % mb] = f"the kind options opts.{mb}"
    for t in sorted(tables):
        names[r"\b%s\b" % t] = f"the ops table {t}"
    return names


def kind_errors(src):
    """Rule 4: (file:line: what) for each kind named outside the kinds' folders."""
    names = kind_names(src)
    pattern = re.compile("|".join(f"(?:{r})" for r in names))
    errors = []
    for dirpath, _, files in os.walk(src):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            if not name.endswith((".c", ".h")) or rel.startswith(KIND_DIRS):
                continue
            text = read_src(src, rel)
            for m in pattern.finditer(text):
                what = next(w for r, w in names.items() if re.fullmatch(r, m.group(0)))
                line = text.count("\n", 0, m.start()) + 1
                errors.append(f"{rel}:{line} names a kind outside src/model/kinds and "
                              f"src/net/kinds: {what} (give the kinds a hook instead)")
    return sorted(errors)


# ---- self-test ----------------------------------------------------------------------

def selftest():
    clean = {
        "util/a.c": {"util/a.h"}, "util/a.h": set(),
        "model/m.c": {"util/a.h", "model/m.h"}, "model/m.h": set(),
        "vrrp/fsm.c": {"vrrp/fsm.h", "util/a.h"}, "vrrp/fsm.h": set(),
        "vrrp/runtime.c": {"vrrp/fsm.h", "model/m.h"},
        "daemon/main.c": {"vrrp/fsm.h", "model/m.h"},
    }
    planted = {
        "a lower layer includes a higher one":
            (dict(clean, **{"util/a.c": {"util/a.h", "daemon/main.c"}}), set()),
        "the state machine includes net":
            (dict(clean, **{"vrrp/fsm.c": {"vrrp/fsm.h", "net/sock.h"}}), set()),
        "cli includes daemon":
            (dict(clean, **{"cli/show.c": {"daemon/main.c"}}), set()),
        "two files of a module in a circle":
            (dict(clean, **{"model/m.h": {"model/n.h"}, "model/n.h": {"model/m.h"}}), set()),
        "a listed circle that is gone":
            (clean, {"model/m.c model/n.c"}),
    }
    failed = 0
    errors, _ = check({"includes": clean}, set())
    if errors:
        print("selftest: the clean graph fails:", *errors, sep="\n  ")
        failed += 1
    for name, (graph, debt) in planted.items():
        errors, _ = check({"includes": graph}, debt)
        print(f"selftest: {name}: {'detected' if errors else 'NOT detected'}"
              + (f" ({errors[0]})" if errors else ""))
        failed += not errors
    # a known circle passes as a notice
    graph = dict(clean, **{"model/m.h": {"model/n.h"}, "model/n.h": {"model/m.h"}})
    errors, notices = check({"includes": graph}, {"model/m.h model/n.h"})
    ok = not errors and len(notices) == 1
    print(f"selftest: a listed circle is a notice: {'yes' if ok else 'NO'}")
    failed += not ok
    # the real tree with one include planted in a copy
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "src")
        shutil.copytree(os.path.join(ROOT, "src"), copy)
        with open(os.path.join(copy, "util", "ipaddr.c"), "a") as f:
            f.write('\n#include "daemon/daemon.h"\n')
        errors, _ = check({"includes": include_graph(copy)}, set())
        hit = [e for e in errors if e.startswith("util/ipaddr.c includes daemon/daemon.h")]
        print(f"selftest: src/ with util/ipaddr.c including daemon/daemon.h: "
              f"{'detected' if hit else 'NOT detected'}")
        failed += not hit
    failed += selftest_kinds()
    print(f"selftest: {'ok' if not failed else f'{failed} FAILED'}")
    return 1 if failed else 0


def selftest_kinds():
    """Rule 4 on the real tree (clean), then on copies with one kind named
    outside the kinds' folders; a comment naming one is no violation."""
    failed = 0
    errors = kind_errors(os.path.join(ROOT, "src"))
    print(f"selftest: src/ names no kind outside the kinds' folders: "
          f"{'yes' if not errors else 'NO'}", *errors[:5], sep="\n  " if errors else "")
    failed += bool(errors)
    planted = {
        "a kind constant in src/plan": ("plan/plan_links.c", "static int k = IFACE_VLAN;\n", True),
        "a kind name in src/cli": ("cli/show.c", 'static const char *k = "bridge";\n', True),
        "a netlink kind in src/net": ("net/nl_undo.c", 'static const char *k = "macvlan";\n', True),
        "a kind's options in src/model": ("model/compile.c", "#define K(i) ((i)->opts.bond)\n",
                                          True),
        "an ops table in src/plan": ("plan/plan.c", "#define K (&kind_lacp)\n", True),
        "a comment naming a kind (allowed)": ("plan/plan.c",
                                              '/* IFACE_VLAN, "vlan", opts.vlan */\n', False),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for what, (rel, line, bad) in planted.items():
            copy = os.path.join(tmp, what.replace(" ", "_"))
            shutil.copytree(os.path.join(ROOT, "src"), copy)
            with open(os.path.join(copy, rel), "a") as f:
                f.write("\n" + line)
            errors = kind_errors(copy)
            ok = bool(errors) == bad and all(e.startswith(rel + ":") for e in errors)
            print(f"selftest: {what}: "
                  f"{('detected' if errors else 'NOT detected') if bad else ('passes' if ok else 'FLAGGED')}"
                  + (f" ({errors[0]})" if errors else ""))
            failed += not ok
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    src = os.path.join(ROOT, "src")
    graphs = {"includes": include_graph(src), "calls": call_graph(args.build, src)}
    errors, notices = check(graphs, read_debt(os.path.join(ROOT, "scripts", "layers-debt.txt")))
    errors += kind_errors(src)
    for n in notices:
        print(f"layers: {n}")
    for e in errors:
        print(f"layers: error: {e}")
    files = len(graphs["includes"])
    print(f"layers: {files} files, {len(errors)} errors, {len(notices)} known circles")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
