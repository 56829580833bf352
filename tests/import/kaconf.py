"""A small reader of keepalived files for the import tests: statements with
their line, blocks, `#`/`!` comments, quotes, `@ID`/`@^ID` lines and
`include` (no globs, no parameters). Written apart from the C parser so the
tests compare the importer with a second reading, not with itself."""
import os
import shlex


class Stmt:
    def __init__(self, words, file, line):
        self.words, self.file, self.line = words, file, line
        self.block = None  # list of Stmt, or None

    @property
    def kw(self):
        return self.words[0]

    def find(self, kw):
        return [s for s in (self.block or []) if s.kw == kw]


def _tokens(path, node, depth=0):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for no, raw in enumerate(lines, 1):
        text = raw.strip()
        if text.startswith("@"):
            word, _, rest = text.partition(" ")
            neg = word.startswith("@^")
            name = word[2:] if neg else word[1:]
            if (name == node) == neg:
                continue
            text = rest.strip()
        lex = shlex.shlex(text, posix=True, punctuation_chars="{}")
        lex.whitespace_split = True
        lex.commenters = ""
        words = []
        try:
            for w in lex:
                if w.startswith(("#", "!")):
                    break
                words.append(w)
        except ValueError:
            words = text.split()
        if words and words[0].startswith("include") and depth < 8:
            for inc in words[1:]:
                yield from _tokens(os.path.join(os.path.dirname(path), inc), node, depth + 1)
            continue
        for w in words:
            yield w, path, no
        if words:
            yield "\n", path, no


def parse(path, node):
    """Top-level statements of path for config-id node."""
    toks = list(_tokens(path, node))
    pos = 0

    def block(close):
        nonlocal pos
        out = []
        while pos < len(toks):
            w, f, ln = toks[pos]
            if w == "\n":
                pos += 1
            elif w == "}":
                pos += 1
                if close:
                    return out
            elif w == "{":
                pos += 1
                block(True)
            else:
                words = []
                while pos < len(toks) and toks[pos][0] not in ("\n", "{", "}"):
                    words.append(toks[pos][0])
                    pos += 1
                s = Stmt(words, f, ln)
                if pos < len(toks) and toks[pos][0] == "{":
                    pos += 1
                    s.block = block(True)
                out.append(s)
        return out

    return block(False)


def instances(path, node):
    """{(vrid, family): {"priority", "vips", "interface"}} as keepalived
    runs them on node."""
    out = {}
    for s in parse(path, node):
        if s.kw != "vrrp_instance":
            continue
        prio, vrid, iface, v6 = 100, None, None, False
        vips = set()
        for c in s.block or []:
            if c.kw == "priority":
                prio = int(c.words[1])
            elif c.kw == "virtual_router_id":
                vrid = int(c.words[1])
            elif c.kw == "interface":
                iface = c.words[1]
            elif c.kw == "native_ipv6":
                v6 = True
            elif c.kw in ("virtual_ipaddress", "virtual_ipaddress_excluded"):
                for a in c.block or []:
                    addr = a.words[0]
                    if "/" not in addr:
                        addr += "/128" if ":" in addr else "/32"
                    vips.add(addr)
        if any(":" in v for v in vips):
            v6 = True
        out[(vrid, "ipv6" if v6 else "ipv4")] = {"priority": prio, "vips": vips,
                                                 "interface": iface}
    return out
