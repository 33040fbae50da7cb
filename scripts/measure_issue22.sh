#!/usr/bin/env bash
# Issue 22's before/after figures: the default run and 1,000 draws on a 100k synthetic book,
# the numpy yardstick, and 1M x 100, each under GNU time (wall, peak RSS, user CPU).
#
#   scripts/measure_issue22.sh AFTER_BIN BEFORE_BIN      # e.g. target/release/ipval /tmp/ipval-eaf7a73
#
# AFTER_BIN must be built with --features synth (it writes the books). Needs GNU time and, for the
# numpy line, `pip install numpy`. Books and outputs go to $SCALE_DIR (default /tmp/ipval-scale).
set -euo pipefail
cd "$(dirname "$0")/.."
after=$1
before=$2
dir="${SCALE_DIR:-/tmp}/ipval-scale"
mkdir -p "$dir"
m=sample-data/market
[ -f "$dir/synth-100000.csv" ] || "$after" synth --assets 100000 --seed 1 --out "$dir/synth-100000.csv" >/dev/null
[ -f "$dir/synth-1000000.csv" ] || "$after" synth --assets 1000000 --seed 1 --out "$dir/synth-1000000.csv" >/dev/null
t() {
  label=$1; shift
  /usr/bin/time -f "$label: wall %e s, peak RSS %M KB, user %U s" "$@" >/dev/null
}
date -u
for bin in "$after" "$before"; do
  t "$bin 100k default" "$bin" value --portfolio "$dir/synth-100000.csv" --market $m \
    --as-of 2026-11-21 --seed 1 --no-plots --out "$dir/out"
  t "$bin 100k x 1000" "$bin" value --portfolio "$dir/synth-100000.csv" --market $m \
    --as-of 2026-11-21 --seed 1 --no-plots --draws 1000 --out "$dir/out"
  t "$bin 1M x 100" "$bin" value --portfolio "$dir/synth-1000000.csv" --market $m \
    --as-of 2026-11-21 --seed 1 --no-plots --draws 100 --out "$dir/out"
done
python3 scripts/numpy_rfr.py --portfolio "$dir/synth-100000.csv" --draws 1000 --ipval "$after"
date -u
