#!/usr/bin/env bash
# Scale benchmark: synthetic portfolios of growing size valued end to end (read, simulate,
# write) with a release build; prints a Markdown table of wall time and peak memory.
#
#   scripts/scale.sh                       # 10k, 100k (1,000 draws) and 1M (100 draws)
#   scripts/scale.sh 100000:1000           # one size:draws pair
#
# Needs GNU time (/usr/bin/time, Debian package `time`). Files go to $SCALE_DIR (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ipval-target}"
dir="${SCALE_DIR:-/tmp}/ipval-scale"
mkdir -p "$dir"
cargo build --release --quiet --features synth
bin="$CARGO_TARGET_DIR/release/ipval"
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(10000:1000 100000:1000 1000000:100)
echo "| assets | draws | synth (s) | value wall (s) | value peak RSS (MiB) | assets/s |"
echo "|---:|---:|---:|---:|---:|---:|"
for run in "${runs[@]}"; do
  n=${run%%:*}; draws=${run##*:}
  portfolio="$dir/synth-$n.csv"
  t0=$(date +%s.%N)
  "$bin" synth --assets "$n" --seed 1 --out "$portfolio" >/dev/null
  t1=$(date +%s.%N)
  /usr/bin/time -v -o "$dir/time-$n.txt" "$bin" value --portfolio "$portfolio" \
    --market sample-data/market --as-of 2026-11-21 --draws "$draws" --seed 1 --no-plots \
    --out "$dir/out-$n" >/dev/null
  wall=$(grep "Elapsed (wall clock)" "$dir/time-$n.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$dir/time-$n.txt" | awk '{print int($NF/1024)}')
  printf "| %s | %s | %.1f | %.1f | %s | %.0f |\n" "$n" "$draws" "$(echo "$t1 - $t0" | bc)" "$wall" "$rss" "$(echo "$n / $wall" | bc -l)"
done
