#!/usr/bin/env python3
"""A vectorised numpy relief-from-royalty Monte Carlo, the yardstick of issue 22: the same
synthetic book and draws as `ipval value --draws 1000 --no-plots --precision 0`, but the income
approach alone (no cost or market approach, no scoring, no files written), timed against ipval
in the same minutes.

    pip install numpy
    ipval synth --assets 100000 --seed 1 --out /tmp/p100k.csv      # built with --features synth
    python3 scripts/numpy_rfr.py --portfolio /tmp/p100k.csv --draws 1000 \
        --ipval target/release/ipval

Per draw, as ipval's income approach (docs/methods.md §4, §8): revenue lognormal (sigma 0.3),
growth normal around the row's (sigma 0.05, at least -0.95) fading linearly to 2.5 % over five
years, royalty PERT (lambda 4) over ±50 % of the row's rate, discount rate normal around the row's
(sigma 0.015, at least 0.05), economic life the row's (or 10 years) times a lognormal (sigma 0.3),
the last year pro rata, tax 20 % unless the row says, and the tax amortisation benefit over 15
years. Rows without revenue are skipped (ipval values them by the other approaches). The numbers
are not ipval's — its inputs come from market data and models — but the work per draw is the same
kind: a yearly loop over a discounted royalty stream.
"""
import argparse, csv, os, subprocess, tempfile, time

import numpy as np


def rows(path):
    out = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if not r.get("annual_revenue"):
                continue
            num = lambda k, d: float(r[k]) if r.get(k) else d
            out.append((float(r["annual_revenue"]), num("revenue_growth", 0.03),
                        num("royalty_rate", 0.03), num("discount_rate", 0.15),
                        num("useful_life_years", 10.0), num("tax_rate", 0.2)))
    return np.array(out, dtype=np.float64)


def rfr(p, draws, rng):
    """Values of `draws` draws for each asset row of `p` (a block), shape (assets, draws)."""
    n = p.shape[0]
    r0 = p[:, 0:1] * np.exp(0.3 * rng.standard_normal((n, draws)))
    g0 = np.maximum(p[:, 1:2] + 0.05 * rng.standard_normal((n, draws)), -0.95)
    mode = p[:, 2:3]
    lo, hi = 0.5 * mode, np.minimum(1.5 * mode, 0.999)
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    royalty = lo + (hi - lo) * rng.beta(a, b, (n, draws))
    k = np.maximum(p[:, 3:4] + 0.015 * rng.standard_normal((n, draws)), 0.05)
    life = p[:, 4:5] * np.exp(0.3 * rng.standard_normal((n, draws)))
    tax = p[:, 5:6]
    value = np.zeros((n, draws))
    revenue = r0.copy()
    disc = np.ones((n, draws))
    annuity = np.zeros((n, draws))
    years = int(np.ceil(life.max()))
    for t in range(1, years + 1):
        fade = min(t - 1, 5) / 5.0
        g = g0 * (1 - fade) + 0.025 * fade
        revenue *= 1 + g
        disc /= 1 + k
        share = np.clip(life - (t - 1), 0.0, 1.0)
        value += revenue * royalty * (1 - tax) * disc * share
        annuity += disc * share
    tab = 1.0 / (1.0 - tax * annuity.clip(max=15.0) / 15.0)
    return value * tab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portfolio", required=True)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--block", type=int, default=2000, help="assets per numpy block")
    ap.add_argument("--ipval", help="also time `ipval value` on the same book")
    ap.add_argument("--market", default="sample-data/market")
    a = ap.parse_args()
    p = rows(a.portfolio)
    rng = np.random.default_rng(1)
    t = time.time()
    checksum = 0.0
    for i in range(0, len(p), a.block):
        v = rfr(p[i:i + a.block], a.draws, rng)
        checksum += float(np.percentile(v, 10, axis=1).sum())
    numpy_s = time.time() - t
    print(f"numpy RFR: {len(p)} assets with revenue x {a.draws} draws in {numpy_s:.2f} s "
          f"(sum of p10s {checksum:.4g})")
    if a.ipval:
        with tempfile.TemporaryDirectory() as out:
            cmd = [a.ipval, "value", "--portfolio", a.portfolio, "--market", a.market,
                   "--as-of", "2026-11-21", "--draws", str(a.draws), "--precision", "0",
                   "--no-plots", "--out", os.path.join(out, "o")]
            t = time.time()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            ipval_s = time.time() - t
        print(f"ipval value (every asset, three approaches, scores, files): {ipval_s:.2f} s; "
              f"numpy / ipval = {numpy_s / ipval_s:.2f}")


if __name__ == "__main__":
    main()
