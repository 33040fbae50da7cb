#!/usr/bin/env python3
"""Precision per second on the sample, whatever the estimator: each asset's collateral value over seeds
1-8 at 1,024 draws on one thread; the median relative standard deviation and 1 / (sd^2 x s).

    python3 scripts/precision_per_second.py BINARY [extra value options, e.g. --precision 0]
"""
import csv, subprocess, sys, time, statistics, tempfile, os
def run(binary, extra):
    cols = {}; secs = []
    with tempfile.TemporaryDirectory() as t:
        for seed in range(1, 9):
            out = os.path.join(t, str(seed))
            t0 = time.time()
            r = subprocess.run([binary, "value", "--portfolio", "sample-data/portfolio.csv", "--as-of", "2026-11-21", "--seed", str(seed), "--no-plots", "--threads", "1", "--draws", "1024", "--out", out] + extra, stdout=subprocess.DEVNULL)
            secs.append(time.time() - t0)
            for row in csv.DictReader(open(os.path.join(out, "assets.csv"))):
                c = float(row["collateral_value"] or 0)
                if row["grade"] != "NR" and c > 0: cols.setdefault(row["asset_id"], []).append(c)
    rel = sorted(statistics.stdev(v) / statistics.mean(v) for v in cols.values() if len(v) == 8)
    med = rel[len(rel) // 2]; s = statistics.mean(secs)
    print(f"{binary} {extra}: median relative sd of collateral over seeds 1-8 {100*med:.3f} %, {s:.3f} s a run (wall, one thread), 1/(sd^2 s) = {1/(med*med*s):.3e}")
if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2:])
