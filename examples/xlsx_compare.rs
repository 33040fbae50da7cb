//! Measures ipval's streamed workbook writer against rust_xlsxwriter on the same asset table
//! (issues 13 and 21: "the workbook through rust_xlsxwriter unless it is measurably slower or
//! larger at 100k assets"; re-measured with its `zlib` feature and low-memory mode). Every
//! writer writes the same cells with the same number formats.
//!
//! One writer a process, so that each one's memory is its own: the example resets the peak RSS
//! (`/proc/self/clear_refs`) after the run and before the writer, and prints the writer's own
//! peak above the run's resident memory, besides its time and file size.
//!
//! ```sh
//! cargo run --release --features synth -- synth --assets 100000 --seed 1 --out /tmp/p100k.csv
//! for w in ipval constant low; do
//!   /usr/bin/time -f '%e s %M KB' cargo run --release --example xlsx_compare -- /tmp/p100k.csv $w
//! done
//! ```
//!
//! `constant` and `low` are rust_xlsxwriter's constant-memory and low-memory worksheets; build
//! with `--features rust_xlsxwriter/zlib` (a dev-dependency feature, so name it on the command
//! line) to measure them with its C zlib backend.

use ipval::config::RunConfig;
use ipval::output::report::assets_table;
use ipval::output::table::{OutTable, Values};
use ipval::output::xlsx::{number_format, Workbook};
use rust_xlsxwriter::{Format as XFormat, Workbook as XWorkbook};
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: xlsx_compare PORTFOLIO.csv [ipval|constant|low]";
    let portfolio = args.next().ok_or(usage)?;
    let writer = args.next().unwrap_or_else(|| "ipval".to_string());
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
    let path = std::env::temp_dir().join(format!("xlsx_compare_{writer}.xlsx"));

    // Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    std::fs::write("/proc/self/clear_refs", "5")?;
    let before = status_kb("VmRSS:")?;
    let t0 = Instant::now();
    match writer.as_str() {
        "ipval" => {
            let mut wb = Workbook::new(std::fs::File::create(&path)?);
            wb.sheet("Assets", &table)?;
            wb.finish()?;
        }
        "constant" | "low" => write_rust_xlsxwriter(&table, &path, writer == "low")?,
        _ => return Err(usage.into()),
    }
    let time = t0.elapsed();
    let peak = status_kb("VmHWM:")?;
    let size = std::fs::metadata(&path)?.len();
    std::fs::remove_file(&path)?;
    println!(
        "{writer:>8}: {rows} rows × {} columns  {:.2} s  {size} bytes  writer's peak +{} KB over {before} KB",
        table.names.len(),
        time.as_secs_f64(),
        peak.saturating_sub(before),
    );
    Ok(())
}

/// A `/proc/self/status` line's figure in kB.
fn status_kb(key: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(key))
        .ok_or("no such status line")?;
    let kb = line
        .trim_start_matches(key)
        .trim()
        .trim_end_matches("kB")
        .trim();
    Ok(kb.parse()?)
}

/// The same sheet through rust_xlsxwriter's constant-memory or low-memory worksheet: a header
/// row, text and booleans as they are, numbers with the column's format.
fn write_rust_xlsxwriter(
    t: &OutTable,
    path: &Path,
    low_memory: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut wb = XWorkbook::new();
    let ws = if low_memory {
        wb.add_worksheet_with_low_memory()
    } else {
        wb.add_worksheet_with_constant_memory()
    };
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
