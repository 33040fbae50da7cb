#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into fuzz/corpus/<target>/ from the real files:
the sample portfolio (as CSV and, with pyarrow, as Parquet), the market folder, the models and a
valid overrides file. `python3 fuzz/seeds.py` (pyarrow: `pip install pyarrow`)."""
import csv, datetime, io, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
C = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    os.makedirs(f"{C}/{target}", exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(f"{C}/{target}/{name}", "wb") as f:
        f.write(data)


def tocsv(rows):
    s = io.StringIO()
    csv.writer(s, lineterminator="\n").writerows(rows)
    return s.getvalue()


rows = list(csv.reader(open(f"{ROOT}/sample-data/portfolio.csv", newline="")))
hdr = rows[0]
seen, pick = set(), []
for r in rows[1:]:  # one row per (asset_type, status)
    if (r[2], r[5]) not in seen:
        seen.add((r[2], r[5]))
        pick.append(r)
req = hdr[:7]
put("portfolio_csv", "sample-types.csv", tocsv([hdr] + pick))
put("portfolio_csv", "sample-head.csv", tocsv(rows[:4]))
put("portfolio_csv", "required-only.csv", tocsv([req] + [r[:7] for r in rows[1:4]]))
bad = [hdr] + [list(r) for r in rows[1:4]]
bad[1][6], bad[2][9], bad[3][0] = "2023-02-30", "NaN", bad[1][0]
put("portfolio_csv", "bad-rows.csv", tocsv(bad))
quoted = [r[:-1] + ['a "quoted", title\nwith newline'] for r in rows[1:3]]
put("portfolio_csv", "quoted-bom.csv", "\ufeff" + tocsv([hdr] + quoted))
put("portfolio_csv", "ragged.csv", tocsv([req, rows[1][:7] + ["extra"], rows[2][:5]]))
# The hostile shapes of issue 24, small enough to mutate quickly: one id many times, a header
# far wider than the column cap, NUL padding in the header and inside data rows, repeated
# headers (exact and differing in case and spaces).
put("portfolio_csv", "dup-ids.csv", tocsv([hdr] + [rows[1]] * 200))
put("portfolio_csv", "wide-header.csv", tocsv([hdr + [f"c{i}" for i in range(1100)], rows[1]]))
put("portfolio_csv", "nul-header.csv", b"\0" * 2048 + b"\n" + tocsv(rows[1:3]).encode())
put("portfolio_csv", "nul-rows.csv", tocsv(rows[:2]).encode() + b"\0" * 2048 + b"\n"
    + tocsv(rows[2:3]).encode())
put("portfolio_csv", "nul-in-cell.csv",
    tocsv([hdr, [rows[1][0] + "\0" * 64] + rows[1][1:]]).encode())
put("portfolio_csv", "repeated-asset-id.csv", tocsv([hdr + ["asset_id"]] + [r + ["X"] for r in rows[1:3]]))
put("portfolio_csv", "repeated-owner-case.csv", tocsv([hdr + [" OWNER "]] + [r + ["X"] for r in rows[1:3]]))

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:
    pa = None
if pa:
    sub = pick[:8]
    col = lambda i: [r[i] if r[i] != "" else None for r in sub]

    def pqbytes(t, **kw):
        b = io.BytesIO()
        pq.write_table(t, b, **kw)
        return b.getvalue()

    strings = pa.table({h: pa.array(col(i), pa.string()) for i, h in enumerate(hdr)})
    put("portfolio_parquet", "strings-snappy.parquet", pqbytes(strings))
    put("portfolio_parquet", "strings-plain.parquet",
        pqbytes(strings, compression="none", use_dictionary=False))
    floats = {"annual_revenue", "revenue_growth", "royalty_rate", "discount_rate", "tax_rate",
              "useful_life_years", "development_cost"}
    ints = {"development_year", "forward_citations", "family_size", "claims"}
    typed = {}
    for i, h in enumerate(hdr):
        v = col(i)
        if h.endswith("_date"):
            typed[h] = pa.array([datetime.date.fromisoformat(x) if x else None for x in v], pa.date32())
        elif h in floats:
            typed[h] = pa.array([float(x) if x else None for x in v], pa.float64())
        elif h in ints:
            typed[h] = pa.array([int(x) if x else None for x in v], pa.int64())
        elif h in ("encumbered", "licensed_out"):
            typed[h] = pa.array([x == "true" if x else None for x in v], pa.bool_())
        else:
            typed[h] = pa.array(v, pa.string())
    tt = pa.table(typed)
    put("portfolio_parquet", "typed-plain.parquet",
        pqbytes(tt, compression="none", use_dictionary=False))
    put("portfolio_parquet", "typed-dict-v2.parquet",
        pqbytes(tt, compression="none", data_page_version="2.0"))
    ts = pa.array([datetime.datetime.fromisoformat(x) for x in col(6)], pa.timestamp("ms"))
    ts = tt.set_column(tt.schema.get_field_index("filing_date"), "filing_date", ts)
    put("portfolio_parquet", "timestamp-gzip.parquet", pqbytes(ts, compression="gzip"))
    # Time-zone-aware timestamps (issue 24, row 10): UTC is read, another zone refused naming
    # the column (tests/it/hardening.rs reads these two seeds).
    for name, tz in [("tz-utc", "UTC"), ("tz-berlin", "Europe/Berlin")]:
        t = pa.array([datetime.datetime.fromisoformat(x).replace(tzinfo=datetime.timezone.utc)
                      for x in col(6)], pa.timestamp("ms", tz=tz))
        t = tt.set_column(tt.schema.get_field_index("filing_date"), "filing_date", t)
        put("portfolio_parquet", f"{name}.parquet", pqbytes(t.slice(0, 3), compression="none"))
    put("portfolio_parquet", "typed-noschema.parquet",
        pqbytes(tt.slice(0, 2), store_schema=False, write_statistics=False,
                compression="none", use_dictionary=False))

# The Parquet files that once crashed the reader (tests/it/fuzz_regressions/) seed the target,
# so that it starts next to the code paths they broke.
R = f"{ROOT}/tests/it/fuzz_regressions"
for f in sorted(os.listdir(R)):
    if f.startswith("portfolio_parquet-"):
        put("portfolio_parquet", "crash-" + f.split("-", 1)[1], open(f"{R}/{f}", "rb").read())

# market: the first byte picks the file (see fuzz_targets/market.rs)
M = f"{ROOT}/sample-data/market"
files = ["countries.csv", "sectors.csv", "fx_rates.csv", "transactions.csv", "fees.csv",
         "cost_index.csv"]
for i, f in enumerate(files):
    if os.path.exists(f"{M}/{f}"):
        data = open(f"{M}/{f}", "rb").read()
        put("market", f"{i}-{f}", bytes([i]) + data)
        put("market", f"{i}-{f}-head", bytes([i]) + b"\n".join(data.split(b"\n")[:4]) + b"\n")
put("market", "5-cost_index.csv",
    bytes([5]) + b"jurisdiction,year,index,source\nSG,2015,100,example\nSG,2020,112.5,example\n")

put("overrides", "valid.csv",
    "asset_id,field,value,reviewer,reason\n"
    "KH-TM-2012-1581,royalty_rate,0.04,J. Tan,licence agreement of 2024 shows 4 %\n"
    "SG-PAT-2024-8872,annual_revenue,1000000,A. Lim,first sales contract signed\n"
    "SG-PAT-2024-8872,grant_probability,0.9,A. Lim,examiner's allowance notice received\n")
ids = [r[0] for r in pick]
put("overrides", "fields.csv",
    "asset_id,field,value,reviewer,reason\n"
    f"{ids[0]},economic_life_years,12,X,r\n{ids[0]},statutory_term_years,15,X,r\n"
    f"{ids[1]},weight_market,0,X,r\n{ids[1]},expiry_date,,X,r\n{ids[2]},status,lapsed,X,r\n"
    f"{ids[2]},p_invalid,0.3,X,r\n{ids[3]},filing_date,2010-01-01,X,r\n")

put("overrides", "hostile.csv",
    "asset_id,field,value,reviewer,reason\n"
    f"{ids[0]},owner,Someone Else,X,r\n{ids[0]},asset_id,NEW-ID,X,r\n"
    f"{ids[1]},royalty_rate,0.04,\"=HYPERLINK(\"\"http://evil.example/\"\")\",'=1+1\n"
    f"{ids[1]},royalty_rate,0.04\0\0\0,X,r\n")
put("overrides", "repeated-header.csv",
    "asset_id,field,value,reviewer,reason,field\n" f"{ids[0]},royalty_rate,0.04,X,r,status\n")

# models_toml: the first byte picks the file, in the order of params::EMBEDDED
models = ["income.toml", "life.toml", "legal.toml", "cost.toml", "market.toml", "reconcile.toml",
          "montecarlo.toml", "scorecard.toml"]
for i, f in enumerate(models):
    put("models_toml", f"{i}-{f}", bytes([i]) + open(f"{ROOT}/models/{f}", "rb").read())

# valuations: the first byte picks CSV (even) or JSON (odd), the text to the first newline is
# the query string, the rest the body of POST /v1/valuations (see fuzz_targets/valuations.rs).
# The hostile cases of issue 24 among them.
def put_req(name, pick, query, body):
    if isinstance(body, str):
        body = body.encode()
    put("valuations", name, bytes([pick]) + query.encode() + b"\n" + body)


import json
small = tocsv(rows[:4])
put_req("csv-sample-head", 0, "draws=10&seed=3", small)
put_req("json-rows", 1, "draws=5&currency=eur", json.dumps([dict(zip(hdr, r)) for r in rows[1:3]]))
for i, q in enumerate(["draws=-1", "draws=abc", "draws=99999999999999999999999", "seed=-1",
                       "as_of=2026-02-30", "currency=XYZ", "draws=200001"]):
    put_req(f"query-{i}", 0, q, small)
put_req("repeated-asset-id", 0, "draws=0", tocsv([hdr + ["asset_id"]] + [r + ["X"] for r in rows[1:3]]))
put_req("repeated-owner-case", 0, "draws=0", tocsv([hdr + [" OWNER "]] + [r + ["X"] for r in rows[1:3]]))
put_req("many-copies-of-one-id", 0, "draws=0", tocsv([hdr] + [rows[1]] * 300))
put_req("wide-header", 0, "draws=0", tocsv([hdr + [f"c{i}" for i in range(1100)]]))
put_req("nul-header", 0, "draws=0", b"\0" * 4096 + b"\n")
put_req("json-nested", 1, "", '[{"asset_id":"A","owner":{"x":1}}]')
