#!/bin/bash
cd /work/main
M=sample-data/market
[ -f /tmp/p1m.csv ] || /tmp/ipval-new synth --assets 1000000 --seed 1 --out /tmp/p1m.csv >/dev/null
t() { label=$1; shift; /usr/bin/time -f "$label: wall %e s, peak RSS %M KB, user %U s" "$@" >/dev/null 2>>/tmp/measure.err; }
date -u
uptime
t "after  100k default" /tmp/ipval-new value --portfolio /tmp/p100k.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --out /tmp/m-a
t "before 100k default" /tmp/ipval-before value --portfolio /tmp/p100k.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --out /tmp/m-b
t "after  100k x 1000" /tmp/ipval-new value --portfolio /tmp/p100k.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --draws 1000 --out /tmp/m-a
t "before 100k x 1000" /tmp/ipval-before value --portfolio /tmp/p100k.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --draws 1000 --out /tmp/m-b
python3 scripts/numpy_rfr.py --portfolio /tmp/p100k.csv --draws 1000 --ipval /tmp/ipval-new
t "after  1M x 100" /tmp/ipval-new value --portfolio /tmp/p1m.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --draws 100 --out /tmp/m-a
t "before 1M x 100" /tmp/ipval-before value --portfolio /tmp/p1m.csv --market $M --as-of 2026-11-21 --seed 1 --no-plots --draws 100 --out /tmp/m-b
date -u
uptime
