#!/usr/bin/env python3
"""Builds sample-data/market/*.csv from the sourced inputs in sample-data/sources/.

Run from anywhere (paths are relative to this file): python3 sample-data/tools/build_market.py [SOURCES_DIR]
SOURCES_DIR defaults to sample-data/sources/ (see its README.md for what each input is).
It records the fee rows it skipped and the transactions it excluded in sample-data/tools/*.txt.
"""
import csv, math, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "sources")
OUT = os.path.join(HERE, "..", "market")

def rd(name):
    with open(os.path.join(SRC, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def wr(name, cols, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})

def fmt(x, nd=6):
    s = f"{x:.{nd}f}".rstrip("0").rstrip(".")
    return s if s else "0"

# ---------------------------------------------------------------- fx_rates
fx_rows = []
for r in rd("fx_rates.csv"):
    src = r["source"] + ("; " + r["note"] if r["note"] and r["currency"] != "USD" else "")
    fx_rows.append({"currency": r["currency"], "usd_per_unit": r["usd_per_unit"], "as_of": r["as_of"],
                    "source": src if r["currency"] != "USD" else "identity (base currency)"})
# hand-collected rates (sources/fx_rates_added.csv): quoted as local units per USD, inverted here
for r in rd("fx_rates_added.csv"):
    fx_rows.append({"currency": r["currency"], "usd_per_unit": fmt(1/float(r["local_per_usd"]), int(r["round_decimals"])),
                    "as_of": r["as_of"], "source": r["source"]})
order = ["USD","BND","IDR","KHR","LAK","MYR","MMK","PHP","SGD","THB","VND","JPY","CNY","KRW","INR","AUD","EUR","GBP"]
fx_rows.sort(key=lambda r: order.index(r["currency"]))
wr("fx_rates.csv", ["currency","usd_per_unit","as_of","source"], fx_rows)
fx = {r["currency"]: float(r["usd_per_unit"]) for r in fx_rows}

# ---------------------------------------------------------------- countries
enf = {r["jurisdiction"]: r for r in rd("ip_enforcement.csv")}
tax_am = {r["jurisdiction"]: r for r in rd("tax_amortisation.csv")}
ctry = rd("countries.csv")
A, B = None, None
anchors = []
def observed(j):
    e = enf[j]
    if e["ipri_ip_rights"]:
        return float(e["ipri_ip_rights"])/10, f"observed: IPRI {e['ipri_edition']} intellectual-property-rights component {e['ipri_ip_rights']}/10"
    if e["ipri_overall"]:
        return float(e["ipri_overall"])/10, f"observed: IPRI {e['ipri_edition']} overall score {e['ipri_overall']}/10 (no IP-rights component found)"
    if e["other_index_value"]:
        return float(e["other_index_value"])/100, f"observed: {e['other_index_name']} {e['other_index_value']}/100"
    return None, None
for c in ctry:
    v, _ = observed(c["jurisdiction"])
    if v is not None:
        anchors.append((float(c["country_risk_premium"]), v))
xs = [a for a, _ in anchors]; ys = [math.log(b) for _, b in anchors]
mx = sum(xs)/len(xs); my = sum(ys)/len(ys)
B = sum((x-mx)*(y-my) for x, y in zip(xs, ys))/sum((x-mx)**2 for x in xs)
A = math.exp(my - B*mx)
CAP = max(v for _, v in anchors)
FLOOR = 0.15
print(f"fit: index = {A:.4f} * exp({B:.4f} * CRP), n={len(anchors)}, cap {CAP}, floor {FLOOR}")
crow = []
for c in ctry:
    j = c["jurisdiction"]; crp = float(c["country_risk_premium"])
    v, basis = observed(j)
    if v is not None:
        esrc = enf[j]["source"]
    else:
        raw = A*math.exp(B*crp)
        v = min(CAP, max(FLOOR, raw))
        clamp = " (capped at the highest observed anchor, US 0.9548)" if raw > CAP else (" (raised to the floor 0.15)" if raw < FLOOR else "")
        basis = (f"derived (assumption): {A:.4f}*exp({B:.2f}*CRP) with CRP {c['country_risk_premium']} ({c['moodys_rating']}"
                 f"{', ' + c['crp_basis'] if c['moodys_rating']=='NR' else ''}) = {raw:.4f}{clamp}; fit by least squares on ln(index) over the 9 jurisdictions with an observed figure")
        esrc = "assumption: derived from the Damodaran CRP by the monotone rule in enforcement_basis (see market/README.md)"
    crow.append({"jurisdiction": j, "country": c["country"], "currency": c["currency"],
                 "country_risk_premium": c["country_risk_premium"], "corporate_tax_rate": c["corporate_tax_rate"],
                 "enforcement_index": fmt(v, 4), "enforcement_basis": basis,
                 "tax_amortisation_years": tax_am[j]["tax_amortisation_years"],
                 "tax_amortisation_source": tax_am[j]["tax_amortisation_source"],
                 "source": f"CRP and tax: {c['source']}; CRP basis {c['crp_basis']}; enforcement: {esrc}"})
assert set(tax_am) == {c["jurisdiction"] for c in ctry}, "tax_amortisation.csv must cover every jurisdiction"
wr("countries.csv", ["jurisdiction","country","currency","country_risk_premium","corporate_tax_rate","enforcement_index","enforcement_basis",
                     "tax_amortisation_years","tax_amortisation_source","source"], crow)

# ---------------------------------------------------------------- sectors
betas = {r["damodaran_industry"]: r for r in rd("industry_betas.csv")}
roy = {r["industry"]: r for r in rd("royalty_rates.csv")}
SECT = [
 # key, damodaran industry, royalty row, how median, closest-note
 ("software", "Software (System & Application)", "Software and SaaS", None),
 ("pharmaceuticals", "Drugs (Pharmaceutical)", "Pharmaceuticals and biotech", None),
 ("medical_devices", "Healthcare Products", "Medical devices", None),
 ("consumer_products", "Household Products", "Consumer products", None),
 ("electronics", "Electronics (General)", "Electronics and hardware", None),
 ("semiconductors", "Semiconductor", "Semiconductors", None),
 ("chemicals", "Chemical (Specialty)", "Chemicals and materials", None),
 ("automotive", "Auto Parts", "Automotive and industrial", None),
 ("telecom", "Telecom. Equipment", "Electronics and hardware", "no telecom royalty row in the source; closest row 'Electronics and hardware' (patent range) used"),
 ("food_beverage", "Food Processing", "Food/Beverage", None),
 ("restaurants", "Restaurant/Dining", "Restaurants", None),
 ("apparel", "Apparel", "All corporate brand/trademark merchandise", "no apparel row in the source; closest row 'All corporate brand/trademark merchandise' (The Licensing Letter, all categories) used"),
 ("agriculture", "Farming/Agriculture", "Food/Beverage", "no agriculture/GI row in the source; closest row 'Food/Beverage' trademark merchandise (The Licensing Letter) used, as GIs and farm brands license like food trademarks"),
 ("media_entertainment", "Entertainment", "All industries", "no copyright/media row in the source; closest row 'All industries' trademark range with its stated median (LegalClarity) used; consistent with the RoyaltyStat cross-industry median of 0.05-0.06"),
]
srow = []
for key, ind, rrow, closest in SECT:
    b = betas[ind]; r = roy[rrow]
    lo, hi = float(r["low"]), float(r["high"])
    if r["median"]:
        med = float(r["median"]); how = f"median {r['median']} stated by the source (approximate cross-industry median)"
    elif r["mean"]:
        med = float(r["mean"]); how = f"no median in the source: the mean {r['mean']} is used as the median"
    else:
        med = (lo+hi)/2; how = f"no median in the source: midpoint of the range ({fmt(lo)}+{fmt(hi)})/2"
    assert 0 < lo <= med <= hi < 1
    kind = "patent royalty range" if r["asset_type"] == "technology" else "trademark royalty range"
    rb = f"row '{rrow}' ({kind}, {fmt(lo)}-{fmt(hi)}); {how}"
    if closest: rb = closest + "; " + rb
    sd = float(b["std_dev_operating_income"])
    vol = min(0.60, max(0.15, sd))
    vnote = f"revenue_volatility = Damodaran std_dev_operating_income {b['std_dev_operating_income']}" + (f" clamped to [0.15, 0.60] -> {fmt(vol,4)}" if vol != sd else " (within [0.15, 0.60])")
    srow.append({"sector": key, "damodaran_industry": ind, "levered_beta": b["levered_beta"],
                 "royalty_low": fmt(lo,4), "royalty_median": fmt(med,4), "royalty_high": fmt(hi,4),
                 "revenue_volatility": fmt(vol,4), "royalty_basis": rb + "; " + vnote + " (proxy, assumption)",
                 "source": f"beta and std dev: {b['source']}; royalty: {r['source']}"})
wr("sectors.csv", ["sector","damodaran_industry","levered_beta","royalty_low","royalty_median","royalty_high","revenue_volatility","royalty_basis","source"], srow)

# ---------------------------------------------------------------- royalty_rates (sector x asset class)
# technology = patents, designs, trade secrets; brand = trademarks, GIs; copyright = copyright works.
def row_range(r):
    lo, hi = float(r["low"]), float(r["high"])
    if r["median"]:
        return lo, float(r["median"]), hi, f"median {r['median']} stated by the source"
    if r["mean"]:
        return lo, float(r["mean"]), hi, f"no median in the source: the mean {r['mean']} is used as the median"
    return lo, (lo+hi)/2, hi, f"no median in the source: midpoint of the range ({fmt(lo)}+{fmt(hi)})/2"
# Parr Exhibit C.1: cumulative distribution of technology royalty rates over 25 technology industries
cum = sorted((float(r["rate_at_or_below"]), float(r["cumulative_share"]), r["source"]) for r in rd("royalty_rate_cumulative.csv"))
def rate_at_share(q):
    for (x0, y0, _), (x1, y1, _) in zip(cum, cum[1:]):
        if y0 <= q <= y1:
            return x0 + (q - y0) / (y1 - y0) * (x1 - x0)
    raise ValueError(q)
P_LO, P_HI, P_MED = cum[0][0], cum[-1][0], rate_at_share(0.5)
P_BR = next((a, b) for a, b in zip(cum, cum[1:]) if a[1] <= 0.5 <= b[1])
PARR = (P_LO, P_MED, P_HI,
        f"{cum[0][2]}; cross-industry distribution (all 25 technology industries, the source gives no industry split): low = {fmt(P_LO)} "
        f"(share at or below: {fmt(cum[0][1])}), high = {fmt(P_HI)} (share at or below: {fmt(cum[-1][1])}), median = {fmt(P_MED,4)} "
        f"interpolated linearly between {fmt(P_BR[0][0])} (share {fmt(P_BR[0][1])}) and {fmt(P_BR[1][0])} (share {fmt(P_BR[1][1])}) at share 0.5; "
        "low and high are the lowest and highest tabulated rates (about the 20th and 92nd percentiles), not the extremes")
TECH_ROW = {k: rrow for k, _, rrow, closest in SECT if closest is None and roy[rrow]["asset_type"] == "technology"}
CONSUMER = ("food_beverage", "restaurants", "apparel", "agriculture", "media_entertainment")
BRAND_ROW = {"food_beverage": "Food/Beverage", "restaurants": "Restaurants", "automotive": "Automotive/Motor Vehicle",
             "apparel": "All corporate brand/trademark merchandise", "consumer_products": "All corporate brand/trademark merchandise"}
srow_by = {r["sector"]: r for r in srow}
def from_row(rrow, note):
    lo, med, hi, how = row_range(roy[rrow])
    return lo, med, hi, f"{roy[rrow]['source']}; row '{rrow}' ({fmt(lo)}-{fmt(hi)}); {how}" + (f"; {note}" if note else "")
def from_sector(key, why):
    r = srow_by[key]
    return (float(r["royalty_low"]), float(r["royalty_median"]), float(r["royalty_high"]),
            f"assumption: {why}; the sector default of sectors.csv is used ({r['royalty_basis'].split('; revenue_volatility')[0]}; royalty source: {r['source'].split('; royalty: ')[1]})")
rrows = []
for key, _, _, _ in SECT:
    # technology
    if key in TECH_ROW:
        t = from_row(TECH_ROW[key], "patent royalty range for this industry"); tb = "sourced"
    elif key in CONSUMER:
        t = PARR; tb = "cross_industry"
    else:  # telecom: no telecom row, closest row as in sectors.csv
        t = from_sector(key, "no telecom patent royalty range in the sources; the closest row 'Electronics and hardware' stands in"); tb = "assumption"
    # brand
    if key in BRAND_ROW:
        rr = BRAND_ROW[key]
        cross = rr.startswith("All")
        b = from_row(rr, ("cross-category range: The Licensing Letter's figure for all corporate trademark/brand licensed merchandise, "
                          "applied to this sector as such" if cross else "trademark royalty range for this category"))
        bb = "cross_industry" if cross else "sourced"
    elif key == "agriculture":
        b = from_row("Food/Beverage", "assumption: no agriculture or geographical-indication row in the sources; farm brands and GIs "
                     "(coffee, tea, rice) are taken to license like food brands (closest row)"); bb = "assumption"
    else:
        b = from_row("All industries", "cross-industry range: the source gives it as the range of most trademark deals across industries, "
                     "applied to this sector as such (no sector-specific trademark figure found)"); bb = "cross_industry"
    # copyright
    c = from_sector(key, "no published copyright royalty range was found in a stored copy for any sector (publishing, music, software or "
                    "content licensing); ipval would otherwise apply the sector rate to copyrights too"); cb = "assumption"
    for cls, (lo, med, hi, src), basis in (("technology", t, tb), ("brand", b, bb), ("copyright", c, cb)):
        assert 0 < lo <= med <= hi < 1, (key, cls)
        rrows.append({"sector": key, "asset_class": cls, "royalty_low": fmt(lo, 4), "royalty_median": fmt(med, 4),
                      "royalty_high": fmt(hi, 4), "basis": basis, "source": src})
wr("royalty_rates.csv", ["sector","asset_class","royalty_low","royalty_median","royalty_high","basis","source"], rrows)
print("royalty_rates", len(rrows), {cls: {b: sum(1 for r in rrows if r["asset_class"] == cls and r["basis"] == b) for b in ("sourced", "cross_industry", "assumption")} for cls in ("technology","brand","copyright")})

# ---------------------------------------------------------------- transactions
SECMAP = {"Novell Inc.": "software", "Nortel Networks (in bankruptcy)": "telecom", "AOL": "software",
          "Microsoft": "software", "InterDigital": "telecom", "Eastman Kodak (in bankruptcy)": "electronics",
          "Rockstar Consortium": "telecom", "BlackBerry": "telecom"}
trows = []; excluded = []
def normdate(d):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d): return d, ""
    if re.fullmatch(r"\d{4}-\d{2}", d): return d + "-01", "month-level date in source, set to first of month"
    m = re.fullmatch(r"(\d{4})-Q(\d)", d)
    if m: return f"{m.group(1)}-{(int(m.group(2))-1)*3+1:02d}-01", "quarter in source, set to first day of the quarter"
    m = re.fullmatch(r"(\d{4})-(\d{4})", d)
    if m: return f"{m.group(1)}-01-01", "market year in source, set to 1 January of its first year"
    if re.fullmatch(r"\d{4}", d): return d + "-01-01", "year in source, set to 1 January"
    raise ValueError(d)
for r in rd("patent_transactions.csv"):
    pb = r["price_basis"]
    if pb == "whole_company_acquisition":
        excluded.append((r["date"], r["seller"], "whole-company acquisition; price is not a patent price")); continue
    if pb == "market_total_sales":
        excluded.append((r["date"], r["buyer"], "annual market total; no per-asset price or asset count")); continue
    if pb.endswith("_per_us_patent"):
        excluded.append((r["date"], r["buyer"], f"{pb} {r['price_per_asset_usd']}: second statistic on the same packages as the all-asset row; kept the all-asset row to avoid double counting")); continue
    d, dn = normdate(r["date"])
    if r["buyer"] == "brokered patent market (aggregate)":
        sector = "software"; n = "1"; price = r["price_per_asset_usd"]
        desc = (f"Brokered US patent market aggregate, {r['date']}: {pb.replace('_',' ')} = USD {int(price):,} over "
                f"{r['n_assets'] + ' assets' if r['n_assets'] else 'the packages studied'} ({r['asset_type']}; {r['sector']}); "
                "kept as one comparable with n_assets=1; ASKING price, not a sale price; sector mapped to software because software is the largest "
                "technology share of brokered sales (0.57 in 2018, 0.52 in 2019, same Richardson Oliver series)" + (f"; {r['note']}" if r['note'] else "") + (f"; date: {dn}" if dn else ""))
    else:
        sector = SECMAP[r["seller"]]; n = r["n_assets"]; price = r["price_usd"]
        desc = (f"{r['buyer']} bought from {r['seller']}: {r['n_assets']} {r['asset_type']} ({r['sector']}) for USD {int(price):,}; {r['note']}"
                + (f"; date: {dn}" if dn else ""))
    trows.append({"date": d, "asset_type": "patent", "sector": sector, "price_usd": price, "n_assets": n,
                  "revenue_usd": "", "remaining_life_years": "", "price_basis": pb, "description": desc, "source": r["source"]})
wr("transactions.csv", ["date","asset_type","sector","price_usd","n_assets","revenue_usd","remaining_life_years","price_basis","description","source"], trows)
print("transactions kept", len(trows), "excluded", len(excluded))
for e in excluded: print("  EXCL", e)

# ---------------------------------------------------------------- fees
ATYPE = {"patent": "patent", "trademark": "trademark", "industrial_design": "design"}
APP_ITEMS = {"filing", "search", "examination", "search_and_examination", "publication", "formality_examination", "national_phase_entry"}
GRANT_ITEMS = {"grant", "registration"}
frows = []; skipped = []
have_direct_filing = set(); office_items = set()
for r in rd("ip_fees.csv"):
    if r["fee_item"] == "filing": have_direct_filing.add((r["jurisdiction"], r["asset_type"]))
    if "IPFLang" not in r["source"]: office_items.add((r["jurisdiction"], r["asset_type"], r["fee_item"]))
def skip(r, why): skipped.append((r["jurisdiction"], r["asset_type"], r["fee_item"], r["amount"], r["currency"], r["applicant_category"], why))
for r in rd("ip_fees.csv"):
    j, at, item, cur = r["jurisdiction"], r["asset_type"], r["fee_item"], r["currency"]
    cat, unit, note, src = r["applicant_category"], r["unit"], r["note"], r["source"]
    if at not in ATYPE: skip(r, "asset type not used by the tool"); continue
    if cur not in fx: skip(r, f"no FX rate for {cur}"); continue
    if cat in ("micro_small_enterprise", "small_entity"): skip(r, "reduced fee for small entities (eligibility-dependent); standard / big-entity fee kept"); continue
    if item in ("excess_claim", "excess_page", "priority_claim"): skip(r, "per-claim / per-page / per-priority extra"); continue
    if item in ("expedited_examination",): skip(r, "optional fee"); continue
    if item.endswith("lump_sum"): skip(r, "optional lump-sum alternative to the yearly fees"); continue
    if j == "KH" and item == "annual_renewal_year_3": skip(r, "flagged in the source as a likely coding error (lower than year 2); not used until verified"); continue
    if item == "annual_renewal_extension_year": skip(r, "only after a term extension (optional, beyond the 20-year term)"); continue
    if "IPFLang" in src and item == "national_phase_entry" and (j, at) in have_direct_filing:
        skip(r, "PCT national-phase entry fee; the office's direct filing fee is used instead"); continue
    if "IPFLang" in src and (j, at, item) in office_items:
        skip(r, "PCT national-phase figure (IPFLang) for an item the office schedule already gives; office figure used"); continue
    if j == "SG" and at == "patent" and item in ("search", "examination"):
        skip(r, "alternative route: separate search (PF10) + examination (PF12); the combined search-and-examination fee (PF11) is used"); continue
    if j == "SG" and item == "national_phase_entry":
        skip(r, "PCT national-phase route; the direct filing fee is used"); continue
    if at == "trademark" and j in ("SG", "MY") and item == "filing":
        # keep the cheaper pre-approved-list specification
        if (j == "SG" and r["amount"] == "410") or (j == "MY" and r["amount"] == "1100"):
            skip(r, "alternative: specification not taken from the pre-approved list; the pre-approved-list fee is used (lower, conservative floor)"); continue
    frm = to = every = ""
    m = re.fullmatch(r"annual_renewal_year_(\d+)", item)
    if m:
        stage = "maintenance"; frm = to = str(int(m.group(1)) - 1); every = "1"  # fee for patent year N is paid at anniversary N-1
    elif item == "renewal_10y":
        stage = "maintenance"; frm = "10"; to = ""; every = "10"
    elif (m := re.fullmatch(r"renewal_period_(\d+)", item)):
        k = int(m.group(1)); stage = "maintenance"; frm = to = str(5*(k-1)); every = "5"
    elif item in APP_ITEMS: stage = "application"
    elif item in GRANT_ITEMS: stage = "grant"
    else: raise ValueError(item)
    fi = item if unit in ("per_application", "per_year", "per_registration", "per_patent") else f"{item}_{unit}"
    s = src + f" | unit: {unit}; applicant: {cat}" + (f"; note: {note}" if note else "")
    if item == "national_phase_entry":
        s += " | used as the application fee because the office's direct-filing fee is not in the source data (PCT national-phase figure)"
    if j == "ID" and item == "examination":
        s += " | assumption: the PCT national-phase substantive examination fee is taken to apply to direct filings too"
    if j == "TH" and at == "patent":
        s += " | caution: 1999 schedule, current DIP fees may be about half"
    frows.append({"jurisdiction": j, "asset_type": ATYPE[at], "fee_item": fi, "stage": stage,
                  "amount_usd": f"{float(r['amount'])*fx[cur]:.2f}", "from_year": frm, "to_year": to, "every_years": every,
                  "amount_local": r["amount"], "currency": cur, "source": s})
# merge consecutive annuity years with equal amounts into bands
merged = []
for r in frows:
    p = merged[-1] if merged else None
    if (p and r["every_years"] == "1" and p["every_years"] == "1" and p["jurisdiction"] == r["jurisdiction"]
            and p["asset_type"] == r["asset_type"] and p["amount_local"] == r["amount_local"] and int(p["to_year"]) + 1 == int(r["from_year"])):
        p["to_year"] = r["from_year"]
        continue
    merged.append(dict(r))
for r in merged:
    if r["every_years"] == "1":
        a, b = int(r["from_year"]) + 1, int(r["to_year"]) + 1
        r["fee_item"] = f"annuity_year_{a}" + (f"_to_{b}" if b != a else "")
wr("fees.csv", ["jurisdiction","asset_type","fee_item","stage","amount_usd","from_year","to_year","every_years","amount_local","currency","source"], merged)
print("fees rows", len(merged), "skipped", len(skipped))
with open(os.path.join(HERE, "fees_skipped.txt"), "w") as f:
    for s in skipped: f.write(" | ".join(s) + "\n")
with open(os.path.join(HERE, "tx_excluded.txt"), "w") as f:
    for e in excluded: f.write(" | ".join(e) + "\n")
