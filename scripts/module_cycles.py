#!/usr/bin/env python3
"""Lists the dependencies between the library's top-level modules (`use crate::x` and `crate::x::`
paths in code, not in comments) and fails if they form a cycle.

Run from the repository root: python3 scripts/module_cycles.py [--graph]
"""
import os, re, sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
deps = {}
for root, _, files in os.walk(SRC):
    for name in files:
        if not name.endswith(".rs") or name in ("lib.rs", "main.rs"):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, SRC)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        code = "\n".join(l.split("//")[0] for l in open(path, encoding="utf-8"))
        for m in re.findall(r"crate::([a-z_]+)", code):
            if m != top:
                deps.setdefault(top, set()).add(m)
        deps.setdefault(top, set())

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in sorted(deps.get(v, ())):
        if w not in deps:
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
for v in sorted(deps):
    if v not in index:
        visit(v)
if "--graph" in sys.argv:
    for v in sorted(deps):
        print(f"{v} -> {', '.join(sorted(deps[v]))}")
cycles = [sorted(s) for s in sccs if len(s) > 1]
for c in cycles:
    print("cycle:", " <-> ".join(c))
print("no cycle" if not cycles else f"{len(cycles)} cycle(s)")
sys.exit(1 if cycles else 0)
