//! Acceptance tests of `ipval backtest` and `ipval calibrate` (issue 6): hand-computed metrics
//! on small planted files (the arithmetic is in the comments), unmatched rows listed with
//! their reasons, currency conversion, and a calibration that recovers a known logistic model.

use crate::common::{self, Case, CsvTable, MARKET};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Asserts `a ≈ b` to the 4 decimals the output CSVs carry.
fn near(a: &str, b: f64, what: &str) {
    let v: f64 = a
        .parse()
        .unwrap_or_else(|_| panic!("{what}: `{a}` is not a number"));
    assert!((v - b).abs() < 1e-4, "{what}: {v} ≠ {b}");
}

/// The row of backtest.csv / score_validation.csv whose `group` is `g`.
fn group<'a>(t: &'a CsvTable, g: &str) -> impl Fn(&str) -> &'a str {
    let r = t.row_where("group", g);
    move |c| t.get(r, c)
}

const VAL_HEADER: &str =
    "asset_id,owner,asset_type,currency,value_point,p05,p10,p25,p50,p75,p90,p95,score,grade";

/// USD per SGD in the sample market data.
fn usd_per_sgd() -> f64 {
    let t = CsvTable::read(&Path::new(MARKET).join("fx_rates.csv"));
    let r = t.row_where("currency", "SGD");
    t.get(r, "usd_per_unit").parse().unwrap()
}

fn backtest(case: &Case, args: &[&str]) -> common::Run {
    let out = case.out();
    let mut all = vec!["backtest"];
    all.extend(args);
    all.extend(["--out", out.to_str().unwrap()]);
    case.run(&all)
}

/// `backtest --outcomes` on planted files: the run (exit 0) and its score_validation.csv.
fn score_validation(case: &Case, valuations: &Path, outcomes: &Path) -> (common::Run, CsvTable) {
    let run = backtest(
        case,
        &[
            "--valuations",
            valuations.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
        ],
    );
    run.assert_code(0);
    let t = CsvTable::read(&run.out.join("score_validation.csv"));
    (run, t)
}

// ---------------------------------------------------------------------------------------------
// Realized prices

/// Valuations in USD and realized prices planted so that every metric is known:
///
/// | asset | type      | estimate        | realized        | error  | p25–p75  | p10–p90  | p05–p95  |
/// |-------|-----------|-----------------|-----------------|--------|----------|----------|----------|
/// | A1    | patent    | p50 110         | 100 USD         | +0.10  | 100–120 ∋| 90–130 ∋ | 80–150 ∋ |
/// | A2    | patent    | p50 80          | 100 USD         | −0.20  | 75–90 ∌  | 70–95 ∌  | 60–99 ∌  |
/// | A3    | trademark | p50 150         | 100 USD         | +0.50  | 120–180 ∌| 100–200 ∋ (edge) | 90–210 ∋ |
/// | A4    | trademark | value_point 200 (no p50) | 200 USD | 0     | —        | —        | —        |
/// | A5    | copyright | p50 = 1000 SGD in USD | 1000 SGD | 0      | ∋        | ∋        | ∋        |
///
/// Overall: |errors| sorted 0, 0, 0.1, 0.2, 0.5 → MdAPE 0.1; signed −0.2, 0, 0, 0.1, 0.5 →
/// bias 0; PPE10 = 3/5 (0, 0, 0.1 — the edge counts); PPE20 = 4/5. Coverage over A1, A2, A3,
/// A5: p25–p75 2/4, p10–p90 3/4, p05–p95 3/4. One estimate (A4) falls back to value_point.
/// Patent: MdAPE (0.1 + 0.2)/2 = 0.15, bias (−0.2 + 0.1)/2 = −0.05, PPE10 1/2, PPE20 2/2.
/// Trademark: errors 0.5, 0 → MdAPE 0.25, bias 0.25, PPE10 1/2, PPE20 1/2.
///
/// Unmatched: A6 valued, never sold; X9 sold, never valued; A7 sold for 0 (excluded, and its
/// valuation says so); a second price for A1 (the first is used); A8 `12,000` is not a number.
fn planted(case: &Case) -> (PathBuf, PathBuf) {
    let sgd = 1000.0 * usd_per_sgd();
    let (lo5, lo10, lo25, hi75, hi90, hi95) = (
        0.5 * sgd,
        0.8 * sgd,
        0.9 * sgd,
        1.1 * sgd,
        1.2 * sgd,
        1.5 * sgd,
    );
    let valuations = format!(
        "{VAL_HEADER}\n\
         A1,O,patent,USD,105,80,90,100,110,120,130,150,700,A\n\
         A2,O,patent,USD,85,60,70,75,80,90,95,99,650,BBB\n\
         A3,O,trademark,USD,140,90,100,120,150,180,200,210,720,AA\n\
         A4,O,trademark,USD,200,,,,,,,,690,A\n\
         A5,O,copyright,USD,{sgd},{lo5},{lo10},{lo25},{sgd},{hi75},{hi90},{hi95},600,BB\n\
         A6,O,patent,USD,10,5,6,8,10,12,14,15,600,BB\n\
         A7,O,design,USD,10,5,6,8,10,12,14,15,600,BB\n\
         A8,O,design,USD,10,5,6,8,10,12,14,15,600,BB\n"
    );
    let realized = "asset_id,realized_value,currency,date\n\
                    A1,100,USD,2026-01-10\n\
                    A2,100,usd,2026-02-10\n\
                    A3,100,USD,2026-03-10\n\
                    A4,200,USD,\n\
                    A5,1000,SGD,2026-04-10\n\
                    X9,500,USD,2026-05-10\n\
                    A7,0,USD,2026-06-10\n\
                    A1,120,USD,2026-07-10\n\
                    A8,\"12,000\",USD,2026-08-10\n";
    (
        case.write("assets.csv", valuations),
        case.write("realized.csv", realized),
    )
}

#[test]
fn realized_prices_hand_computed() {
    let case = Case::new();
    let (val, real) = planted(&case);
    let run = backtest(
        &case,
        &[
            "--valuations",
            val.to_str().unwrap(),
            "--realized",
            real.to_str().unwrap(),
            "--market",
            MARKET,
        ],
    );
    run.assert_code(0);
    let t = CsvTable::read(&run.out.join("backtest.csv"));
    assert_eq!(
        t.column("group"),
        ["all", "copyright", "patent", "trademark"],
        "overall, then by asset type"
    );
    let all = group(&t, "all");
    assert_eq!(all("level"), "overall");
    assert_eq!(all("n"), "5");
    assert_eq!(all("n_value_point"), "1");
    near(all("mdape"), 0.1, "MdAPE");
    near(all("bias"), 0.0, "bias");
    near(all("ppe10"), 0.6, "PPE10");
    near(all("ppe20"), 0.8, "PPE20");
    assert_eq!(all("n_p10_p90"), "4");
    near(all("coverage_p25_p75"), 0.5, "p25–p75");
    near(all("coverage_p10_p90"), 0.75, "p10–p90");
    near(all("coverage_p05_p95"), 0.75, "p05–p95");
    near(all("nominal_p10_p90"), 0.8, "nominal 80");
    near(all("nominal_p05_p95"), 0.9, "nominal 90");
    let patent = group(&t, "patent");
    near(patent("mdape"), 0.15, "patent MdAPE");
    near(patent("bias"), -0.05, "patent bias");
    near(patent("ppe10"), 0.5, "patent PPE10");
    near(patent("ppe20"), 1.0, "patent PPE20");
    let tm = group(&t, "trademark");
    near(tm("mdape"), 0.25, "trademark MdAPE");
    near(tm("bias"), 0.25, "trademark bias");
    assert_eq!(tm("n_p10_p90"), "1", "A4 has no range");
    near(tm("coverage_p10_p90"), 1.0, "A3 on the edge counts");

    // Never a silent drop: every row that took no part is listed with its reason.
    let u = CsvTable::read(&run.out.join("backtest_unmatched.csv"));
    assert_eq!(u.headers, ["asset_id", "file", "row", "reason"]);
    let reason = |id: &str, file: &str| {
        let i = (0..u.len())
            .find(|&i| u.get(i, "asset_id") == id && u.get(i, "file") == file)
            .unwrap_or_else(|| panic!("{id} ({file}) not in unmatched: {u:?}"));
        (u.get(i, "row").to_string(), u.get(i, "reason").to_string())
    };
    assert!(reason("A6", "valuations").1.contains("no realized price"));
    assert_eq!(reason("A6", "valuations").0, "7");
    assert!(reason("X9", "realized").1.contains("no valuation"));
    let (row, r) = reason("A7", "realized");
    assert_eq!(row, "8");
    assert!(r.contains("≤ 0"), "{r}");
    assert!(reason("A7", "valuations").1.contains("realized row 8"));
    assert!(reason("A1", "realized").1.contains("row 2 is used"));
    assert!(reason("A8", "realized").1.contains("not a number"));
    assert_eq!(
        u.len(),
        7,
        "A6, A7 and A8 valuations; X9, A7, A1 and A8 realized"
    );

    assert!(run.stdout.contains("5 matched"), "{}", run.stdout);
    assert!(run.stdout.contains("value_point"), "the fallback is said");
    check_plots(&run.out.join("plots"));
}

/// The two plots of the planted backtest carry its data: one dot per matched asset, the types
/// with their counts, the largest misses named with their errors, one coverage dot per group
/// and range with the overall figures written beside them; each as SVG and as a PNG of the
/// plots' size.
fn check_plots(plots: &Path) {
    let svg = |stem: &str| std::fs::read_to_string(plots.join(format!("{stem}.svg"))).unwrap();
    // The text of every `<text …>…</text>` element, trimmed.
    let texts = |svg: &str| -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                body.trim().to_string()
            })
            .collect()
    };
    let scatter = svg("backtest_scatter");
    assert!(scatter.starts_with("<svg") && scatter.contains("(log axes), n = 5"));
    let shown = texts(&scatter);
    assert_eq!(
        scatter.matches("<circle").count(),
        5,
        "one dot per matched asset"
    );
    for label in [
        "realized price",
        "estimate (p50, else value_point)",
        "copyright (n = 1)",
        "patent (n = 2)",
        "trademark (n = 2)",
        // The five largest misses, here every asset: A3 +50 %, A2 −20 %, A1 +10 %, A4 and A5 0.
        "A3 +50 %",
        "A2 -20 %",
        "A1 +10 %",
        "A4 +0 %",
        "A5 +0 %",
        // Log ticks of the 10 … 1k decades (A5: 1,000 SGD in USD).
        "10",
        "100",
        "1k",
    ] {
        assert!(
            shown.iter().any(|t| t == label),
            "scatter lacks `{label}`: {shown:?}"
        );
    }
    let coverage = svg("backtest_coverage");
    // Overall, copyright (A5), patent (A1, A2), trademark (A3; A4 has no range): three ranges
    // each.
    assert_eq!(coverage.matches("<circle").count(), 4 * 3);
    let shown = texts(&coverage);
    for label in [
        "nominal coverage",
        "realized prices inside the range",
        "all (n = 5)",
        "trademark (n = 2)",
        "p25–p75 50 % of 4",
        "p10–p90 75 % of 4",
        "p05–p95 75 % of 4",
        "80 %",
    ] {
        assert!(
            shown.iter().any(|t| t == label),
            "coverage lacks `{label}`: {shown:?}"
        );
    }
    for stem in ["backtest_scatter", "backtest_coverage"] {
        let file = std::fs::File::open(plots.join(format!("{stem}.png"))).unwrap();
        let info = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .unwrap();
        let (w, h) = (info.info().width, info.info().height);
        assert_eq!((w, h), ipval::plot::SIZE, "{stem}.png");
    }
}

#[test]
fn other_currency_needs_the_market_folder() {
    let case = Case::new();
    let (val, real) = planted(&case);
    let run = backtest(
        &case,
        &[
            "--valuations",
            val.to_str().unwrap(),
            "--realized",
            real.to_str().unwrap(),
        ],
    );
    run.assert_code(1);
    assert!(run.stderr.contains("--market"), "{}", run.stderr);
    assert!(run.stderr.contains("SGD → USD"), "{}", run.stderr);
    assert!(!run.out.join("backtest.csv").exists());
}

#[test]
fn every_estimate_exact() {
    // p50 = realized for all three: every error 0 → MdAPE 0, bias 0, PPE10 = PPE20 = 1, and
    // every price (= p50) inside every range → coverage 1.
    let case = Case::new();
    let val = case.write(
        "assets.csv",
        format!(
            "{VAL_HEADER}\n\
             E1,O,patent,USD,1,0.5,0.6,0.8,1234.56,1300,1400,1500,700,A\n\
             E2,O,trademark,USD,1,10,20,30,40,50,60,70,700,A\n\
             E3,O,patent,USD,1,1e6,2e6,3e6,4e6,5e6,6e6,7e6,700,A\n"
        ),
    );
    let real = case.write(
        "realized.csv",
        "asset_id,realized_value,currency,date\nE1,1234.56,USD,2026-01-01\nE2,40,USD,2026-01-01\nE3,4000000,USD,2026-01-01\n",
    );
    let run = backtest(
        &case,
        &[
            "--valuations",
            val.to_str().unwrap(),
            "--realized",
            real.to_str().unwrap(),
        ],
    );
    run.assert_code(0);
    let t = CsvTable::read(&run.out.join("backtest.csv"));
    let all = group(&t, "all");
    assert_eq!(all("n"), "3");
    for (c, v) in [
        ("mdape", 0.0),
        ("bias", 0.0),
        ("ppe10", 1.0),
        ("ppe20", 1.0),
        ("coverage_p25_p75", 1.0),
        ("coverage_p10_p90", 1.0),
        ("coverage_p05_p95", 1.0),
    ] {
        near(all(c), v, c);
    }
    let u = CsvTable::read(&run.out.join("backtest_unmatched.csv"));
    assert_eq!(u.len(), 0);
}

#[test]
fn realized_file_of_the_wrong_shape_is_refused() {
    let case = Case::new();
    let (val, _) = planted(&case);
    for (body, needle) in [
        ("asset_id,price,currency\nA1,100,USD\n", "realized_value"),
        (
            "asset_id,realized_value,currency\nA1,abc,USD\nA2,def,USD\n",
            "none of its 2 values is a number (first: `abc`, row 2)",
        ),
    ] {
        let real = case.write("bad.csv", body);
        let run = backtest(
            &case,
            &[
                "--valuations",
                val.to_str().unwrap(),
                "--realized",
                real.to_str().unwrap(),
            ],
        );
        run.assert_code(1);
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
        assert!(
            run.stderr.contains("bad.csv"),
            "names the file: {}",
            run.stderr
        );
    }
    // A valuations cell that is not a number is named by row and column.
    let val = case.write(
        "assets2.csv",
        format!("{VAL_HEADER}\nA1,O,patent,USD,100,,,,x,,,,700,A\n"),
    );
    let real = case.write(
        "realized.csv",
        "asset_id,realized_value,currency\nA1,100,USD\n",
    );
    let run = backtest(
        &case,
        &[
            "--valuations",
            val.to_str().unwrap(),
            "--realized",
            real.to_str().unwrap(),
        ],
    );
    run.assert_code(1);
    assert!(run.stderr.contains("row 2, column `p50`"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Score validation

/// Eight scored assets with outcomes (bad = 1):
///
/// | asset | score | grade | outcome |
/// |-------|-------|-------|---------|
/// | B1    | 800   | AAA   | good    |
/// | B2    | 780   | AAA   | good    |
/// | B3    | 700   | A     | good    |
/// | B4    | 700   | A     | bad     |
/// | B5    | 650   | BBB   | good    |
/// | B6    | 600   | BB    | bad     |
/// | B7    | 550   | CCC   | bad     |
/// | B8    | 550   | CCC   | good    |
///
/// AUC over the 5 × 3 good–bad pairs: B1 beats 700, 600, 550 → 3; B2 → 3; B3 ties 700 (½),
/// beats 600 and 550 → 2.5; B5 loses to 700, beats 600, 550 → 2; B8 loses to 700 and 600,
/// ties 550 → 0.5. AUC = 11/15 = 0.7333, Gini = 7/15 = 0.4667.
/// KS: cumulative shares (bad, good) after 550: (1/3, 1/5) → 0.133; after 600: (2/3, 1/5) →
/// 0.4667; after 650: (2/3, 2/5) → 0.267; after 700: (1, 3/5) → 0.4; … → KS 7/15 at 600.
/// Bad rates by grade from worst (lowest mean score) to best: CCC 1/2, BB 1/1, BBB 0/1, A 1/2,
/// AAA 0/2 → BB breaks the order (100 % > 50 %) and so does A (50 % > 0 %).
/// Unmatched: B9 has no outcome, Z1 has no valuation, B1's second outcome and B10's outcome
/// `2` are excluded.
#[test]
fn outcomes_hand_computed() {
    let case = Case::new();
    let rows = [
        ("B1", 800, "AAA"),
        ("B2", 780, "AAA"),
        ("B3", 700, "A"),
        ("B4", 700, "A"),
        ("B5", 650, "BBB"),
        ("B6", 600, "BB"),
        ("B7", 550, "CCC"),
        ("B8", 550, "CCC"),
        ("B9", 700, "A"),
        ("B10", 700, "A"),
    ];
    let mut val = format!("{VAL_HEADER}\n");
    for (id, score, grade) in rows {
        val.push_str(&format!("{id},O,patent,USD,1,,,,,,,,{score},{grade}\n"));
    }
    let val = case.write("assets.csv", val);
    let outcomes = case.write(
        "outcomes.csv",
        "asset_id,outcome\nB1,0\nB2,0\nB3,0\nB4,1\nB5,0\nB6,1\nB7,1\nB8,0\nZ1,1\nB1,1\nB10,2\n",
    );
    let (run, t) = score_validation(&case, &val, &outcomes);
    assert_eq!(t.column("group"), ["all", "CCC", "BB", "BBB", "A", "AAA"]);
    let all = group(&t, "all");
    assert_eq!(all("n"), "8");
    assert_eq!(all("n_bad"), "3");
    assert_eq!(all("n_good"), "5");
    near(all("auc"), 11.0 / 15.0, "AUC");
    near(all("gini"), 7.0 / 15.0, "Gini");
    near(all("ks"), 7.0 / 15.0, "KS");
    near(all("ks_score"), 600.0, "KS score");
    assert_eq!(all("monotonic"), "false");
    near(group(&t, "BB")("bad_rate"), 1.0, "BB bad rate");
    assert_eq!(group(&t, "BB")("monotonic"), "false");
    assert_eq!(group(&t, "BBB")("monotonic"), "true");
    assert_eq!(group(&t, "A")("monotonic"), "false");
    assert!(
        run.stdout.contains("BB (100.0 %) > CCC (50.0 %)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("A (50.0 %) > BBB (0.0 %)"),
        "{}",
        run.stdout
    );

    let u = CsvTable::read(&run.out.join("score_validation_unmatched.csv"));
    let ids: Vec<(&str, &str)> = (0..u.len())
        .map(|i| (u.get(i, "asset_id"), u.get(i, "file")))
        .collect();
    for expected in [
        ("B9", "valuations"),
        ("B10", "valuations"),
        ("Z1", "outcomes"),
        ("B1", "outcomes"),
        ("B10", "outcomes"),
    ] {
        assert!(ids.contains(&expected), "{expected:?} in {ids:?}");
    }
    assert_eq!(u.len(), 5);
}

/// The binomial test per grade, on valuations that carry `pd`:
///
/// | grade | assets | pds                                      | mean pd | bads | P(X ≥ bads)           |
/// |-------|--------|------------------------------------------|---------|------|-----------------------|
/// | BB    | 6      | 0.03, 0.04, 0.035, 0.0384, 0.0368, 0.04  | 0.0367  | 2    | 0.018306 (flagged)    |
/// | A     | 4      | 0.1 each                                 | 0.1     | 1    | 1 − 0.9⁴ = 0.3439     |
/// | AA    | 2      | 0.003 each                               | 0.003   | 0    | 1                     |
///
/// BB: q = 0.9633, P(X ≤ 1) = q⁶ + 6·0.0367·q⁵ = 0.799041547 + 0.182652288, so
/// P(X ≥ 2) = 0.018306165 < 0.05. A valuations file without `pd` leaves the columns empty.
#[test]
fn binomial_test_per_grade_by_hand() {
    let case = Case::new();
    let mut val = format!("{VAL_HEADER},pd\n");
    let mut outcomes = String::from("asset_id,outcome\n");
    let bb = [0.03, 0.04, 0.035, 0.0384, 0.0368, 0.04];
    for (i, pd) in bb.iter().enumerate() {
        val.push_str(&format!("C{i},O,patent,USD,1,,,,,,,,610,BB,{pd}\n"));
        outcomes.push_str(&format!("C{i},{}\n", u8::from(i < 2)));
    }
    for i in 0..4 {
        val.push_str(&format!("D{i},O,patent,USD,1,,,,,,,,690,A,0.1\n"));
        outcomes.push_str(&format!("D{i},{}\n", u8::from(i == 0)));
    }
    for i in 0..2 {
        val.push_str(&format!("E{i},O,patent,USD,1,,,,,,,,730,AA,0.003\n"));
        outcomes.push_str(&format!("E{i},0\n"));
    }
    let val = case.write("assets.csv", val);
    let outcomes = case.write("outcomes.csv", outcomes);
    let (run, t) = score_validation(&case, &val, &outcomes);
    let (bb, a, aa) = (group(&t, "BB"), group(&t, "A"), group(&t, "AA"));
    assert_eq!((bb("n"), bb("n_bad")), ("6", "2"));
    near(bb("mean_pd"), 0.0367, "BB mean pd");
    assert_eq!(bb("binomial_p"), "0.018306");
    assert_eq!(bb("pd_too_low"), "true");
    near(a("mean_pd"), 0.1, "A mean pd");
    assert_eq!(a("binomial_p"), "0.343900");
    assert_eq!(a("pd_too_low"), "false");
    assert_eq!(aa("binomial_p"), "1.000000");
    assert_eq!(aa("pd_too_low"), "false");
    assert_eq!(group(&t, "all")("binomial_p"), "");
    // Jeffreys: BB's posterior Beta(2.5, 4.5) has 0.004380 of its mass below 0.0367 (the
    // ECB's example, 0.0044); AA (0 of 2) has its interval's lower end at 0 and A (1 of 4) has
    // the posterior Beta(1.5, 3.5), whose CDF at 0.1 is 0.147384 by the midpoint rule.
    assert_eq!(bb("jeffreys_p"), "0.004380");
    assert_eq!(aa("rate_low_95"), "0.000000");
    near(a("jeffreys_p"), 0.147_384, "A Jeffreys p");
    assert_eq!(group(&t, "all")("jeffreys_p"), "");
    // The calibration line is on the overall row only.
    assert!(!group(&t, "all")("calibration_slope").is_empty());
    assert_eq!(bb("calibration_slope"), "");
    assert!(
        run.stdout
            .contains("binomial test: P(this many bads or more | mean pd) < 0.05 for BB"),
        "{}",
        run.stdout
    );

    // Without a pd column there is no test, and the summary says why.
    let case = Case::new();
    let val = case.write(
        "assets.csv",
        format!("{VAL_HEADER}\nT1,O,patent,USD,1,,,,,,,,600,BB\nT2,O,patent,USD,1,,,,,,,,600,BB\n"),
    );
    let outcomes = case.write("outcomes.csv", "asset_id,outcome\nT1,1\nT2,0\n");
    let (run, t) = score_validation(&case, &val, &outcomes);
    assert_eq!(group(&t, "BB")("binomial_p"), "");
    assert_eq!(group(&t, "BB")("pd_too_low"), "");
    assert!(
        run.stdout.contains("need the valuations' pd column"),
        "{}",
        run.stdout
    );
}

#[test]
fn ties_everywhere_give_auc_one_half() {
    // Every asset scores 600: each of the 2 × 2 good–bad pairs is a tie (½) → AUC 0.5, Gini 0,
    // KS 0 (the cumulative shares are equal at the only score).
    let case = Case::new();
    let val = case.write(
        "assets.csv",
        format!(
            "{VAL_HEADER}\nT1,O,patent,USD,1,,,,,,,,600,BB\nT2,O,patent,USD,1,,,,,,,,600,BB\n\
             T3,O,patent,USD,1,,,,,,,,600,BB\nT4,O,patent,USD,1,,,,,,,,600,BB\n"
        ),
    );
    let outcomes = case.write("outcomes.csv", "asset_id,outcome\nT1,1\nT2,0\nT3,1\nT4,0\n");
    let (_, t) = score_validation(&case, &val, &outcomes);
    let all = group(&t, "all");
    near(all("auc"), 0.5, "AUC");
    near(all("gini"), 0.0, "Gini");
    near(all("ks"), 0.0, "KS");
    assert_eq!(all("monotonic"), "true");
}

// ---------------------------------------------------------------------------------------------
// Calibration

#[cfg(feature = "synth")]
mod calibration;
#[cfg(feature = "synth")]
mod calibration_acceptance;

#[test]
fn calibrate_refuses_too_few_outcomes() {
    let case = Case::new();
    let sheet = common::Sheet::base();
    let portfolio = case.portfolio(&sheet);
    case.value(&portfolio, &[]).assert_code(0);
    let outcomes = case.write("outcomes.csv", "asset_id,outcome\nA1,1\nA2,0\nA3,0\n");
    let card = case.path("scorecard.toml");
    let run = case.run(&[
        "calibrate",
        "--valuations",
        case.out().join("assets.csv").to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--out",
        card.to_str().unwrap(),
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("too few outcomes"), "{}", run.stderr);
    assert!(run.stderr.contains("at least 200"), "{}", run.stderr);
    assert!(!card.exists(), "nothing written");
}
