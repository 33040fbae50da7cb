#!/usr/bin/env python3
"""Generate sample-data/portfolio.csv: a fictional portfolio of 12 ASEAN SMEs (115 IP assets).

Deterministic: the asset list below is fixed by hand and every drawn number comes from
random.Random(20261121) in a fixed order, so rerunning writes a byte-identical file.
Only the Python standard library is used.  Usage:  python3 sample-data/make_portfolio.py

The firms, assets, titles and numbers are invented for testing and demonstration. Amounts
are sized in USD-equivalent and converted to the row's currency with market/fx_rates.csv.
"""
import csv
import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "portfolio.csv")
FX_FILE = os.path.join(HERE, "market", "fx_rates.csv")
COUNTRIES_FILE = os.path.join(HERE, "market", "countries.csv")
SEED = 20261121

COLUMNS = ["asset_id", "owner", "asset_type", "jurisdiction", "sector", "status", "filing_date",
           "expiry_date", "currency", "annual_revenue", "revenue_growth", "royalty_rate",
           "discount_rate", "tax_rate", "useful_life_years", "development_cost", "development_year",
           "forward_citations", "family_size", "claims", "litigation", "encumbered", "licensed_out",
           "owner_country", "application_number", "title"]

TYPE_CODE = {"patent": "PAT", "trademark": "TM", "copyright": "CR", "design": "DES",
             "trade_secret": "TS", "gi": "GI"}

# Flags used in the specs below
#   status: G granted, R registered, P pending, E expired, L lapsed
#   opts:  norev     no revenue figure (defensive / not separately identifiable)
#          lic=r     licensed out at arm's-length royalty r (licensed_out true)
#          ownrate=r own arm's-length rate from a transfer-pricing study, not licensed out
#          licnr     licensed out, royalty rate not disclosed
#          scale=x   revenue scale relative to the firm's range (foreign registrations < 1)
#          k=, t=, life=   discount-rate / tax-rate / useful-life override (with reason in README)
#          lit=      litigation pending / won / lost
#          enc       encumbered (pledged or exclusively licensed)
#          exp=YYYY-MM-DD  explicit expiry (lapse) date
#          fam=n     patent family size
#          app=...   application number
FIRMS = [
    # owner, home jurisdiction, USD revenue range per product line
    ("Lumina MedTech Pte. Ltd.", "SG", (400_000, 6_000_000), [
        ("patent", "SG", "medical_devices", "G", 2014, "Wearable pulse oximeter with motion-artefact compensation", "fam=2 app=10201404417W"),
        ("patent", "SG", "medical_devices", "G", 2016, "Disposable sensor patch for continuous ECG monitoring", "fam=3 app=10201607729P"),
        ("patent", "US", "medical_devices", "G", 2017, "Disposable sensor patch for continuous ECG monitoring", "fam=3 scale=0.4 lic=0.045 app=15/712088"),
        ("patent", "CN", "medical_devices", "G", 2017, "Disposable sensor patch, and method of manufacturing the same", "fam=3 scale=0.3 app=201710093315.2"),
        ("patent", "SG", "medical_devices", "G", 2019, "Low-power wireless telemetry module for implant monitoring", "fam=2 t=0.10 app=10201908861R"),
        ("patent", "JP", "medical_devices", "G", 2020, "Low-power wireless telemetry module for implant monitoring", "fam=2 scale=0.25 app=2020-054127"),
        ("patent", "SG", "medical_devices", "P", 2024, "Machine-learning arrhythmia classifier for patch ECG data", "fam=1 norev k=0.18 app=10202400312T"),
        ("patent", "SG", "medical_devices", "G", 2011, "Adhesive hydrogel electrode with reduced skin irritation", "fam=1 norev app=10201100958K"),
        ("trademark", "SG", "medical_devices", "R", 2013, "LUMINA (word mark), classes 9 and 10", "app=40201302256S"),
        ("trademark", "US", "medical_devices", "R", 2018, "LUMINA CARE (word and device), class 10", "scale=0.3 app=87920114"),
        ("design", "SG", "medical_devices", "G", 2018, "Housing for a wearable monitor", "app=30201801174Y"),
        ("design", "SG", "medical_devices", "G", 2021, "Charging cradle for sensor patches", "norev app=30202100539Q"),
        ("trade_secret", "SG", "medical_devices", "R", 2015, "Electrode gel formulation and curing process", "app=INT-TS-0003"),
        ("copyright", "SG", "software", "R", 2020, "LuminaView clinician dashboard software, version 3", "scale=0.2 life=5 app="),
    ]),
    ("Kinabalu Silicon Design Sdn. Bhd.", "MY", (800_000, 12_000_000), [
        ("patent", "MY", "semiconductors", "G", 2012, "Low-jitter phase-locked loop for sub-GHz radios", "fam=2 app=PI2012004381"),
        ("patent", "US", "semiconductors", "G", 2013, "Low-jitter phase-locked loop circuit", "fam=2 scale=0.5 lic=0.0125 app=14/051937"),
        ("patent", "MY", "semiconductors", "G", 2015, "Power-gating controller for battery-powered microcontrollers", "fam=4 t=0.05 app=PI2015002216"),
        ("patent", "US", "semiconductors", "G", 2016, "Power-gating controller, and method for dynamic voltage scaling", "fam=4 scale=0.6 lit=pending app=15/284470"),
        ("patent", "CN", "semiconductors", "G", 2016, "Power-gating controller for low-power microcontrollers", "fam=4 scale=0.4 lic=0.015 app=201610871203.5"),
        ("patent", "JP", "semiconductors", "G", 2016, "Power-gating controller for low-power microcontrollers", "fam=4 scale=0.2 lic=0.0175 app=2016-208845"),
        ("patent", "MY", "semiconductors", "G", 2019, "Secure boot ROM architecture for IoT system-on-chip", "fam=1 enc app=PI2019006052"),
        ("patent", "MY", "semiconductors", "P", 2023, "Chiplet interconnect with adaptive equalisation", "fam=2 norev app=PI2023001877"),
        ("patent", "US", "semiconductors", "P", 2024, "Chiplet interconnect with adaptive equalisation", "fam=2 norev app=18/407215"),
        ("patent", "MY", "semiconductors", "L", 2009, "Clock-gating cell library for a 130 nm process", "fam=1 norev exp=2018-06-30 app=PI2009003310"),
        ("trade_secret", "MY", "semiconductors", "R", 2014, "Analogue IP core library (PLL, ADC, LDO): layouts and design rules", "app=INT-TS-0011"),
        ("trademark", "MY", "semiconductors", "R", 2011, "KINABALU SILICON (word mark), class 9", "app=TM2011007745"),
        ("copyright", "MY", "semiconductors", "R", 2018, "RTL source code of the KS-M0 microcontroller core", "ownrate=0.015 app=CRLY00009127"),
    ]),
    ("Siam Harvest Foods Co., Ltd.", "TH", (300_000, 9_000_000), [
        ("trademark", "TH", "food_beverage", "R", 2008, "SIAM HARVEST (Thai and Latin script), classes 29 and 30", "enc app=080136622"),
        ("trademark", "TH", "restaurants", "R", 2012, "BAAN SIAM KITCHEN (restaurant services), class 43", "lic=0.06 app=120148903"),
        ("trademark", "CN", "food_beverage", "R", 2016, "SIAM HARVEST (Chinese characters), class 30", "scale=0.3 lic=0.05 lit=won app=20311478"),
        ("trademark", "JP", "food_beverage", "R", 2019, "SIAM HARVEST, class 30", "scale=0.2 lic=0.045 app=2019-087342"),
        ("trademark", "TH", "food_beverage", "P", 2025, "KRUA SIAM READY MEALS, class 29", "norev app=250104417"),
        ("trademark", "TH", "food_beverage", "R", 2006, "HARVEST GOLD (word mark), class 30", "scale=0.2 app=060127731"),
        ("patent", "TH", "food_beverage", "G", 2013, "Retort process for shelf-stable green curry paste, without preservatives", "fam=1 app=1301002264"),
        ("patent", "TH", "food_beverage", "E", 2005, "Method for dehydrating tropical fruit with low sugar loss", "fam=1 norev app=0501000873"),
        ("design", "TH", "food_beverage", "G", 2017, "Stand-up pouch with tear notch and product window", "app=1702001645"),
        ("copyright", "TH", "food_beverage", "R", 2016, "Siam Harvest recipe book and packaging artwork, 2016 edition", "norev app=CR-TH-016284"),
        ("trade_secret", "TH", "food_beverage", "R", 2009, "Curry paste spice blend ratios and roasting profile", "life=15 app=INT-TS-0001"),
    ]),
    ("Ea Tieu Highland Robusta Cooperative", "VN", (150_000, 2_500_000), [
        ("gi", "VN", "agriculture", "R", 2011, "Geographical indication 'Ea Tieu Highland Robusta', green and roasted coffee", "app=6-2011-00007"),
        ("trademark", "VN", "agriculture", "R", 2014, "EA TIEU ROBUSTA (collective mark), class 30", "app=4-2014-11873"),
        ("trademark", "VN", "agriculture", "R", 2018, "HIGHLAND DEW (word and device), class 30", "app=4-2018-20741"),
        ("trademark", "US", "agriculture", "R", 2020, "HIGHLAND DEW, class 30", "scale=0.3 lic=0.05 app=88761204"),
        ("design", "VN", "agriculture", "G", 2019, "Coffee bag with one-way degassing valve", "app=3-2019-00412"),
        ("trade_secret", "VN", "agriculture", "R", 2016, "Wet-fermentation and honey-process protocol for robusta", "app=INT-TS-0002"),
        ("copyright", "VN", "agriculture", "R", 2021, "Cooperative brand guide and label artwork", "norev app=2154/2021/QTG"),
        ("trademark", "VN", "food_beverage", "P", 2025, "DEW DROP COLD BREW, class 32", "norev app=4-2025-03318"),
    ]),
    ("PT Batik Sekar Nusantara", "ID", (100_000, 3_000_000), [
        ("copyright", "ID", "apparel", "R", 2012, "Batik motif collection 'Sekar Jagad Modern', 40 motifs", "lit=won app=EC00201202217"),
        ("copyright", "ID", "apparel", "R", 2016, "Batik motif collection 'Parang Laut', 25 motifs", "lic=0.08 app=EC00201604652"),
        ("copyright", "ID", "apparel", "R", 2020, "Batik motif collection 'Kawung Kota', 32 motifs", "app=EC00202031176"),
        ("trademark", "ID", "apparel", "R", 2010, "SEKAR NUSANTARA (word and device), classes 24 and 25", "app=D002010019452"),
        ("trademark", "ID", "apparel", "R", 2017, "SEKAR KIDS, class 25", "app=DID2017035518"),
        ("trademark", "SG", "apparel", "R", 2019, "SEKAR NUSANTARA, class 25", "scale=0.2 lic=0.07 app=40201917762T"),
        ("design", "ID", "apparel", "G", 2018, "Batik-print shirt pattern layout", "app=A00201801126"),
        ("design", "ID", "apparel", "G", 2021, "Handbag with batik panel and bamboo handle", "app=A00202100584"),
        ("patent", "ID", "chemicals", "G", 2015, "Natural indigo dye fixation process, for cotton and silk", "fam=1 app=P00201505523"),
        ("trade_secret", "ID", "apparel", "R", 2011, "Canting wax recipe and dye-bath sequence", "app=INT-TS-0005"),
        ("design", "ID", "apparel", "P", 2025, "Modular batik scarf with folding pattern", "norev app=A00202500931"),
    ]),
    ("Bayanihan Pixel Studios, Inc.", "PH", (100_000, 4_000_000), [
        ("copyright", "PH", "media_entertainment", "R", 2015, "Mobile game 'Jeepney Rush', source code and artwork", "life=6 app=A2015-01144"),
        ("copyright", "PH", "media_entertainment", "R", 2018, "Mobile game 'Bantay Bayani', source code, artwork and soundtrack", "enc app=A2018-02671"),
        ("copyright", "PH", "media_entertainment", "R", 2021, "Animated series 'Tala and the Moon', season 1 (13 episodes)", "lic=0.10 app=A2021-00388"),
        ("copyright", "PH", "software", "R", 2019, "PixelForge game engine, version 2", "lic=0.07 life=5 app=A2019-03305"),
        ("trademark", "PH", "software", "R", 2014, "BAYANIHAN PIXEL (word and device), classes 9, 41 and 42", "t=0.05 app=4-2014-008871"),
        ("trademark", "US", "media_entertainment", "R", 2019, "JEEPNEY RUSH, classes 9 and 41", "scale=0.4 licnr app=88402116"),
        ("trademark", "PH", "media_entertainment", "R", 2018, "BANTAY BAYANI, classes 9 and 28", "app=4-2018-015503"),
        ("patent", "PH", "software", "P", 2024, "Method for adaptive level generation from player telemetry", "fam=2 norev app=1-2024-050217"),
        ("trade_secret", "PH", "software", "R", 2017, "Player-retention analytics models and tuning parameters", "app=INT-TS-0009"),
        ("design", "PH", "software", "G", 2022, "Graphical user interface for a game lobby", "norev app=3-2022-000418"),
    ]),
    ("Angkor Silk Heritage Co., Ltd.", "KH", (60_000, 900_000), [
        ("trademark", "KH", "apparel", "R", 2012, "ANGKOR SILK HERITAGE (word and device), classes 24 and 25", "app=KH/44127/12"),
        ("trademark", "KH", "apparel", "R", 2016, "KROMA HOUSE, class 24", "app=KH/61892/16"),
        ("trademark", "TH", "apparel", "R", 2019, "ANGKOR SILK HERITAGE, class 24", "scale=0.3 app=190131885"),
        ("design", "KH", "apparel", "G", 2017, "Woven silk scarf with hol-pattern border", "app=0012673"),
        ("copyright", "KH", "apparel", "R", 2015, "Hol ikat pattern catalogue, 60 designs", "app=0001866/15"),
        ("trade_secret", "KH", "apparel", "R", 2013, "Natural lac and prohut dye recipes, with mordant sequence", "app=INT-TS-0004"),
        ("gi", "KH", "apparel", "R", 2018, "Geographical indication 'Takeo Golden Silk', hand-woven silk fabric", "app=GI-KH-00004"),
    ]),
    ("Paksong Highland Coffee Cooperative", "LA", (50_000, 1_200_000), [
        ("gi", "LA", "agriculture", "R", 2017, "Geographical indication 'Paksong Highland Coffee', arabica and robusta", "k=0.22 app=GI-0003"),
        ("trademark", "LA", "agriculture", "R", 2015, "PAKSONG HIGHLAND (word and device), class 30", "app=00038152"),
        ("trademark", "TH", "agriculture", "R", 2020, "PAKSONG HIGHLAND, class 30", "scale=0.4 lic=0.04 app=200117954"),
        ("trademark", "LA", "agriculture", "R", 2019, "KHAO KAI NOI GOLD, sticky rice, class 30", "app=00045678"),
        ("gi", "LA", "agriculture", "P", 2025, "Geographical indication 'Sekong Valley Sticky Rice'", "norev app=GI-0011"),
        ("trade_secret", "LA", "agriculture", "R", 2018, "Shade-grown arabica drying protocol", "app=INT-TS-0006"),
    ]),
    ("Shan Golden Leaf Tea Co., Ltd.", "MM", (80_000, 1_500_000), [
        ("trademark", "MM", "food_beverage", "R", 2020, "SHAN GOLDEN LEAF (word and device), class 30", "k=0.25 app=4/10452/2020"),
        ("trademark", "MM", "food_beverage", "R", 2023, "LAPHET GOLD (pickled tea salad), class 29", "app=4/27716/2023"),
        ("gi", "MM", "agriculture", "R", 2023, "Geographical indication 'Namhsan Highland Tea'", "app=0000123"),
        ("copyright", "MM", "food_beverage", "R", 2019, "Tea house brand artwork and label designs", "norev app=CR-2019-00045"),
        ("trade_secret", "MM", "food_beverage", "R", 2012, "Fermentation recipe for laphet pickled tea", "app=INT-TS-0008"),
        ("design", "MM", "food_beverage", "G", 2023, "Lacquerware tea gift box", "app=0000417"),
        ("trademark", "SG", "food_beverage", "R", 2022, "SHAN GOLDEN LEAF, class 30", "scale=0.2 app=40202214409X"),
    ]),
    ("Halalan Kitchen Sdn. Bhd.", "BN", (120_000, 3_500_000), [
        ("trademark", "BN", "food_beverage", "R", 2010, "HALALAN KITCHEN (word and device), classes 29, 30 and 43", "app=BN/T/2010/00123"),
        ("trademark", "MY", "food_beverage", "R", 2015, "HALALAN KITCHEN, classes 29 and 30", "scale=0.5 lic=0.05 app=TM2015033610"),
        ("trademark", "SG", "food_beverage", "R", 2016, "HALALAN KITCHEN, class 30", "scale=0.3 app=40201605528R"),
        ("patent", "BN", "food_beverage", "G", 2016, "Low-temperature halal-compliant sterilisation of ready meals", "fam=1 app=BN/N/2016/0012"),
        ("patent", "BN", "food_beverage", "P", 2024, "Plant-based gelatine substitute from sago starch", "fam=1 norev app=BN/N/2024/0031"),
        ("trade_secret", "BN", "food_beverage", "R", 2008, "Ambuyat ready-mix formulation and sauce recipes", "app=INT-TS-0010"),
        ("design", "BN", "food_beverage", "G", 2019, "Microwaveable meal tray with steam vent", "app=BN/D/2019/0005"),
        ("copyright", "BN", "food_beverage", "R", 2018, "Halalan Kitchen cookbook, 'Flavours of Borneo'", "norev app="),
    ]),
    ("Saigon Smart Devices JSC", "VN", (500_000, 15_000_000), [
        ("patent", "VN", "electronics", "G", 2015, "Smart electricity meter with tamper detection", "fam=1 lit=lost app=1-2015-02291"),
        ("patent", "VN", "telecom", "G", 2017, "LoRa gateway with adaptive duty cycle", "fam=2 app=1-2017-03804"),
        ("patent", "US", "telecom", "G", 2018, "LoRa gateway with adaptive duty cycle", "fam=2 scale=0.3 lic=0.03 app=16/138512"),
        ("patent", "VN", "automotive", "G", 2019, "Battery-management controller for electric motorbikes", "fam=2 app=1-2019-04471"),
        ("patent", "CN", "automotive", "G", 2020, "Battery-management controller for electric motorbikes", "fam=2 scale=0.3 app=202010338127.9"),
        ("patent", "VN", "telecom", "P", 2025, "Over-the-air firmware update for metering networks", "fam=1 norev app=1-2025-01036"),
        ("patent", "VN", "electronics", "E", 2006, "Prepaid card reader for electricity meters", "fam=1 app=1-2006-00187"),
        ("design", "VN", "electronics", "G", 2020, "Enclosure for a smart meter", "app=3-2020-01123"),
        ("trademark", "VN", "electronics", "R", 2013, "SSD SMART (word and device), class 9", "app=4-2013-09952"),
        ("trade_secret", "VN", "electronics", "R", 2016, "Meter calibration procedure and test-jig firmware", "app=INT-TS-0012"),
    ]),
    ("Rimba Botanica Pharma Sdn. Bhd.", "MY", (200_000, 7_000_000), [
        ("patent", "MY", "pharmaceuticals", "G", 2010, "Standardised Eurycoma longifolia extract, and method of preparation", "fam=2 enc app=PI2010005568"),
        ("patent", "US", "pharmaceuticals", "G", 2012, "Standardised Eurycoma longifolia extract", "fam=2 scale=0.4 lic=0.05 app=13/574406"),
        ("patent", "MY", "chemicals", "G", 2014, "Supercritical CO2 extraction of Orthosiphon leaves", "fam=1 app=PI2014001093"),
        ("patent", "ID", "pharmaceuticals", "G", 2015, "Herbal formulation for glycaemic control", "fam=1 scale=0.3 app=P00201508841"),
        ("patent", "MY", "pharmaceuticals", "P", 2024, "Nanoemulsion delivery of andrographolide", "fam=1 norev app=PI2024002745"),
        ("trademark", "MY", "pharmaceuticals", "R", 2009, "RIMBA BOTANICA (word and device), classes 3 and 5", "app=TM2009012218"),
        ("trademark", "ID", "pharmaceuticals", "R", 2016, "RIMBA BOTANICA, class 5", "scale=0.3 ownrate=0.04 app=DID2016051190"),
        ("trade_secret", "MY", "pharmaceuticals", "R", 2011, "Extraction solvent ratios and batch QC specifications", "app=INT-TS-0007"),
        ("design", "MY", "pharmaceuticals", "E", 2007, "Herbal capsule blister card", "exp=2022-08-14 norev app=0700123"),
        ("trademark", "MY", "consumer_products", "R", 2021, "RIMBA HOME (consumer range), class 3", "app=TM2021019934"),
    ]),
]

# Statutory patent term used only to fill an explicit expiry_date for some patents.
PATENT_TERM = 20
# Design terms used for explicit expiry dates where the term is fixed (not renewable): TH and ID 10 years.
DESIGN_FIXED_TERM = {"TH": 10, "ID": 10}


def read_fx():
    with open(FX_FILE, newline="", encoding="utf-8") as f:
        return {r["currency"]: float(r["usd_per_unit"]) for r in csv.DictReader(f)}


def read_country_currency():
    with open(COUNTRIES_FILE, newline="", encoding="utf-8") as f:
        return {r["jurisdiction"]: r["currency"] for r in csv.DictReader(f)}


def parse_opts(s):
    opts = {}
    for tok in s.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            opts[k] = v
        else:
            opts[tok] = True
    return opts


def sig3(x):
    """Round to 3 significant figures, as an integer string (amounts look like real book figures)."""
    if x <= 0:
        return "0"
    d = int(math.floor(math.log10(x)))
    return str(int(round(x, -(d - 2))))


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def main():
    rng = random.Random(SEED)
    fx = read_fx()
    ccy = read_country_currency()
    today_ref = dt.date(2026, 11, 21)  # reference date for sanity checks only
    rows, used_ids = [], set()
    for owner, home, (rlo, rhi), assets in FIRMS:
        for atype, jur, sector, st, year, title, optstr in assets:
            o = parse_opts(optstr)
            status = {"G": "granted", "R": "registered", "P": "pending", "E": "expired", "L": "lapsed"}[st]
            # filing date: fixed year, drawn month/day; pending rights filed no later than September
            # (expired patents filed by September so that their 20-year term ended before the reference date)
            month = rng.randint(1, 9 if st in ("P", "E") else 12)
            day = rng.randint(1, 28)
            filing = dt.date(year, month, day)
            # asset id: JJ-TYPE-YYYY-NNNN, unique
            while True:
                aid = f"{jur}-{TYPE_CODE[atype]}-{year}-{rng.randint(1, 9999):04d}"
                if aid not in used_ids:
                    used_ids.add(aid)
                    break
            # expiry
            expiry = ""
            if "exp" in o:
                expiry = o["exp"]
            elif atype == "patent" and st in ("E",):
                expiry = add_years(filing, PATENT_TERM).isoformat()
            elif atype == "patent" and st == "G" and rng.random() < 0.55:
                expiry = add_years(filing, PATENT_TERM).isoformat()
            elif atype == "design" and st == "G" and jur in DESIGN_FIXED_TERM:
                expiry = add_years(filing, DESIGN_FIXED_TERM[jur]).isoformat()
            # currency: local where an FX rate exists, else USD; Cambodia (largely dollarised) and Myanmar
            # (only an official kyat rate far below the market) stay in USD even though fx_rates.csv now has KHR and MMK
            cur = ccy[jur] if ccy[jur] in fx and jur not in ("KH", "MM") else "USD"
            upu = fx[cur]
            # revenue (USD-equivalent, log-uniform within the firm's range, scaled for foreign filings)
            scale = float(o.get("scale", 1.0))
            rev_usd = math.exp(rng.uniform(math.log(rlo), math.log(rhi))) * scale
            rev_usd = max(rev_usd, 50_000.0)
            g = round(rng.uniform(-0.05, 0.20), 3)
            g_blank = rng.random() < 0.15
            no_rev = bool(o.get("norev")) or st == "P"
            annual_revenue = "" if no_rev else sig3(rev_usd / upu)
            revenue_growth = "" if (no_rev or g_blank) else f"{g:.3f}".rstrip("0").rstrip(".")
            # royalty and licence evidence
            royalty = o.get("lic") or o.get("ownrate") or ""
            licensed_out = "true" if ("lic" in o or "licnr" in o) else "false"
            # development cost: about half the assets (patents, designs, copyrights, trade secrets more often)
            p_dev = {"patent": 0.75, "design": 0.6, "copyright": 0.6, "trade_secret": 0.55,
                     "trademark": 0.25, "gi": 0.4}[atype]
            dev_draw = rng.random()
            dev_range = {"patent": (25_000, 450_000), "design": (5_000, 60_000), "copyright": (30_000, 600_000),
                         "trade_secret": (20_000, 250_000), "trademark": (8_000, 120_000), "gi": (15_000, 90_000)}[atype]
            if sector == "semiconductors" and atype in ("patent", "trade_secret", "copyright"):
                dev_range = (dev_range[0] * 3, dev_range[1] * 3)
            elif atype == "copyright" and sector not in ("media_entertainment", "software"):
                dev_range = (5_000, 60_000)  # artwork, catalogues, cookbooks: far cheaper than games or code
            dev_usd = math.exp(rng.uniform(math.log(dev_range[0]), math.log(dev_range[1])))
            dev_lag = rng.randint(0, 2)
            development_cost = development_year = ""
            if dev_draw < p_dev:
                development_cost = sig3(dev_usd / upu)
                development_year = str(max(2003, year - dev_lag))
            # patent quality indicators (patents only)
            cit = fam = clm = ""
            c_draw = rng.random()
            cl_draw = rng.randint(3, 40)
            if atype == "patent":
                age = max(0.0, (today_ref - filing).days / 365.25)
                base = 2.5 if jur == "US" else 1.0
                lam = base * age * (0.3 + 1.2 * c_draw)
                cit = str(min(60, int(lam)) if st != "P" else min(2, int(lam)))
                fam = o.get("fam", "1")
                clm = str(cl_draw)
            rows.append({
                "asset_id": aid, "owner": owner, "asset_type": atype, "jurisdiction": jur, "sector": sector,
                "status": status, "filing_date": filing.isoformat(), "expiry_date": expiry, "currency": cur,
                "annual_revenue": annual_revenue, "revenue_growth": revenue_growth, "royalty_rate": royalty,
                "discount_rate": o.get("k", ""), "tax_rate": o.get("t", ""), "useful_life_years": o.get("life", ""),
                "development_cost": development_cost, "development_year": development_year,
                "forward_citations": cit, "family_size": fam, "claims": clm,
                "litigation": o.get("lit", "none"), "encumbered": "true" if o.get("enc") else "false",
                "licensed_out": licensed_out,
                # The owner is taxed at home (its tax jurisdiction sets T and P): named only where a
                # right is registered abroad, blank where the default (the jurisdiction) is right.
                "owner_country": home if jur != home else "",
                "application_number": o.get("app", ""), "title": title,
            })
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} assets for {len(FIRMS)} owners to {OUT}")


if __name__ == "__main__":
    main()
