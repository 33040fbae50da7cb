//! Measures ipval's streamed workbook writer against rust_xlsxwriter in constant-memory mode
//! on the same asset table (issue: "the workbook through rust_xlsxwriter unless it is measurably
//! slower or larger at 100k assets"). Both write the same cells with the same number formats.
//!
//! ```sh
//! cargo run --release --features synth -- synth --assets 100000 --seed 1 --out /tmp/p100k.csv
//! cargo run --release --example xlsx_compare -- /tmp/p100k.csv
//! ```

use ipval::config::RunConfig;
use ipval::output::report::assets_table;
use ipval::output::table::{OutTable, Values};
use ipval::output::xlsx::{number_format, Workbook};
use rust_xlsxwriter::{Format as XFormat, Workbook as XWorkbook};
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let portfolio = std::env::args()
        .nth(1)
        .ok_or("usage: xlsx_compare PORTFOLIO.csv")?;
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).ok_or("date")?;
    let market = ipval::ingest::market::read_from(&ipval::source::Source::Embedded)?;
    let models = ipval::params::ModelSet::embedded()?;
    let p = ipval::ingest::portfolio::read(Path::new(&portfolio), &market, as_of)?;
    let cfg = RunConfig::in_memory(as_of, 100, 1);
    let result = ipval::pipeline::run(&cfg, &p, &market, &models)?;
    let rows = result.assets.len().min(ipval::output::xlsx::MAX_ROWS);
    let table = assets_table(
        &result.assets[..rows],
        "USD",
        &models.scorecard.pd_basis(),
        &p.extra_columns,
    );
    let dir = std::env::temp_dir();

    let ours = dir.join("xlsx_compare_ipval.xlsx");
    let t0 = Instant::now();
    let mut wb = Workbook::new(std::fs::File::create(&ours)?);
    wb.sheet("Assets", &table)?;
    wb.finish()?;
    let ours_time = t0.elapsed();

    let theirs = dir.join("xlsx_compare_rust_xlsxwriter.xlsx");
    let t0 = Instant::now();
    write_rust_xlsxwriter(&table, &theirs)?;
    let theirs_time = t0.elapsed();

    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    println!("{rows} rows × {} columns", table.names.len());
    println!(
        "ipval writer:          {:>6.2} s  {:>10} bytes",
        ours_time.as_secs_f64(),
        size(&ours)
    );
    println!(
        "rust_xlsxwriter (c.m.): {:>6.2} s  {:>10} bytes",
        theirs_time.as_secs_f64(),
        size(&theirs)
    );
    Ok(())
}

/// The same sheet through rust_xlsxwriter's constant-memory worksheet: a header row, text and
/// booleans as they are, numbers with the column's format.
fn write_rust_xlsxwriter(t: &OutTable, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut wb = XWorkbook::new();
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name("Assets")?;
    let bold = XFormat::new().set_bold();
    for (c, name) in t.names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, &bold)?;
    }
    let formats: Vec<Option<XFormat>> = t
        .names
        .iter()
        .zip(&t.columns)
        .map(|(name, v)| match v {
            Values::Number { decimals, .. } => {
                Some(XFormat::new().set_num_format(number_format(name, *decimals)))
            }
            _ => None,
        })
        .collect();
    let rows = t.rows();
    for r in 0..rows {
        let row = (r + 1) as u32;
        for (c, values) in t.columns.iter().enumerate() {
            let col = c as u16;
            match values {
                Values::Text(v) if !v[r].is_empty() => {
                    ws.write_string(row, col, &v[r])?;
                }
                Values::Number { values, .. } => {
                    if let (Some(x), Some(f)) = (values[r], &formats[c]) {
                        ws.write_number_with_format(row, col, x, f)?;
                    }
                }
                Values::Bool(v) => {
                    ws.write_boolean(row, col, v[r])?;
                }
                _ => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save(path)?;
    Ok(())
}
