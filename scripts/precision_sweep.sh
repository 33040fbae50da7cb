#!/usr/bin/env bash
# The default precision rule (montecarlo.toml `precision`, `max_draws`) on books unlike the
# sample: synthetic books of several shapes and seeds valued at the default; prints per book the
# mean draws an asset took, the share that reached `max_draws` without meeting the target, the
# median and 95th-percentile relative standard error of the collateral value, and the run time.
# The target read is the shipped one (relative 0.001 or USD 8; override with PRECISION and
# PRECISION_USD when the models change); books are valued in USD.
#
#   scripts/precision_sweep.sh BINARY [ASSETS] [SEEDS]    # BINARY built with --features synth
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; n=${2:-2000}; seeds=${3:-"1 2"}
dir="${SCALE_DIR:-/tmp}/ipval-precision-sweep"; mkdir -p "$dir"
echo "| shape | seed | assets | mean draws | at cap, target missed | median rel. SE | p95 rel. SE | wall (s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for shape in "mixed" "giants" "singles" "patent-pending"; do
  for seed in $seeds; do
    case $shape in
      patent-pending) flags=(--patent-share 0.6 --pending-share 0.3) ;;
      *) flags=(--owners "$shape") ;;
    esac
    "$bin" synth --assets "$n" --seed "$seed" "${flags[@]}" --out "$dir/book.csv" >/dev/null
    start=$(date +%s.%N)
    "$bin" value --portfolio "$dir/book.csv" --market sample-data/market --as-of 2026-11-21 \
      --seed 1 --no-plots --out "$dir/out" >/dev/null
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    python3 - "$dir/out/assets.csv" "$shape" "$seed" "$wall" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["draws"] and float(r["collateral_value"] or 0) > 0]
rel = sorted(float(r["collateral_se"]) / float(r["collateral_value"]) for r in rows)
draws = [int(r["draws"]) for r in rows]
import os
share, usd = float(os.environ.get("PRECISION", "0.001")), float(os.environ.get("PRECISION_USD", "8"))
cap = sum(int(r["draws"]) >= 65536 and float(r["collateral_se"]) > max(share * float(r["collateral_value"]), usd) for r in rows)
print(f"| {sys.argv[2]} | {sys.argv[3]} | {len(rows)} | {sum(draws)/len(draws):,.0f} | {cap/len(rows):.1%} | {rel[len(rel)//2]:.4%} | {rel[int(.95*len(rel))]:.4%} | {float(sys.argv[4]):.1f} |")
PY
  done
done
