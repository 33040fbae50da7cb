//! The reviewer's outputs through the real binary on the sample data: plots (PNG and SVG),
//! report.html, results.xlsx, and Excel and Parquet input giving the same results as CSV.

use crate::common::{csv_safe, Case, CsvTable, Run, Sheet, AS_OF, MARKET};
use calamine::{open_workbook, Data, Reader, Xlsx};
use ipval::plot::{file_stem, Kind};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/portfolio.csv");

/// The size every chart states (its SVG's width and height).
const SIZE: (u32, u32) = ipval::plot::SIZE;

/// `ipval value` on `portfolio` with the sample market, `--as-of 2026-11-21`, then `extra`.
fn value(case: &Case, portfolio: &Path, extra: &[&str]) -> Run {
    let out = case.out();
    let mut args = vec![
        "value",
        "--portfolio",
        portfolio.to_str().unwrap(),
        "--market",
        MARKET,
        "--as-of",
        AS_OF,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let run = case.run(&args);
    run.assert_code(0);
    run
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// Decodes a PNG: (width, height, distinct colours, share of non-white pixels).
fn png_stats(path: &Path) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let colours: HashSet<&[u8]> = pixels.iter().copied().collect();
    let ink = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    (
        info.width,
        info.height,
        colours.len(),
        ink as f64 / pixels.len() as f64,
    )
}

#[test]
fn sample_run_draws_every_plot_legibly() {
    let case = Case::new();
    let run = value(&case, Path::new(SAMPLE), &["--draws", "500"]);
    let plots = run.out.join("plots");
    let owners = CsvTable::read(&run.out.join("portfolios.csv"));
    let owners: Vec<&str> = owners.column("owner");
    assert_eq!(owners.len(), 12);
    for owner in &owners {
        for kind in [Kind::Value, Kind::Ranges, Kind::Tornado] {
            let stem = file_stem(kind, owner);
            for ext in ["png", "svg"] {
                let p = plots.join(format!("{stem}.{ext}"));
                assert!(p.is_file(), "missing {}", p.display());
            }
        }
        let svg =
            std::fs::read_to_string(plots.join(format!("{}.svg", file_stem(Kind::Value, owner))))
                .unwrap();
        let shown = owner.replace('&', "&amp;");
        assert!(svg.contains(&shown), "value plot lacks the owner {owner}");
        for label in ["p10 ", "p50 ", "p90 ", "lendable value "] {
            assert!(svg.contains(label), "{owner}: value plot lacks `{label}`");
        }
        assert!(svg.contains(&format!("width=\"{}\" height=\"{}\"", SIZE.0, SIZE.1)));
    }
    assert!(plots.join("scores.png").is_file() && plots.join("scores.svg").is_file());
    let pngs = files_in(&plots, "png");
    assert_eq!(pngs.len(), files_in(&plots, "svg").len());
    assert!(pngs.len() > 3 * owners.len());
    for p in &pngs {
        let (w, h, colours, ink) = png_stats(p);
        assert_eq!((w, h), SIZE, "{}", p.display());
        // Anti-aliased text and several series: far more than a blank or flat image has.
        assert!(colours > 30, "{}: {colours} colours", p.display());
        assert!(ink > 0.02, "{}: {ink:.4} of pixels drawn", p.display());
    }
    // Every plot is listed in the manifest.
    let m = run.manifest();
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for name in [
        "report.html",
        "results.xlsx",
        "plots/scores.png",
        "plots/scores.svg",
    ] {
        assert!(outputs.contains(&name), "manifest outputs lack {name}");
    }
    assert_eq!(
        outputs.iter().filter(|o| o.starts_with("plots/")).count(),
        2 * pngs.len()
    );
}

#[test]
fn report_is_self_contained_and_lists_every_asset() {
    let case = Case::new();
    let run = value(&case, Path::new(SAMPLE), &["--draws", "500"]);
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    for id in run.assets().column("asset_id") {
        assert!(html.contains(&format!(">{id}<")), "report lacks asset {id}");
    }
    for owner in CsvTable::read(&run.out.join("portfolios.csv")).column("owner") {
        assert!(html.contains(owner), "report lacks portfolio {owner}");
    }
    let lower = html.to_ascii_lowercase();
    for banned in ["http://", "https://", "@import", "<link", "url("] {
        assert!(
            !lower.contains(banned),
            "report loads from outside: {banned}"
        );
    }
    for (i, _) in lower.match_indices("src=") {
        let rest = lower[i + 4..].trim_start_matches(['"', '\'']);
        assert!(
            rest.starts_with("data:"),
            "external src: {}",
            &lower[i..i + 60]
        );
    }
    assert!(html.contains("<svg") && html.contains("<script>"));
    for section in [
        "id=\"assumptions\"",
        "id=\"overrides\"",
        "id=\"manifest\"",
        "sortable",
    ] {
        assert!(html.contains(section), "report lacks {section}");
    }
    let m = run.manifest();
    assert!(html.contains(m["inputs"][0]["sha256"].as_str().unwrap()));
}

#[test]
fn input_text_is_escaped_and_file_names_sanitised() {
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(0, "asset_id", "<script>alert(1)</script>");
    sheet.set(0, "owner", "../../Evil \"Co\" & <b>Sons</b>");
    sheet.set(1, "owner", "../../Evil \"Co\" & <b>Sons</b>");
    let portfolio = case.portfolio(&sheet);
    let run = value(&case, &portfolio, &["--draws", "200"]);
    assert_eq!(run.assets().len(), 3);
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert(1)"), "asset id not escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b>Sons</b>"), "owner not escaped");
    assert!(html.contains("../../Evil &quot;Co&quot; &amp; &lt;b&gt;Sons&lt;/b&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the sorting script"
    );
    // Every file written stays inside --out, with a tame name.
    let plots = run.out.join("plots");
    for e in std::fs::read_dir(&plots).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                && !name.starts_with('.'),
            "{name}"
        );
    }
    let stem = file_stem(Kind::Value, "../../Evil \"Co\" & <b>Sons</b>");
    assert!(plots.join(format!("{stem}.png")).is_file());
    assert!(!case.dir.path().join("Evil").exists());
}

/// Markup in every kind of input text — asset id, owner, a rejected cell, an override's reviewer
/// and reason — reaches the page as text, beside the figures it belongs to.
#[test]
fn hostile_input_text_reaches_the_report_escaped() {
    const OWNER: &str = "\"><img src=x onerror=alert(1)>";
    const ID: &str = "<script>alert(1)</script>";
    let case = Case::new();
    let mut sheet = Sheet::base();
    sheet.set(0, "asset_id", ID);
    for row in 0..2 {
        sheet.set(row, "owner", OWNER);
    }
    let bad = sheet.add(2, "A9");
    sheet.set(bad, "sector", "<svg onload=alert(2)>");
    let portfolio = case.portfolio(&sheet);
    let ov = case.write(
        "overrides.csv",
        "asset_id,field,value,reviewer,reason\n\
         A2,royalty_rate,0.04,<b>J. Tan</b>,\"licence \"\"2024\"\" & <i>more</i>\"\n",
    );
    let run = value(
        &case,
        &portfolio,
        &["--draws", "200", "--overrides", ov.to_str().unwrap()],
    );
    assert_eq!(run.rejected().len(), 1);
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    for raw in [
        "<img",
        "<script>alert",
        "<svg onload",
        "<b>J. Tan",
        "<i>more",
    ] {
        assert!(!html.contains(raw), "`{raw}` reached the page unescaped");
    }
    let owner = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
    let id = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(html.contains(&format!(
        "<td class=\"id\">{id}</td><td class=\"owner\">{owner}</td>"
    )));
    assert!(
        html.contains(&format!("<h2>{owner}</h2>")),
        "portfolio section"
    );
    assert!(
        html.contains("&lt;svg onload=alert(2)&gt;"),
        "rejected value"
    );
    assert!(
        html.contains("<td>&lt;b&gt;J. Tan&lt;/b&gt;</td>"),
        "reviewer"
    );
    assert!(html.contains("licence &quot;2024&quot; &amp; &lt;i&gt;more&lt;/i&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the sorting script"
    );
    assert_eq!(html.matches("<img").count(), 0);
    // The escaped owner's row carries its figures from portfolios.csv.
    let p = CsvTable::read(&run.out.join("portfolios.csv"));
    let row = p.row_where("owner", OWNER);
    let p50: f64 = p.get(row, "p50").parse().unwrap();
    let link = format!("<a href=\"#p-{row}\">{owner}</a></td>");
    let at = html.find(&link).expect("the owner's portfolio row");
    let cells = &html[at..at + html[at..].find("</tr>").unwrap()];
    // The cells after the owner: assets, p10, p50 (shown in whole units, sortable by the
    // unrounded value that portfolios.csv prints to the cent).
    let cell = cells.split("<td class=\"n\" data-v=\"").nth(3).unwrap();
    let (raw, shown) = cell.split_once("\">").unwrap();
    assert!(
        (raw.parse::<f64>().unwrap() - p50).abs() <= 0.005,
        "{cells}"
    );
    assert_eq!(shown, format!("{}</td>", ipval::format::thousands(p50)));
    assert!(cells.contains(&format!(">{}</td>", p.get(row, "n_assets"))));
}

#[test]
fn no_plots_skips_the_plots_but_not_the_report() {
    let case = Case::new();
    let run = value(&case, Path::new(SAMPLE), &["--draws", "100", "--no-plots"]);
    assert!(!run.out.join("plots").exists());
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(!html.contains("<svg") && html.contains("--no-plots"));
    assert!(run.out.join("results.xlsx").is_file());
}

const DATES: &[&str] = &["filing_date", "expiry_date"];
const NUMBERS: &[&str] = &[
    "annual_revenue",
    "revenue_growth",
    "royalty_rate",
    "discount_rate",
    "tax_rate",
    "useful_life_years",
    "development_cost",
    "development_year",
    "forward_citations",
    "family_size",
    "claims",
];

/// Writes the sample CSV as an Excel workbook the way a user's export would hold it: dates as
/// date cells, numbers as numbers, booleans as booleans, the rest as text; the portfolio on a
/// sheet named `Portfolio` after a first sheet of notes when `second_sheet`.
fn sample_as_xlsx(path: &Path, second_sheet: bool) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let table = CsvTable::read(Path::new(SAMPLE));
    let mut wb = Workbook::new();
    if second_sheet {
        let notes = wb.add_worksheet();
        notes.set_name("Notes").unwrap();
        notes
            .write_string(0, 0, "exported from the loan system")
            .unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Portfolio").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let (mut n_dates, mut n_numbers) = (0, 0);
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let h = table.headers[c].as_str();
            let col = c as u16;
            if v.is_empty() {
                continue;
            }
            if DATES.contains(&h) {
                let d = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_datetime_with_format(r, col, &d, &date).unwrap();
                n_dates += 1;
            } else if NUMBERS.contains(&h) {
                ws.write_number(r, col, v.parse::<f64>().unwrap()).unwrap();
                n_numbers += 1;
            } else if v == "true" || v == "false" {
                ws.write_boolean(r, col, v == "true").unwrap();
            } else {
                ws.write_string(r, col, v).unwrap();
            }
        }
    }
    assert!(n_dates > 100 && n_numbers > 100);
    wb.save(path).unwrap();
}

/// The sample portfolio as a typed Parquet file, the way a bank's export tool writes one:
/// polars infers number and text columns from the CSV; row groups of 16 rows so that the reader
/// (and ingest::parquet_guard) crosses many of them.
fn sample_as_parquet(path: &Path) {
    use polars::prelude::*;
    let mut df = LazyCsvReader::new(PlRefPath::try_from_path(Path::new(SAMPLE)).unwrap())
        .with_has_header(true)
        .finish()
        .unwrap()
        .collect()
        .unwrap();
    let types: HashSet<String> = df.dtypes().iter().map(|t| t.to_string()).collect();
    assert!(types.contains("f64") && types.contains("str"), "{types:?}");
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file)
        .with_row_group_size(Some(16))
        .finish(&mut df)
        .unwrap();
}

#[test]
fn parquet_portfolio_gives_the_same_assets_as_csv() {
    let case = Case::new();
    let from_csv = value(&case, Path::new(SAMPLE), &["--draws", "300", "--no-plots"]);
    let case = Case::new();
    let parquet = case.path("portfolio.parquet");
    sample_as_parquet(&parquet);
    let from_parquet = value(&case, &parquet, &["--draws", "300", "--no-plots"]);
    assert_eq!(from_parquet.rejected().len(), 0);
    for file in ["assets.csv", "portfolios.csv"] {
        let text = |run: &Run| String::from_utf8(std::fs::read(run.out.join(file)).unwrap());
        assert_eq!(
            text(&from_parquet).unwrap(),
            text(&from_csv).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn xlsx_portfolio_gives_the_same_assets_as_csv() {
    let case = Case::new();
    let from_csv = value(&case, Path::new(SAMPLE), &["--draws", "300", "--no-plots"]);
    let csv_assets = std::fs::read(from_csv.out.join("assets.csv")).unwrap();
    let csv_portfolios = std::fs::read(from_csv.out.join("portfolios.csv")).unwrap();

    let case = Case::new();
    let xlsx = case.path("portfolio.xlsx");
    sample_as_xlsx(&xlsx, false);
    let from_xlsx = value(&case, &xlsx, &["--draws", "300", "--no-plots"]);
    assert_eq!(from_xlsx.rejected().len(), 0);
    assert_eq!(
        String::from_utf8(std::fs::read(from_xlsx.out.join("assets.csv")).unwrap()).unwrap(),
        String::from_utf8(csv_assets.clone()).unwrap()
    );
    assert_eq!(
        std::fs::read(from_xlsx.out.join("portfolios.csv")).unwrap(),
        csv_portfolios
    );

    // The same data on a named second sheet.
    let case = Case::new();
    let xlsx = case.path("book.xlsx");
    sample_as_xlsx(&xlsx, true);
    let from_sheet = value(
        &case,
        &xlsx,
        &["--draws", "300", "--no-plots", "--sheet", "Portfolio"],
    );
    assert_eq!(
        std::fs::read(from_sheet.out.join("assets.csv")).unwrap(),
        csv_assets
    );
    // Without --sheet the first sheet (notes) is read: no asset columns.
    let out = case.out();
    let first = case.run(&[
        "value",
        "--portfolio",
        xlsx.to_str().unwrap(),
        "--market",
        MARKET,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(first.stderr.contains("asset_id"), "{}", first.stderr);
    let missing = case.run(&[
        "validate",
        "--portfolio",
        xlsx.to_str().unwrap(),
        "--market",
        MARKET,
        "--sheet",
        "Nope",
    ]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no sheet `Nope`"),
        "{}",
        missing.stderr
    );
    let on_csv = case.run(&[
        "validate",
        "--portfolio",
        SAMPLE,
        "--market",
        MARKET,
        "--sheet",
        "Portfolio",
    ]);
    assert_eq!(on_csv.code, 1);
    assert!(on_csv.stderr.contains("--sheet"), "{}", on_csv.stderr);
}

/// The cell as the CSV writer prints it.
fn as_csv(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => csv_safe(s),
        Data::Bool(b) => b.to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

#[test]
fn results_xlsx_holds_the_csv_numbers() {
    let case = Case::new();
    let run = value(&case, Path::new(SAMPLE), &["--draws", "300", "--no-plots"]);
    let mut wb: Xlsx<_> = open_workbook(run.out.join("results.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Assets", "Portfolios", "Rejected", "Assumptions"]
    );
    for (sheet, file) in [("Assets", "assets.csv"), ("Portfolios", "portfolios.csv")] {
        let csv = CsvTable::read(&run.out.join(file));
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let header: Vec<String> = rows[0].iter().map(as_csv).collect();
        assert_eq!(header, csv.headers, "{sheet} header");
        assert_eq!(rows.len() - 1, csv.len(), "{sheet} rows");
        let mut numbers = 0;
        for (r, row) in rows[1..].iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let want = &csv.rows[r][c];
                match cell {
                    Data::Float(x) => {
                        // Written as the CSV prints it, so equal to the last bit.
                        assert_eq!(*x, want.parse::<f64>().unwrap(), "{sheet} {r} {c}");
                        numbers += 1;
                    }
                    Data::Int(i) => assert_eq!(i.to_string(), *want),
                    other => assert_eq!(&as_csv(other), want, "{sheet} row {r} col {c}"),
                }
            }
        }
        assert!(numbers > csv.len(), "{sheet}: {numbers} numbers");
    }
    let assumptions = wb.worksheet_range("Assumptions").unwrap();
    let text: Vec<String> = assumptions
        .rows()
        .flat_map(|r| r.iter().map(as_csv).collect::<Vec<_>>())
        .collect();
    for needle in [
        "risk_free_rate",
        "montecarlo.toml",
        "grade AAA",
        "sample-data/market/sectors.csv",
    ] {
        assert!(
            text.iter().any(|t| t.contains(needle)),
            "Assumptions lack {needle}"
        );
    }
}

#[cfg(feature = "synth")]
#[test]
fn plots_are_capped_and_the_report_says_so() {
    let case = Case::new();
    let synth = case.path("synth.csv");
    case.run(&[
        "synth",
        "--assets",
        "800",
        "--seed",
        "5",
        "--out",
        synth.to_str().unwrap(),
    ])
    .assert_code(0);
    let run = value(&case, &synth, &["--draws", "50"]);
    let owners = CsvTable::read(&run.out.join("portfolios.csv")).len();
    let cap = ipval::pipeline::PLOTTED_OWNERS;
    assert!(owners > cap, "{owners} owners");
    let values = files_in(&run.out.join("plots"), "png")
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("value-")
        })
        .count();
    assert_eq!(values, cap);
    let html = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(html.contains(&format!("first {cap} of {owners} portfolios")));
    assert_eq!(html.matches("<section class=\"portfolio\"").count(), cap);
}

#[test]
fn tornado_moves_each_input_the_way_the_model_says() {
    use ipval::pipeline::Contexts;
    use ipval::sensitivity::{tornado, Input};
    use ipval::valuation::Context;
    let models = ipval::params::ModelSet::load(None).unwrap();
    let market = ipval::ingest::market::read(Path::new(MARKET)).unwrap();
    let as_of = ipval::config::parse_as_of(AS_OF).unwrap();
    let portfolio = ipval::ingest::portfolio::read(Path::new(SAMPLE), &market, as_of).unwrap();
    let cfg = ipval::config::RunConfig::in_memory(as_of, 0, 1);
    let result = ipval::pipeline::run(&cfg, &portfolio, &market, &models).unwrap();
    let overrides = ipval::overrides::Overrides::default();
    let ctx = Contexts {
        base: Context::new(&market, &models, as_of, 1.0),
        overrides: &overrides,
    };
    let mut checked = 0;
    for (p, assets) in result.portfolios.iter().zip(
        result
            .assets
            .chunk_by(|a, b| a.asset.owner == b.asset.owner),
    ) {
        let t = tornado(assets, &ctx, 1);
        let tol = 1e-9 * t.base.abs().max(1.0);
        assert!((t.base - p.value_point).abs() <= tol, "{}", p.owner);
        assert_eq!(t.swings.len(), Input::ALL.len());
        assert!(t.swings.windows(2).all(|w| w[0].width() >= w[1].width()));
        for s in &t.swings {
            assert!(s.at_p10.is_finite() && s.at_p90.is_finite());
            match s.input {
                // More revenue or royalty is worth more; a higher rate discounts more.
                Input::Revenue | Input::RoyaltyRate | Input::Growth => {
                    assert!(
                        s.at_p10 <= t.base + tol && t.base <= s.at_p90 + tol,
                        "{s:?}"
                    )
                }
                Input::DiscountRate => {
                    assert!(
                        s.at_p10 + tol >= t.base && t.base + tol >= s.at_p90,
                        "{s:?}"
                    )
                }
                // v2: the residual life is drawn around its median (the point value's life),
                // capped by the legal life: the p10 life lies at or below the centre, the p90
                // at or above.
                Input::Life => assert!(
                    s.at_p10 <= t.base + tol && t.base <= s.at_p90 + tol,
                    "{s:?}"
                ),
                Input::DevelopmentCost | Input::MarketMultiple => {
                    assert!(s.at_p10 <= s.at_p90 + tol, "{s:?}")
                }
            }
        }
        let revenue = t.swings.iter().find(|s| s.input == Input::Revenue).unwrap();
        assert!(revenue.width() > 0.0, "{}: revenue moves nothing", p.owner);
        checked += 1;
    }
    assert_eq!(checked, 12);
}

/// `--format json` and `--format parquet` hold the rows and figures of the default CSV: JSON
/// and Parquet keep full precision, the CSV prints each number to its column's decimals.
#[test]
fn json_and_parquet_asset_tables_hold_the_csv_rows() {
    let formats = ["csv", "json", "parquet"];
    let cases: Vec<Case> = formats.iter().map(|_| Case::new()).collect();
    let runs: Vec<Run> = cases
        .iter()
        .zip(formats)
        .map(|(case, f)| {
            let args = ["--draws", "200", "--no-plots", "--format", f];
            value(case, Path::new(SAMPLE), &args)
        })
        .collect();
    let csv = CsvTable::read(&runs[0].out.join("assets.csv"));
    // A JSON or Parquet value as the CSV prints it: decimals as in the CSV cell.
    let printed = |want: &str, x: f64| match want.split_once('.') {
        Some((_, d)) => format!("{x:.*}", d.len()),
        None => format!("{x:.0}"),
    };
    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&std::fs::read_to_string(runs[1].out.join("assets.json")).unwrap())
            .unwrap();
    assert_eq!(json.len(), csv.len());
    for (row, obj) in csv.rows.iter().zip(&json) {
        // JSON objects are unordered (serde_json writes the keys sorted): match by name.
        assert_eq!(obj.len(), csv.headers.len());
        for (want, name) in row.iter().zip(&csv.headers) {
            let got = match &obj[name] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Number(n) => printed(want, n.as_f64().unwrap()),
                serde_json::Value::String(s) => csv_safe(s),
                other => other.to_string(),
            };
            // An exact column (fsd, the scorecard's characteristics) prints the shortest
            // decimal of its double; serde_json's default float parser may land an ulp away.
            let exact = want.split_once('.').is_some_and(|(_, d)| d.len() > 6);
            if let (true, Ok(w), Ok(g)) = (exact, want.parse::<f64>(), got.parse::<f64>()) {
                assert!(
                    (w - g).abs() <= 4.0 * f64::EPSILON * w.abs(),
                    "{name}: {got} ≠ {want}"
                );
                continue;
            }
            assert_eq!(&got, want, "row {row:?}");
        }
    }
    use polars::prelude::*;
    let file = std::fs::File::open(runs[2].out.join("assets.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    assert_eq!(df.height(), csv.len());
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, csv.headers);
    let ids = df.column("asset_id").unwrap().str().unwrap();
    let p50 = df.column("p50").unwrap().f64().unwrap();
    for (i, (id, want)) in csv
        .column("asset_id")
        .iter()
        .zip(csv.column("p50"))
        .enumerate()
    {
        assert_eq!(ids.get(i).map(csv_safe).as_deref(), Some(*id));
        assert_eq!(p50.get(i).map_or(String::new(), |x| printed(want, x)), want);
    }
}

/// The same seed gives byte-identical files whatever `--threads`: the asset table and the
/// workbook (which carries no timestamp) are written in result order as the blocks finish.
#[test]
fn outputs_are_byte_identical_across_thread_counts() {
    let cases = [Case::new(), Case::new()];
    let runs: Vec<Run> = cases
        .iter()
        .zip(["1", "2"])
        .map(|(case, n)| {
            let args = ["--draws", "300", "--no-plots", "--threads", n];
            value(case, Path::new(SAMPLE), &args)
        })
        .collect();
    for file in [
        "assets.csv",
        "portfolios.csv",
        "rejected.csv",
        "results.xlsx",
    ] {
        let bytes: Vec<Vec<u8>> = runs
            .iter()
            .map(|r| std::fs::read(r.out.join(file)).unwrap())
            .collect();
        assert!(
            bytes[0] == bytes[1],
            "{file} differs between --threads 1 and 2"
        );
    }
}

/// Without `--market` and `--models`, from a folder that is not the repository, the binary
/// values with the market data and models embedded in it: the same assets as with the shipped
/// folder given explicitly, and the manifest says the market data were the embedded ones.
#[test]
fn the_embedded_market_data_and_models_are_the_defaults() {
    let case = Case::new();
    let base = [
        "value",
        "--portfolio",
        SAMPLE,
        "--as-of",
        AS_OF,
        "--draws",
        "200",
    ];
    let bare = case.run(&[&base[..], &["--no-plots", "--out", "bare"]].concat());
    bare.assert_code(0);
    let given = case.run(
        &[
            &base[..],
            &["--no-plots", "--out", "given", "--market", MARKET],
        ]
        .concat(),
    );
    given.assert_code(0);
    let read = |dir: &str| std::fs::read_to_string(case.path(dir).join("assets.csv")).unwrap();
    assert_eq!(read("bare"), read("given"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("bare/manifest.json")).unwrap())
            .unwrap();
    let inputs: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert!(
        inputs.contains(&"<embedded market data>/countries.csv"),
        "{inputs:?}"
    );
}
