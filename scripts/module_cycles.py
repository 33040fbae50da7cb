#!/usr/bin/env python3
"""Lists the dependencies between the library's modules (`use crate::x`, `crate::x::` and
`super::x` paths in code, not in comments) and fails if they form a cycle, at two path levels:

- top level: each file keyed by its first path component (`ingest`, `pipeline`, `output`);
- inside folders: each file keyed by its first two components (`ingest/frame`, `output/report`;
  a folder's `mod.rs` is the folder itself), so that a circle between the files of a folder is
  seen too.

A folder's `mod.rs` declares its files and may re-export their items: a path through such a
re-export (`crate::ingest::Portfolio`) counts as a path to the file that defines the item
(`ingest/portfolio`), and the re-export itself is no dependency of `mod.rs`.

Run from the repository root: python3 scripts/module_cycles.py [--graph]
"""
import os, re, sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

files = {}  # key (two levels) -> code without comments
for root, _, names in os.walk(SRC):
    for name in names:
        if not name.endswith(".rs") or name in ("lib.rs", "main.rs"):
            continue
        rel = os.path.relpath(os.path.join(root, name), SRC).split(os.sep)
        rel[-1] = rel[-1].removesuffix(".rs")
        if rel[-1] == "mod":
            rel = rel[:-1]
        key = "/".join(rel[:2])
        code = "\n".join(l.split("//")[0] for l in open(os.path.join(root, name), encoding="utf-8"))
        files[key] = files.get(key, "") + "\n" + code

folders = {k.split("/")[0] for k in files if "/" in k}
# Items a folder's mod.rs re-exports from its files: `pub use file::{A, B}` / `pub use file::A`.
reexports = {}
for f in folders:
    for sub, items in re.findall(r"pub use (?:self::)?([a-z_]+)::\{?([A-Za-z_, \n]+)\}?;", files.get(f, "")):
        for item in re.split(r"[,\s]+", items):
            if item and item != "self":
                reexports[(f, item)] = f"{f}/{sub}"

def target(top, rest):
    """The key a path `crate::top::rest…` depends on."""
    if top not in folders or not rest:
        return top
    if f"{top}/{rest}" in files:
        return f"{top}/{rest}"
    return reexports.get((top, rest), top)

deps = {k: set() for k in files}
for key, code in files.items():
    top = key.split("/")[0]
    if key in folders:  # a mod.rs: its re-exports are not its dependencies
        code = re.sub(r"pub use [^;]*;", "", code)
    for a, b in re.findall(r"crate::([a-z_]+)(?:::([A-Za-z_]+))?", code):
        t = target(a, b)
        if t != key:
            deps[key].add(t)
    if "/" in key or key in folders:
        for b in re.findall(r"\bsuper::([A-Za-z_]+)", code):
            t = target(top, b) if "/" in key else top
            if t != key:
                deps[key].add(t)
        if key in folders:  # mod.rs naming its own files: `self::x` or a bare `x::`
            for b in re.findall(r"(?<![:\w])(?:self::)?([a-z_]+)::", code):
                if f"{key}/{b}" in files:
                    deps[key].add(f"{key}/{b}")

def cycles_of(graph):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop(); on.discard(w); scc.append(w)
                if w == v:
                    break
            sccs.append(scc)
    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [sorted(s) for s in sccs if len(s) > 1]

top_level = {}
for k, ds in deps.items():
    t = k.split("/")[0]
    top_level.setdefault(t, set()).update(d.split("/")[0] for d in ds if d.split("/")[0] != t)
# Inside each folder: its files' dependencies on one another. The folder's mod.rs is left out:
# it holds its files (declares them, dispatches to them, keeps what they share), so edges
# between it and them are containment, not a circle between siblings.
inner = {
    k: {d for d in ds if "/" in d and d.split("/")[0] == k.split("/")[0]}
    for k, ds in deps.items()
    if "/" in k
}

if "--graph" in sys.argv:
    for v in sorted(deps):
        print(f"{v} -> {', '.join(sorted(deps[v]))}")
found = [("top level", c) for c in cycles_of(top_level)] + [("in a folder", c) for c in cycles_of(inner)]
for level, c in found:
    print(f"cycle ({level}):", " <-> ".join(c))
print("no cycle" if not found else f"{len(found)} cycle(s)")
sys.exit(1 if found else 0)
