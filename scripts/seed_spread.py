#!/usr/bin/env python3
"""Lendable values across seeds (issue 22): runs `ipval value` once per seed on one book and
prints, over assets and over owners, the largest spread (max − min) of the lendable value as a
share of its mean, the assets outside a tolerance (1 % or USD 50 per asset, 0.5 % per owner), and
the grades that moved.

    python3 scripts/seed_spread.py --ipval target/release/ipval \
        --portfolio sample-data/portfolio.csv --seeds 1-10 [-- extra value options]
"""
import argparse, csv, os, subprocess, sys, tempfile, time


def read(path, key):
    with open(path, newline="") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ipval", default="target/release/ipval")
    ap.add_argument("--portfolio", default="sample-data/portfolio.csv")
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--as-of", default="2026-11-21")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    assets, owners, secs = {}, {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(lo, hi + 1):
            out = os.path.join(tmp, str(seed))
            cmd = [a.ipval, "value", "--portfolio", a.portfolio, "--as-of", a.as_of,
                   "--seed", str(seed), "--no-plots", "--out", out] + a.extra
            t = time.time()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            secs.append(time.time() - t)
            for k, r in read(os.path.join(out, "assets.csv"), "asset_id").items():
                assets.setdefault(k, []).append((float(r["lendable_value"] or 0), r["grade"]))
            for k, r in read(os.path.join(out, "portfolios.csv"), "owner").items():
                owners.setdefault(k, []).append(float(r["lendable_value"] or 0))

    def spread(v):
        m = sum(v) / len(v)
        return (max(v) - min(v)) / m if m > 0 else 0.0

    worst_a = max(assets.items(), key=lambda kv: spread([x for x, _ in kv[1]]))
    bad_a = [k for k, v in assets.items()
             if max(x for x, _ in v) - min(x for x, _ in v) > max(50.0, 0.01 * sum(x for x, _ in v) / len(v))]
    moved = [k for k, v in assets.items() if len({g for _, g in v}) > 1]
    worst_o = max(owners.items(), key=lambda kv: spread(kv[1]))
    bad_o = [k for k, v in owners.items() if spread(v) > 0.005]
    print(f"seeds {lo}-{hi}, {len(assets)} assets, {len(owners)} owners, "
          f"mean run {sum(secs) / len(secs):.2f} s")
    print(f"assets: max spread {spread([x for x, _ in worst_a[1]]):.3%} ({worst_a[0]}); "
          f"outside 1 % / USD 50: {len(bad_a)} {bad_a[:5]}; grade moved: {len(moved)} {moved[:5]}")
    print(f"owners: max spread {spread(worst_o[1]):.3%} ({worst_o[0]}); outside 0.5 %: {len(bad_o)}")
    sys.exit(1 if bad_a or bad_o else 0)


if __name__ == "__main__":
    main()
