import csv, datetime as dt, re, sys, os, collections
import os
B=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."); M=B+"/market"; SRC=os.path.join(B, "sources")
errs=[]
def rd(p):
    with open(p, newline="", encoding="utf-8") as f:
        r=csv.reader(f); hdr=next(r); rows=[dict(zip(hdr,x)) for x in r]
        for i,x in enumerate(rows):
            pass
    return hdr, rows
def need(name, hdr, cols):
    if hdr!=cols: errs.append(f"{name}: header {hdr} != {cols}")
def num(v): return float(v)
def isdate(v):
    try: dt.date.fromisoformat(v); return re.fullmatch(r"\d{4}-\d{2}-\d{2}",v) is not None
    except Exception: return False
H={}
H['countries']=["jurisdiction","country","currency","country_risk_premium","corporate_tax_rate","enforcement_index","enforcement_basis","tax_amortisation_years","tax_amortisation_source","source"]
H['sectors']=["sector","damodaran_industry","levered_beta","royalty_low","royalty_median","royalty_high","revenue_volatility","royalty_basis","source"]
H['fx_rates']=["currency","usd_per_unit","as_of","source"]
H['transactions']=["date","asset_type","sector","price_usd","n_assets","revenue_usd","remaining_life_years","price_basis","description","source"]
H['royalty_rates']=["sector","asset_class","royalty_low","royalty_median","royalty_high","basis","source"]
H['fees']=["jurisdiction","asset_type","fee_item","stage","amount_usd","from_year","to_year","every_years","amount_local","currency","source"]
D={}
for k,cols in H.items():
    hdr,rows=rd(f"{M}/{k}.csv"); need(k,hdr,cols); D[k]=rows
    for i,r in enumerate(rows):
        if len(r)!=len(cols): errs.append(f"{k} row {i}: field count")
        if not r.get('source','x').strip(): errs.append(f"{k} row {i}: empty source")
        if any(v!=v.strip() for v in r.values()): errs.append(f"{k} row {i}: whitespace")
# countries
C={r['jurisdiction']:r for r in D['countries']}
assert len(C)==18 and set(C)=={*"BN KH ID LA MY MM PH SG TH VN US JP CN KR IN AU DE GB".split()}, C.keys()
for j,r in C.items():
    for c in ['country_risk_premium','corporate_tax_rate','enforcement_index']:
        v=num(r[c]); 
        if not (0<=v<1 or (c=='enforcement_index' and 0<=v<=1)): errs.append(f"countries {j} {c}={v}")
    if not r['enforcement_basis']: errs.append(f"countries {j} basis blank")
    if r['enforcement_basis'].startswith('derived') and 'assumption' not in r['source']: errs.append(f"countries {j}: derived without assumption in source")
    ty=r['tax_amortisation_years']
    if ty and not (re.fullmatch(r"\d+(\.\d+)?",ty) and 0<=num(ty)<=50): errs.append(f"countries {j} tax_amortisation_years={ty!r}")
    if not r['tax_amortisation_source'].strip(): errs.append(f"countries {j} tax_amortisation_source blank")
    if not ty and 'found' not in r['tax_amortisation_source']: errs.append(f"countries {j}: empty years without saying what was (not) found")
# monotone derived rule check
der=sorted((num(r['country_risk_premium']),num(r['enforcement_index'])) for r in C.values() if r['enforcement_basis'].startswith('derived'))
for (a,x),(b,y) in zip(der,der[1:]):
    if b>a and y>x: errs.append("enforcement derived not monotone")
# sectors
S={r['sector']:r for r in D['sectors']}
assert 10<=len(S)<=14
import csv as _c
betas={r['damodaran_industry']:r for r in _c.DictReader(open(os.path.join(SRC, 'industry_betas.csv'), encoding='utf-8'))}
for s,r in S.items():
    if not re.fullmatch(r"[a-z_]+",s): errs.append(f"sector key {s}")
    lo,me,hi=num(r['royalty_low']),num(r['royalty_median']),num(r['royalty_high'])
    if not (0<lo<=me<=hi<1): errs.append(f"sector {s} royalty order")
    if not (0.15<=num(r['revenue_volatility'])<=0.60): errs.append(f"sector {s} vol")
    if betas[r['damodaran_industry']]['levered_beta']!=r['levered_beta']: errs.append(f"sector {s} beta mismatch")
    if num(r['levered_beta'])<=0: errs.append(f"sector {s} beta")
# royalty_rates: every sector x class, ordered, basis sourced/cross_industry/assumption
RC=("technology","brand","copyright")
seen=collections.Counter((r['sector'],r['asset_class']) for r in D['royalty_rates'])
for s_ in S:
    for c in RC:
        if seen[(s_,c)]!=1: errs.append(f"royalty_rates {s_}/{c} present {seen[(s_,c)]} times")
for i,r in enumerate(D['royalty_rates']):
    if r['sector'] not in S or r['asset_class'] not in RC: errs.append(f"royalty_rates row {i} key {r['sector']}/{r['asset_class']}")
    try:
        lo,me,hi=num(r['royalty_low']),num(r['royalty_median']),num(r['royalty_high'])
        if not (0<=lo<=me<=hi<1): errs.append(f"royalty_rates row {i} order/range")
    except ValueError: errs.append(f"royalty_rates row {i} not numeric")
    if r['basis'] not in ('sourced','cross_industry','assumption'): errs.append(f"royalty_rates row {i} basis {r['basis']}")
    if r['basis']=='assumption' and 'assumption' not in r['source']: errs.append(f"royalty_rates row {i}: assumption without reasoning")
    if r['basis']=='sourced' and r['source'].startswith('assumption'): errs.append(f"royalty_rates row {i}: sourced but source is an assumption")
# technology rows of patent-backed sectors equal the sectors.csv royalty columns
for r in D['royalty_rates']:
    s_=S.get(r['sector'])
    if s_ and r['asset_class']=='technology' and 'patent royalty range' in s_['royalty_basis']:
        if (r['royalty_low'],r['royalty_median'],r['royalty_high'])!=(s_['royalty_low'],s_['royalty_median'],s_['royalty_high']): errs.append(f"royalty_rates {r['sector']} technology differs from sectors.csv")
# fx
F={r['currency']:r for r in D['fx_rates']}
assert len(F)==len(D['fx_rates'])
for c in "BND KHR IDR LAK MYR MMK PHP SGD THB VND".split():
    if c not in F: errs.append(f"fx: ASEAN currency {c} missing")
for c in {r['currency'] for r in C.values()}:
    if c not in F: errs.append(f"fx: country currency {c} missing")
for c,r in F.items():
    if not re.fullmatch(r"[A-Z]{3}",c) or num(r['usd_per_unit'])<=0 or not isdate(r['as_of']): errs.append(f"fx {c}")
# transactions
AT={"patent","trademark","copyright","design","trade_secret","gi"}
for i,r in enumerate(D['transactions']):
    if not isdate(r['date']): errs.append(f"tx {i} date")
    if r['asset_type'] not in AT: errs.append(f"tx {i} type")
    if r['sector'] not in S: errs.append(f"tx {i} sector {r['sector']}")
    if num(r['price_usd'])<=0 or num(r['n_assets'])<1: errs.append(f"tx {i} price/n")
    for c in ['revenue_usd','remaining_life_years']:
        if r[c] and num(r[c])<=0: errs.append(f"tx {i} {c}")
    if not r['price_basis']: errs.append(f"tx {i} basis")
# fees
for i,r in enumerate(D['fees']):
    if r['jurisdiction'] not in C: errs.append(f"fee {i} jur")
    if r['asset_type'] not in AT: errs.append(f"fee {i} type")
    if r['stage'] not in ('application','grant','maintenance'): errs.append(f"fee {i} stage")
    if r['currency'] not in F: errs.append(f"fee {i} currency")
    if abs(num(r['amount_usd'])-round(num(r['amount_local'])*num(F[r['currency']]['usd_per_unit']),2))>0.006: errs.append(f"fee {i} conversion")
    if r['stage']=='maintenance':
        if not r['from_year'] or not r['every_years']: errs.append(f"fee {i} maint years")
        if r['to_year'] and int(r['to_year'])<int(r['from_year']): errs.append(f"fee {i} to<from")
    else:
        if r['from_year'] or r['to_year'] or r['every_years']: errs.append(f"fee {i} years on non-maintenance")
# portfolio
PC=["asset_id","owner","asset_type","jurisdiction","sector","status","filing_date","expiry_date","currency","annual_revenue","revenue_growth","royalty_rate","discount_rate","tax_rate","useful_life_years","development_cost","development_year","forward_citations","family_size","claims","litigation","encumbered","licensed_out","owner_country","application_number","title"]
hdr,P=rd(B+"/portfolio.csv"); need('portfolio',hdr,PC)
ids=collections.Counter(r['asset_id'] for r in P)
if any(v>1 for v in ids.values()): errs.append("dup asset_id")
if not (100<=len(P)<=130): errs.append("portfolio size")
owners={r['owner'] for r in P}
if not (10<=len(owners)<=12): errs.append("owners")
for r in P:
    a=r['asset_id']
    for c in ["asset_id","owner","asset_type","jurisdiction","sector","status","filing_date"]:
        if not r[c]: errs.append(f"{a} blank {c}")
    if not re.fullmatch(r"[A-Z]{2}-(PAT|TM|CR|DES|TS|GI)-\d{4}-\d{4}",a): errs.append(f"{a} id format")
    if r['asset_type'] not in AT: errs.append(f"{a} type")
    if r['jurisdiction'] not in C: errs.append(f"{a} jur")
    if r['sector'] not in S: errs.append(f"{a} sector")
    if r['status'] not in ('granted','registered','pending','expired','lapsed'): errs.append(f"{a} status")
    if r['currency'] not in F: errs.append(f"{a} currency")
    if not isdate(r['filing_date']): errs.append(f"{a} filing")
    fd=dt.date.fromisoformat(r['filing_date'])
    if not (2005<=fd.year<=2025) or fd>dt.date(2026,11,21): errs.append(f"{a} filing year")
    if r['expiry_date']:
        if not isdate(r['expiry_date']) or dt.date.fromisoformat(r['expiry_date'])<fd: errs.append(f"{a} expiry")
    if r['status'] in ('granted','registered','pending') and r['expiry_date'] and dt.date.fromisoformat(r['expiry_date'])<dt.date(2026,11,21): errs.append(f"{a} live but expired date")
    if r['status'] in ('expired','lapsed') and not r['expiry_date']: errs.append(f"{a} expired w/o date")
    if r['annual_revenue'] and num(r['annual_revenue'])<0: errs.append(f"{a} rev")
    if r['annual_revenue']:
        usd=num(r['annual_revenue'])*num(F[r['currency']]['usd_per_unit'])
        if not (50_000<=usd<=20_000_000): errs.append(f"{a} rev usd {usd}")
    if r['revenue_growth'] and not (-0.05<=num(r['revenue_growth'])<=0.20): errs.append(f"{a} g")
    if r['royalty_rate']:
        rr=num(r['royalty_rate']); s=S[r['sector']]
        if not (0<=rr<1) or not (num(s['royalty_low'])<=rr<=num(s['royalty_high'])): errs.append(f"{a} royalty {rr}")
    if r['discount_rate'] and num(r['discount_rate'])<=0: errs.append(f"{a} k")
    if r['tax_rate'] and not (0<=num(r['tax_rate'])<1): errs.append(f"{a} t")
    if r['useful_life_years'] and num(r['useful_life_years'])<=0: errs.append(f"{a} life")
    if bool(r['development_cost'])!=bool(r['development_year']): errs.append(f"{a} dev pair")
    if r['development_year'] and not (int(r['development_year'])<=fd.year): errs.append(f"{a} dev year")
    q=[r['forward_citations'],r['family_size'],r['claims']]
    if r['asset_type']=='patent':
        if not all(q): errs.append(f"{a} quality blank")
        else:
            c,fm,cl=map(int,q)
            if not (0<=c<=60 and 1<=fm<=12 and 3<=cl<=40): errs.append(f"{a} quality range")
    elif any(q): errs.append(f"{a} quality on non-patent")
    if r['litigation'] not in ('none','pending','won','lost'): errs.append(f"{a} lit")
    for b in ('encumbered','licensed_out'):
        if r[b] not in ('true','false'): errs.append(f"{a} {b}")
    if r['owner_country'] and (r['owner_country'] not in C or r['owner_country']==r['jurisdiction']): errs.append(f"{a} owner_country")
    if r['asset_type'] in ('copyright','trade_secret') and r['status'] not in ('registered','granted'): errs.append(f"{a} cr/ts status")
    if r['asset_type'] in ('trademark','gi') and r['status']=='granted': errs.append(f"{a} tm granted")
    if r['asset_type'] in ('patent','design') and r['status']=='registered': errs.append(f"{a} pat registered")
    for v in r.values():
        if v[:1] in ('=','+','@','\t','\r') : errs.append(f"{a} formula-like cell {v}")
J={r['jurisdiction'] for r in P}
for j in "BN KH ID LA MY MM PH SG TH VN".split():
    if j not in J: errs.append(f"missing jurisdiction {j}")
if {r['asset_type'] for r in P}!=AT: errs.append("missing asset type")
# every owner is taxed at one home: the jurisdiction of its rights without owner_country
for o in owners:
    homes={r['owner_country'] or r['jurisdiction'] for r in P if r['owner']==o}
    if len(homes)!=1: errs.append(f"{o}: tax homes {sorted(homes)}")
# leading zeros and comma-in-title present
if not any(re.fullmatch(r"0\d+",r['application_number']) for r in P): errs.append("no leading-zero app numbers")
if not any(',' in r['title'] for r in P): errs.append("no comma titles")
raw=open(B+"/portfolio.csv").read()
if '\r' in raw: errs.append("CRLF")
# no path outside the repository in the tools
for t in ("build_market.py","check.py"):
    txt=open(os.path.join(B,"tools",t),encoding="utf-8").read()
    bad=[".."+"/shared", "'sha"+"red'", '"sha'+'red"', "/wo"+"rk/"]  # split so this file does not match itself
    if any(b in txt for b in bad): errs.append(f"{t}: path outside the repository")
print("ERRORS:", len(errs)); [print(" ",e) for e in errs]
print("rows:", {k:len(v) for k,v in D.items()}, "portfolio", len(P), "owners", len(owners))
