#!/usr/bin/env python3
"""Print the import graph between the top-level modules of src/ and fail on a cycle.

A top-level module X is src/X.rs with everything under src/X/. Its edges are the modules Y
it names as `crate::Y` (in `use` lines, paths, and `crate::{Y, Z::…}` groups, nested or
spread over lines), comments left out; `super::` and `self::` stay inside X and are not
edges. Test code is left out unless --with-tests: items under `#[cfg(test)]` (an inline
`mod tests { … }`, a `mod fuzz;` and its file) and every `tests.rs`, since a test may use
another module's fixtures without the modules depending on each other. Every cycle (X
reaches Y and Y reaches X) is printed as `cycle: X -> Y -> X` and the script exits 1;
otherwise 0. Python 3 standard library only.

    scripts/check-cycles.py [--src DIR] [--with-tests] [--quiet]
"""

import argparse
import re
import sys
from pathlib import Path

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_comments(text):
    """Drop // and /* */ comments (doc comments included); keep string contents."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif c == "'" and i + 2 < n and (text[i + 2] == "'" or text[i + 1] == "\\"):
            # A char literal ('"', '\n'); a lifetime ('a) has no closing quote.
            j = text.find("'", i + 2)
            out.append(text[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


CFG_TEST = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*")
MOD_DECL = re.compile(r"(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*;")


def item_end(text, i):
    """Where the item starting at text[i] ends: its `;` or its balanced `{…}` block."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    return i


def drop_test_items(text):
    """The code without its `#[cfg(test)]` items; and the `mod x;` files those declare."""
    out, test_mods, i = [], [], 0
    for m in CFG_TEST.finditer(text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        decl = MOD_DECL.match(text, m.end())
        if decl:
            test_mods.append(decl.group(1))
        i = item_end(text, m.end())
    out.append(text[i:])
    return "".join(out), test_mods


def group_heads(text, start):
    """The first path segment of each item in the `{…}` group opening at text[start]."""
    heads, depth, expect, i = [], 0, True, start
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
            expect = depth == 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        elif c == "," and depth == 1:
            expect = True
        elif expect and depth == 1 and not c.isspace():
            m = IDENT.match(text, i)
            if m:
                heads.append(m.group())
                i = m.end() - 1
            expect = False
        i += 1
    return heads


def references(text):
    """Every module name X in `crate::X` or `crate::{X, …}` (comments stripped already)."""
    names = []
    for m in re.finditer(r"\bcrate\s*::\s*", text):
        j = m.end()
        if j < len(text) and text[j] == "{":
            names += group_heads(text, j)
        else:
            ident = IDENT.match(text, j)
            if ident:
                names.append(ident.group())
    return names


def modules(src):
    """Top-level module name -> its files."""
    mods = {}
    for f in sorted(src.glob("*.rs")):
        if f.stem in ("lib", "main"):
            continue
        files = [f]
        sub = src / f.stem
        if sub.is_dir():
            files += sorted(sub.rglob("*.rs"))
        mods[f.stem] = files
    for d in sorted(p for p in src.iterdir() if p.is_dir()):
        if d.name not in mods and (d / "mod.rs").is_file():
            mods[d.name] = sorted(d.rglob("*.rs"))
    return mods


def child_dir(f):
    """Where the files of the modules `f` declares live: src/x.rs -> src/x/."""
    return f.parent if f.name == "mod.rs" else f.with_suffix("")


def graph(src, with_tests):
    mods = modules(src)
    edges = {m: set() for m in mods}
    for m, files in mods.items():
        texts = {f: strip_comments(f.read_text(encoding="utf-8")) for f in files}
        skip = set()
        if not with_tests:
            for f in files:
                texts[f], test_mods = drop_test_items(texts[f])
                for t in test_mods:
                    d = child_dir(f)
                    skip |= {d / f"{t}.rs", d / t / "mod.rs"} | set((d / t).rglob("*.rs"))
            skip |= {f for f in files if f.name == "tests.rs" or "tests" in f.parts[:-1]}
        for f in files:
            if f in skip:
                continue
            for name in references(texts[f]):
                if name in mods and name != m:
                    edges[m].add(name)
    return edges


def cycles(edges):
    """For every strongly connected component of more than one module (Tarjan), the
    shortest cycle through each of its modules, each cycle once."""
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    found, seen = [], set()
    for comp in sorted(comps):
        for start in comp:
            c = shortest_cycle(edges, comp, start)
            key = frozenset(zip(c, c[1:]))
            if key not in seen:
                seen.add(key)
                found.append(c)
    return found


def shortest_cycle(edges, comp, start):
    """The shortest cycle from `start` back to it inside `comp`, as a list of names."""
    inside = set(comp)
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v] & inside):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return path[::-1] + [start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def main():
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=here / "src")
    ap.add_argument("--with-tests", action="store_true", help="count test code's imports too")
    ap.add_argument("--quiet", action="store_true", help="print only the cycles")
    args = ap.parse_args()
    edges = graph(args.src, args.with_tests)
    if not args.quiet:
        width = max(map(len, edges), default=0)
        for m in sorted(edges):
            print(f"{m:<{width}} -> {', '.join(sorted(edges[m])) or '(nothing)'}")
    found = cycles(edges)
    for c in found:
        print("cycle: " + " -> ".join(c), file=sys.stderr)
    if found:
        print(f"check-cycles: {len(found)} import cycle(s) between top-level modules", file=sys.stderr)
        return 1
    print("check-cycles: no import cycle between top-level modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
