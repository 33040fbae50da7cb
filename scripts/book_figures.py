#!/usr/bin/env python3
"""The credit figures of one `ipval value` output folder, as a credit officer would check them,
from the files any version of ipval writes (assets.csv and portfolios.csv): used to compare
methods v2 and v3 outputs side by side (the v3 closing note). The targets themselves are
measured in Rust by `ipval::targets` (examples/sweep.rs, tests/it/targets.rs).

    python3 scripts/book_figures.py OUT_DIR=PORTFOLIO.csv [OUT_DIR=PORTFOLIO.csv ...]

The portfolio gives each asset's status (assets.csv does not carry it).
"""
import csv, statistics, sys


def num(x):
    return float(x) if x not in ("", None) else None


def figures(arg):
    out, portfolio = arg.split("=", 1)
    status = {r["asset_id"]: r["status"] for r in csv.DictReader(open(portfolio, newline=""))}
    a = list(csv.DictReader(open(f"{out}/assets.csv", newline="")))
    p = list(csv.DictReader(open(f"{out}/portfolios.csv", newline="")))
    stake = lambda r: (num(r["p90"]) - num(r["p10"])) if r["p90"] else (num(r["value_point"]) or 0.0)
    lend = lambda r: num(r["lendable_value"]) or 0.0
    pending = [r for r in a if status[r["asset_id"]] == "pending"]
    dead = [r for r in a if status[r["asset_id"]] in ("expired", "lapsed")]
    total = sum(stake(r) for r in a)
    flagged = [r for r in a if r["review_flag"] == "true"]
    no_approach = [r for r in a if not (r["value_income"] or r["value_cost"] or r["value_market"])]
    floor_only = [r for r in no_approach if r["value_floor"] and status[r["asset_id"]] not in ("expired", "lapsed")]
    above_b = {"AAA", "AA", "A", "BBB", "BB"}
    market_only = [r for r in a if r["value_market"] and not (r["value_income"] or r["value_cost"])]
    patents = [r for r in a if r["asset_type"] == "patent"]
    out_rows = {
        "assets": len(a),
        "flagged %": 100 * len(flagged) / len(a),
        "stake held %": 100 * sum(stake(r) for r in flagged) / total if total else 100.0,
        "pending": len(pending),
        "pending with lendable > 0": sum(1 for r in pending if lend(r) > 0),
        "pending: Σ lendable": sum(lend(r) for r in pending),
        "expired/lapsed or NR lending": sum(1 for r in dead + [r for r in a if r["grade"] == "NR"] if lend(r) > 0),
        "collateral > p50 (any)": sum(1 for r in a if r["collateral_value"] and r["p50"] and num(r["collateral_value"]) > num(r["p50"])),
        "collateral > p50, lending": sum(1 for r in a if lend(r) > 0 and num(r["collateral_value"]) > (num(r["p50"]) or 0)),
        "fee-floor-only assets": len(floor_only),
        "fee-floor-only graded above B": sum(1 for r in floor_only if r["grade"] in above_b),
        "market-route-only assets": len(market_only),
        "market-route-only: Σ lendable": sum(lend(r) for r in market_only),
        "Σ lendable": sum(lend(r) for r in a),
        "Σ lendable, patents": sum(lend(r) for r in patents),
        "NR": sum(1 for r in a if r["grade"] == "NR"),
    }
    if "pd" in p[0]:
        out_rows["portfolio pd (median)"] = statistics.median(num(r["pd"]) for r in p if r["pd"])
    return out_rows


def main():
    cols = [figures(d) for d in sys.argv[1:]]
    print("| figure | " + " | ".join(sys.argv[1:]) + " |")
    print("|---|" + "---:|" * len(cols))
    for k in cols[0]:
        vals = []
        for c in cols:
            v = c.get(k)
            vals.append("" if v is None else (f"{v:,.1f}" if isinstance(v, float) and abs(v) >= 10 else f"{v:.4g}" if isinstance(v, float) else str(v)))
        print(f"| {k} | " + " | ".join(vals) + " |")


if __name__ == "__main__":
    main()
