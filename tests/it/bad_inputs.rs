//! Bad inputs through the real binary: each test pins the exit code, the message or the
//! rejected row, and (whenever the run gets as far as valuing) the conservation invariant
//! "every input row is in exactly one of assets.csv and rejected.csv".

use crate::common::{csv_safe, Case, CsvTable, Sheet, ASSET_COLUMNS, MARKET};

/// Asserts that rejected.csv has exactly one row for `asset_id`, with this first column and a
/// reason containing every `needles`; returns the reason.
fn rejected_for(rejected: &CsvTable, asset_id: &str, column: &str, needles: &[&str]) -> String {
    let i = rejected.row_where("asset_id", asset_id);
    assert_eq!(rejected.get(i, "column"), column, "{:?}", rejected.rows[i]);
    let reason = rejected.get(i, "reason").to_string();
    for n in needles {
        assert!(
            reason.contains(n),
            "reason for {asset_id} lacks `{n}`: {reason}"
        );
    }
    reason
}

/// Asserts the sorted asset_ids of assets.csv.
fn assert_valued(assets: &CsvTable, ids: &[&str]) {
    let mut got = assets.column("asset_id");
    got.sort_unstable();
    assert_eq!(got, ids);
}

// 1
#[test]
fn empty_file_is_exit_1_naming_the_file() {
    let case = Case::new();
    let p = case.write("portfolio.csv", "");
    let run = case.value(&p, &[]);
    run.assert_error(&[p.to_str().unwrap(), "empty"]);
}

// 2
#[test]
fn header_only_file_is_exit_1() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.rows.clear();
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_error(&[p.to_str().unwrap(), "has a header but no asset rows"]);
}

// 3
#[test]
fn utf8_bom_before_the_header_is_ignored() {
    let case = Case::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(Sheet::base().to_csv().as_bytes());
    let p = case.write("portfolio.csv", bytes);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A2", "A3"]);
    assert_eq!(run.rejected().len(), 0);
    run.assert_conserved(&p);
}

// 4
#[test]
fn quoted_commas_stay_inside_the_field() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet
        .set(0, "owner", "Foo, Inc.")
        .set(1, "owner", "Foo, Inc.");
    let p = case.portfolio(&sheet);
    assert!(std::fs::read_to_string(&p)
        .unwrap()
        .contains(",\"Foo, Inc.\","));
    let run = case.value(&p, &[]);
    run.assert_code(0);
    let assets = run.assets();
    assert_valued(&assets, &["A1", "A2", "A3"]);
    assert_eq!(
        assets.get(assets.row_where("asset_id", "A1"), "owner"),
        "Foo, Inc."
    );
    assert_eq!(
        assets.get(assets.row_where("asset_id", "A1"), "jurisdiction"),
        "SG"
    );
    let portfolios = CsvTable::read(&run.out.join("portfolios.csv"));
    let i = portfolios.row_where("owner", "Foo, Inc.");
    assert_eq!(portfolios.get(i, "n_assets"), "2");
    run.assert_conserved(&p);
}

// 5
#[test]
fn invalid_utf8_rejects_only_that_row() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(2, "owner", "Beta @@ Co.");
    sheet.add_column("title", &["Pulse oximeter", "Widget @@ brand", "Sensor"]);
    let bytes: Vec<u8> = sheet
        .to_csv()
        .split("@@")
        .collect::<Vec<_>>()
        .join("\u{1}")
        .bytes()
        .map(|b| if b == 1 { 0xFF } else { b })
        .collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    let p = case.write("portfolio.csv", bytes);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1"]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 2);
    // A required column and a carried-through column are both checked (the latter was
    // carried through with U+FFFD before the fix in ingest/portfolio.rs).
    rejected_for(&rejected, "A3", "owner", &["owner:", "not valid UTF-8"]);
    rejected_for(&rejected, "A2", "title", &["title:", "not valid UTF-8"]);
    run.assert_conserved(&p);
}

// 6
#[test]
fn thousand_character_asset_id_is_rejected() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    let long = "X".repeat(1000);
    sheet.add(0, &long);
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A2", "A3"]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected.get(0, "row"), "5");
    // The id is echoed, cut to 256 characters.
    rejected_for(
        &rejected,
        &"X".repeat(256),
        "asset_id",
        &["asset_id: longer than 256 characters"],
    );
    run.assert_conserved(&p);
}

// 7
#[test]
fn nan_and_infinity_are_not_finite() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    let a4 = sheet.add(0, "A4");
    sheet.add(2, "A5");
    sheet.set(0, "annual_revenue", "NaN");
    sheet.set(1, "royalty_rate", "inf");
    sheet.set(2, "annual_revenue", "infinity");
    sheet.set(a4, "royalty_rate", "-Infinity");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A5"]);
    let r = run.rejected();
    assert_eq!(r.len(), 4);
    rejected_for(
        &r,
        "A1",
        "annual_revenue",
        &["`NaN` is not a finite number"],
    );
    rejected_for(&r, "A2", "royalty_rate", &["`inf` is not a finite number"]);
    rejected_for(
        &r,
        "A3",
        "annual_revenue",
        &["`infinity` is not a finite number"],
    );
    rejected_for(
        &r,
        "A4",
        "royalty_rate",
        &["`-Infinity` is not a finite number"],
    );
    run.assert_conserved(&p);
}

// 8
#[test]
fn impossible_and_non_iso_dates_are_rejected() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(1, "filing_date", "2023-02-30");
    sheet.set(2, "expiry_date", "28/02/2023");
    let a4 = sheet.add(0, "A4");
    sheet.set(a4, "filing_date", "28/02/2023");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1"]);
    let r = run.rejected();
    assert_eq!(r.len(), 3);
    rejected_for(
        &r,
        "A2",
        "filing_date",
        &["`2023-02-30` is not a calendar date"],
    );
    rejected_for(
        &r,
        "A3",
        "expiry_date",
        &["`28/02/2023` is not a date (use YYYY-MM-DD)"],
    );
    rejected_for(
        &r,
        "A4",
        "filing_date",
        &["`28/02/2023` is not a date (use YYYY-MM-DD)"],
    );
    run.assert_conserved(&p);
}

// 9
#[test]
fn every_copy_of_a_duplicate_id_is_rejected_naming_the_others() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(2, "asset_id", "A1");
    sheet.add(1, "A1");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A2"]);
    let r = run.rejected();
    assert_eq!(r.len(), 3);
    let expect = [
        ("2", "also on row 4, 5"),
        ("4", "also on row 2, 5"),
        ("5", "also on row 2, 4"),
    ];
    for (row, others) in expect {
        let i = r.row_where("row", row);
        assert_eq!(r.get(i, "asset_id"), "A1");
        assert_eq!(r.get(i, "column"), "asset_id");
        assert_eq!(
            r.get(i, "reason"),
            format!("asset_id: duplicate asset_id ({others})")
        );
    }
    run.assert_conserved(&p);
}

// 9 (a copy that is also bad for another reason)
#[test]
fn duplicate_already_rejected_for_another_reason_still_names_the_other_copy() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet
        .set(2, "asset_id", "A1")
        .set(2, "filing_date", "2023-02-30");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A2"]);
    let r = run.rejected();
    assert_eq!(r.len(), 2);
    let i = r.row_where("row", "2");
    assert_eq!(
        r.get(i, "reason"),
        "asset_id: duplicate asset_id (also on row 4)"
    );
    let i = r.row_where("row", "4");
    assert_eq!(r.get(i, "column"), "filing_date");
    assert_eq!(
        r.get(i, "reason"),
        "filing_date: `2023-02-30` is not a calendar date; \
         asset_id: duplicate asset_id (also on row 2)"
    );
    run.assert_conserved(&p);
}

// 10
#[test]
fn currency_without_fx_rate_is_rejected_naming_fx_rates() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(2, "currency", "XYZ");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A2"]);
    let r = run.rejected();
    assert_eq!(r.len(), 1);
    rejected_for(
        &r,
        "A3",
        "currency",
        &["`XYZ` has no rate in the market data's fx_rates.csv"],
    );
    assert_eq!(r.get(0, "value"), "XYZ");
    run.assert_conserved(&p);
}

// 11
#[test]
fn missing_required_column_is_exit_1_naming_column_and_file() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.drop_column("status");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_error(&[p.to_str().unwrap(), "missing required column `status`"]);
}

// 12
#[test]
fn unknown_codes_and_keys_are_rejected_naming_the_column() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.add(0, "A4");
    sheet.set(0, "asset_type", "widget");
    sheet.set(1, "jurisdiction", "ZZ");
    sheet.set(2, "sector", "mining");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A4"]);
    let r = run.rejected();
    assert_eq!(r.len(), 3);
    rejected_for(
        &r,
        "A1",
        "asset_type",
        &["asset_type: `widget` must be one of patent, trademark"],
    );
    rejected_for(
        &r,
        "A2",
        "jurisdiction",
        &["jurisdiction: `ZZ` is not in the market data's countries.csv"],
    );
    rejected_for(
        &r,
        "A3",
        "sector",
        &["sector: `mining` is not in the market data's sectors.csv"],
    );
    run.assert_conserved(&p);
}

// 13
#[test]
fn expiry_before_filing_and_filing_after_as_of_are_rejected() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(0, "expiry_date", "2014-01-01");
    sheet.set(2, "filing_date", "2026-11-22");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A2"]);
    let r = run.rejected();
    assert_eq!(r.len(), 2);
    rejected_for(
        &r,
        "A1",
        "expiry_date",
        &["expiry_date: before the filing date 2015-03-01"],
    );
    rejected_for(
        &r,
        "A3",
        "filing_date",
        &["filing_date: after the valuation date 2026-11-21"],
    );
    run.assert_conserved(&p);
}

// 14
#[test]
fn out_of_range_numbers_are_rejected_with_the_range() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    let a4 = sheet.add(0, "A4");
    let a5 = sheet.add(2, "A5");
    sheet.set(0, "annual_revenue", "-5");
    sheet.set(1, "royalty_rate", "1");
    sheet.set(2, "tax_rate", "1.5");
    sheet.set(a4, "discount_rate", "0");
    // The closed ends of the ranges are accepted.
    sheet
        .set(a5, "annual_revenue", "0")
        .set(a5, "royalty_rate", "0")
        .set(a5, "tax_rate", "0");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A5"]);
    let r = run.rejected();
    assert_eq!(r.len(), 4);
    rejected_for(&r, "A1", "annual_revenue", &["-5 is outside [0, "]);
    assert_eq!(r.get(r.row_where("asset_id", "A1"), "value"), "'-5");
    rejected_for(&r, "A2", "royalty_rate", &["1 is outside [0, 1)"]);
    rejected_for(&r, "A3", "tax_rate", &["1.5 is outside [0, 1)"]);
    rejected_for(&r, "A4", "discount_rate", &["0 is outside (0, 10]"]);
    run.assert_conserved(&p);
}

// 15
#[test]
fn a_whole_column_of_text_is_exit_1_naming_the_column() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet
        .set(0, "annual_revenue", "lots")
        .set(1, "annual_revenue", "n/a")
        .set(2, "annual_revenue", "plenty");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_error(&[
        p.to_str().unwrap(),
        "column `annual_revenue` has the wrong type",
        "first: `lots`",
    ]);
}

// 15 (the counterpart: text among numbers is a bad row, not a bad column)
#[test]
fn text_among_numbers_rejects_only_those_rows() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet
        .set(0, "annual_revenue", "lots")
        .set(1, "annual_revenue", "1,234");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A3"]);
    let r = run.rejected();
    rejected_for(&r, "A1", "annual_revenue", &["`lots` is not a number"]);
    rejected_for(&r, "A2", "annual_revenue", &["no thousands separators"]);
    run.assert_conserved(&p);
}

// 16
#[test]
fn strict_exits_2_with_outputs_written() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(1, "royalty_rate", "1");
    let p = case.portfolio(&sheet);

    let run = case.value(&p, &["--strict"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--strict: 1 row(s) rejected"),
        "{}",
        run.stderr
    );
    assert_valued(&run.assets(), &["A1", "A3"]);
    assert!(run.out.join("portfolios.csv").is_file());
    assert!(run.out.join("manifest.json").is_file());
    rejected_for(&run.rejected(), "A2", "royalty_rate", &["outside [0, 1)"]);
    run.assert_conserved(&p);

    std::fs::remove_dir_all(&run.out).unwrap();
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_eq!(run.rejected().len(), 1);
    run.assert_conserved(&p);

    // --strict with nothing rejected is a success.
    let clean = case.write("clean.csv", Sheet::base().to_csv());
    case.value(&clean, &["--strict"]).assert_code(0);
}

// 17
#[test]
fn market_folder_without_sectors_is_exit_1_naming_the_file() {
    let case = Case::new();
    let market = case.copy_market();
    std::fs::remove_file(market.join("sectors.csv")).unwrap();
    let p = case.portfolio(&Sheet::base());
    let run = case.value_with(&p, &market, &[]);
    let file = market.join("sectors.csv");
    run.assert_error(&[
        file.to_str().unwrap(),
        "required market data file not found",
    ]);
}

// 17
#[test]
fn bad_cell_in_countries_is_exit_1_naming_file_row_and_column() {
    let case = Case::new();
    let market = case.copy_market();
    let path = market.join("countries.csv");
    let mut t = CsvTable::read(&path);
    let i = t.row_where("jurisdiction", "MY");
    let c = t.col("country_risk_premium");
    t.rows[i][c] = "abc".into();
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&t.headers).unwrap();
    for r in &t.rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    drop(w);

    let p = case.portfolio(&Sheet::base());
    let run = case.value_with(&p, &market, &[]);
    let row = format!("row {}, column `country_risk_premium`", i + 2);
    run.assert_error(&[path.to_str().unwrap(), &row, "`abc` is not a number"]);
}

#[test]
fn a_sector_listed_twice_is_exit_1_naming_its_second_row() {
    let case = Case::new();
    let market = case.copy_market();
    let path = market.join("sectors.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let first = text.lines().nth(1).unwrap().to_string();
    let rows = text.lines().count(); // header + data rows; the copy lands on row rows + 1
    std::fs::write(&path, format!("{}\n{first}\n", text.trim_end())).unwrap();
    let sector = first.split(',').next().unwrap();
    let p = case.portfolio(&Sheet::base());
    let run = case.value_with(&p, &market, &[]);
    let row = format!("row {}, column `sector`", rows + 1);
    run.assert_error(&[
        path.to_str().unwrap(),
        &row,
        &format!("`{sector}` appears twice"),
    ]);
}

// 18: a row longer than the header is a structural error (exit 1) naming the file and row;
// polars cannot be asked which field is the stray one, so no guess is made.
#[test]
fn row_with_more_fields_than_the_header_is_exit_1_naming_the_row() {
    let case = Case::new();
    let mut text = Sheet::base().to_csv();
    text.push_str("A4,Gamma,patent,SG,software,granted,2015-03-01,,SGD,100,,0.05,,,x,y\n");
    let p = case.write("portfolio.csv", text);
    let run = case.value(&p, &[]);
    run.assert_error(&[
        p.to_str().unwrap(),
        "row 5 has 16 fields but the header has 14 columns",
    ]);
    assert!(
        !run.stderr.contains("truncate_ragged_lines"),
        "{}",
        run.stderr
    );
}

// 18: a row shorter than the header is read with its missing trailing cells empty: it is
// rejected when that leaves a required value missing, and valued when only optional cells
// are missing.
#[test]
fn row_with_fewer_fields_is_padded_with_empty_cells() {
    let case = Case::new();
    let mut text = Sheet::base().to_csv();
    text.push_str("A4,Gamma,patent,SG\n");
    text.push_str("A5,Gamma,patent,SG,software,granted,2015-03-01\n");
    let p = case.write("portfolio.csv", text);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A2", "A3", "A5"]);
    let r = run.rejected();
    assert_eq!(r.len(), 1);
    rejected_for(
        &r,
        "A4",
        "sector",
        &[
            "sector: required value is missing",
            "status: required value is missing",
            "filing_date: required value is missing",
        ],
    );
    run.assert_conserved(&p);
}

// 19: one file with most kinds of bad row at once, plus an empty asset_id.
#[test]
fn every_input_row_is_valued_or_rejected_exactly_once() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    let bad: &[(&str, &str)] = &[
        ("annual_revenue", "NaN"),
        ("royalty_rate", "1"),
        ("filing_date", "2023-02-30"),
        ("currency", "XYZ"),
        ("sector", "mining"),
        ("status", "sold"),
        ("asset_id", ""),
        ("owner", ""),
    ];
    for (n, (column, value)) in bad.iter().enumerate() {
        let i = sheet.add(n % 3, &format!("B{n}"));
        sheet.set(i, column, value);
    }
    for n in 0..5 {
        sheet.add(n % 3, &format!("G{n}"));
    }
    sheet.add(0, "A2"); // duplicate of a valid row
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A3", "G0", "G1", "G2", "G3", "G4"]);
    assert_eq!(run.rejected().len(), bad.len() + 2);
    let empty_id = run.rejected().row_where("asset_id", "");
    assert_eq!(run.rejected().get(empty_id, "column"), "asset_id");
    run.assert_conserved(&p);
}

// 20
#[test]
fn formula_text_is_prefixed_with_a_quote() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(0, "owner", "=HYPERLINK(\"x\")");
    sheet.set(1, "asset_id", "+1");
    let bad = sheet.add(2, "@SUM(1)");
    sheet.set(bad, "status", "sold");
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    let assets = run.assets();
    assert_valued(&assets, &["'+1", "A1", "A3"]);
    let a1 = assets.row_where("asset_id", "A1");
    assert_eq!(assets.get(a1, "owner"), "'=HYPERLINK(\"x\")");
    let portfolios = CsvTable::read(&run.out.join("portfolios.csv"));
    portfolios.row_where("owner", "'=HYPERLINK(\"x\")");
    rejected_for(&run.rejected(), "'@SUM(1)", "status", &["`sold`"]);
    // Nothing anywhere starts with a formula character.
    for t in [&assets, &portfolios, &run.rejected()] {
        for r in &t.rows {
            for v in r.iter().filter(|v| v.parse::<f64>().is_err()) {
                assert_eq!(*v, csv_safe(v.trim_start_matches('\'')), "{v}");
            }
        }
    }
    run.assert_conserved(&p);
}

// 21
#[test]
fn unknown_columns_are_carried_through_unchanged() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.add_column("internal_ref", &["000123", "0042", ""]);
    sheet.add_column("Desk Note", &["1e3", "TRUE", "  keep  "]);
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    let assets = run.assets();
    let mut expected: Vec<&str> = ASSET_COLUMNS.to_vec();
    expected.extend(["internal_ref", "Desk Note"]);
    assert_eq!(assets.headers, expected);
    let cell = |id: &str, col: &str| {
        assets
            .get(assets.row_where("asset_id", id), col)
            .to_string()
    };
    assert_eq!(cell("A1", "internal_ref"), "000123");
    assert_eq!(cell("A2", "internal_ref"), "0042");
    assert_eq!(cell("A3", "internal_ref"), "");
    assert_eq!(cell("A1", "Desk Note"), "1e3");
    assert_eq!(cell("A2", "Desk Note"), "TRUE");
    // Cells are trimmed on the way in, carried-through ones included.
    assert_eq!(cell("A3", "Desk Note"), "keep");
    run.assert_conserved(&p);
}

// 22
#[test]
fn reporting_currency_without_fx_rate_is_exit_1() {
    let case = Case::new();
    let p = case.portfolio(&Sheet::base());
    let run = case.value(&p, &["--currency", "XYZ"]);
    run.assert_error(&[
        "--currency XYZ",
        "no rate in the market data's fx_rates.csv",
    ]);
}

// 22
#[test]
fn impossible_as_of_date_is_exit_1() {
    let case = Case::new();
    let p = case.portfolio(&Sheet::base());
    let run = case.value(&p, &["--as-of", "2023-13-01"]);
    run.assert_error(&["--as-of `2023-13-01` is not a date (use YYYY-MM-DD)"]);
}

/// The base portfolio itself is valid: the tests above start from a clean run.
#[test]
fn base_portfolio_is_fully_valued() {
    let case = Case::new();
    let p = case.portfolio(&Sheet::base());
    let run = case.value(&p, &[]);
    run.assert_code(0);
    assert_valued(&run.assets(), &["A1", "A2", "A3"]);
    assert_eq!(run.rejected().len(), 0);
    assert!(run.stdout.contains("3 asset(s) valued, 0 row(s) rejected"));
    assert!(std::path::Path::new(MARKET).join("countries.csv").is_file());
    run.assert_conserved(&p);
}

/// A carried-through column named like an output column is written as `input_<name>` (and one
/// already starting with `input_` gets the prefix too), so the asset table never has two
/// columns of one name; the values are carried unchanged.
#[test]
fn carried_columns_never_take_an_output_columns_name() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.add_column("score", &["AAA+", "n/a", "7"]);
    sheet.add_column("input_score", &["x", "y", "z"]);
    sheet.add_column("Notes", &["kept", "", "also"]);
    let p = case.portfolio(&sheet);
    let run = case.value(&p, &[]);
    run.assert_code(0);
    let assets = run.assets();
    let tail: Vec<&str> = assets.headers[ASSET_COLUMNS.len()..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["input_score", "input_input_score", "input_Notes"]);
    let mut names = assets.headers.clone();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), assets.headers.len(), "{:?}", assets.headers);
    assert_eq!(assets.column("input_score")[0], "AAA+");
    assert_eq!(assets.column("input_input_score")[0], "x");
}
