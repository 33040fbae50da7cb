//! The run's files: assets, portfolios, rejected rows and the manifest.

pub use super::manifest::{grade_label, manifest, stale_fx_of_run, Counts, Manifest, RunOutputs};
use super::review;
use super::table::{Format, OutTable, TableWriter, Values};
use super::xlsx::Workbook;
use crate::atomic::{write_atomic, AtomicFile};
use crate::config::{OutputSettings, RunConfig};
use crate::error::Result;
use crate::ingest::Portfolio;
use crate::overrides::Applied;
use crate::results::{AssetResult, AssetSink, PortfolioResult, RunResult, Summary};
use crate::score::ScoreInputs;

use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The contract's asset columns, in order; carried-through input columns follow.
pub const ASSET_COLUMNS: &[&str] = &[
    "asset_id",
    "owner",
    "asset_type",
    "jurisdiction",
    "sector",
    "currency",
    "value_income",
    "value_cost",
    "value_market",
    "value_floor",
    "value_point",
    "p05",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "p95",
    "mean",
    "p50_se",
    "fsd",
    "prob_zero",
    "draws",
    "score",
    "grade",
    "pd",
    "pd_basis",
    "advance_rate",
    "collateral_value",
    "collateral_se",
    "lendable_value",
    "reason_1",
    "reason_2",
    "reason_3",
    "reason_4",
    "review_flag",
    "review_priority",
    "qc_sample",
    "notes",
    "remaining_life",
    "status",
    "litigation",
    "encumbered",
    "enforcement_index",
    "revenue_evidence",
    "approach_spread",
    "patent_quality",
    "indicative_only",
];

fn text<T>(rows: &[T], f: impl Fn(&T) -> String) -> Values {
    Values::Text(rows.iter().map(f).collect())
}

fn num<T>(rows: &[T], decimals: usize, f: impl Fn(&T) -> Option<f64>) -> Values {
    Values::Number {
        values: rows.iter().map(f).collect(),
        decimals,
    }
}

/// Reads one statistic of a distribution summary.
type SummaryField = fn(&Summary) -> f64;

/// The asset table in contract order, money in the reporting currency; `pd_basis` is the
/// scorecard's ([`crate::score::ScorecardParams::pd_basis`]).
pub fn assets_table(
    assets: &[AssetResult],
    currency: &str,
    pd_basis: &str,
    extra_columns: &[String],
) -> OutTable {
    let mut t = OutTable::default();
    let a = assets;
    t.push("asset_id", text(a, |r| r.asset.asset_id.clone()));
    t.push("owner", text(a, |r| r.asset.owner.clone()));
    t.push("asset_type", text(a, |r| r.asset.asset_type.to_string()));
    t.push(
        "jurisdiction",
        text(a, |r| r.asset.jurisdiction.to_string()),
    );
    t.push("sector", text(a, |r| r.asset.sector.to_string()));
    t.push("currency", text(a, |_| currency.to_string()));
    t.push("value_income", num(a, 2, |r| r.point.approaches.income));
    t.push("value_cost", num(a, 2, |r| r.point.approaches.cost));
    t.push("value_market", num(a, 2, |r| r.point.approaches.market));
    t.push("value_floor", num(a, 2, |r| r.resolved.floor));
    t.push("value_point", num(a, 2, |r| r.point.value_point));
    let pick: [(&str, SummaryField); 8] = [
        ("p05", |s| s.p05),
        ("p10", |s| s.p10),
        ("p25", |s| s.p25),
        ("p50", |s| s.p50),
        ("p75", |s| s.p75),
        ("p90", |s| s.p90),
        ("p95", |s| s.p95),
        ("mean", |s| s.mean),
    ];
    for (name, f) in pick {
        t.push(name, num(a, 2, |r| r.summary.as_ref().map(f)));
    }
    t.push("p50_se", num(a, 2, |r| r.precision.map(|p| p.p50_se())));
    // The fsd the scorecard read (the fixed-seed scoring sample), so that the file shows the
    // figure behind the grade and `calibrate` reads it back.
    // Exact, as every characteristic the card bins: rounded, a figure could cross a bin edge.
    t.push(
        "fsd",
        Values::Exact(a.iter().map(|r| r.summary.and(r.scored_fsd())).collect()),
    );
    t.push("prob_zero", num(a, 4, |r| r.summary.map(|s| s.prob_zero)));
    t.push(
        "draws",
        num(a, 0, |r| r.precision.map(|p| p.draws() as f64)),
    );
    t.push("score", num(a, 0, |r| r.score.as_ref().map(|s| s.score)));
    t.push("grade", text(a, |r| grade_label(r).to_string()));
    t.push("pd", num(a, 6, |r| r.score.as_ref().map(|s| s.pd)));
    // What every pd of the run rests on, beside it (empty where there is no pd).
    t.push(
        "pd_basis",
        text(a, |r| {
            r.score
                .as_ref()
                .map_or_else(String::new, |_| pd_basis.to_string())
        }),
    );
    // A not-rated asset lends nothing: advance rate and lendable value 0, not unknown.
    let nr = |r: &AssetResult, v: Option<f64>| if r.not_rated() { Some(0.0) } else { v };
    t.push(
        "advance_rate",
        num(a, 4, |r| nr(r, r.score.as_ref().map(|s| s.advance_rate))),
    );
    t.push("collateral_value", num(a, 2, |r| nr(r, r.collateral)));
    t.push(
        "collateral_se",
        num(a, 2, |r| r.precision.map(|p| p.collateral_se())),
    );
    t.push(
        "lendable_value",
        num(a, 2, |r| {
            nr(r, r.score.as_ref().and_then(|s| s.lendable_value))
        }),
    );
    for (i, name) in ["reason_1", "reason_2", "reason_3", "reason_4"]
        .into_iter()
        .enumerate()
    {
        t.push(
            name,
            text(a, |r| {
                r.score
                    .as_ref()
                    .and_then(|s| s.reasons.get(i).map(str::to_string))
                    .unwrap_or_default()
            }),
        );
    }
    t.push(
        "review_flag",
        Values::Bool(a.iter().map(AssetResult::review_flag).collect()),
    );
    t.push(
        "review_priority",
        num(a, 0, |r| r.review_priority.map(f64::from)),
    );
    t.push(
        "qc_sample",
        Values::Bool(a.iter().map(|r| r.qc_sample).collect()),
    );
    t.push("notes", text(a, AssetResult::notes_line));
    score_input_columns(&mut t, a);
    for (i, name) in extra_columns.iter().enumerate() {
        t.push(
            &carried_name(name),
            text(a, |r| r.asset.extra.get(i).cloned().unwrap_or_default()),
        );
    }
    t
}

/// The characteristics the scorecard read that no other column carries (empty for a not-rated
/// asset), so that the exported scorecard scores `assets` without ipval: numbers exact, codes
/// as the card's bins spell them.
fn score_input_columns(t: &mut OutTable, a: &[AssetResult]) {
    fn inputs(r: &AssetResult) -> Option<&ScoreInputs> {
        r.score.as_ref().map(|s| &s.inputs)
    }
    let exact = |f: &dyn Fn(&ScoreInputs) -> Option<f64>| {
        Values::Exact(a.iter().map(|r| inputs(r).and_then(f)).collect())
    };
    let code = |f: &dyn Fn(&ScoreInputs) -> &'static str| {
        text(a, |r| {
            inputs(r).map_or_else(String::new, |i| f(i).to_string())
        })
    };
    let yes_no = |b: bool| if b { "true" } else { "false" };
    t.push("remaining_life", exact(&|i| Some(i.remaining_life)));
    t.push("status", code(&|i| i.status.as_str()));
    t.push("litigation", code(&|i| i.litigation.as_str()));
    t.push("encumbered", code(&|i| yes_no(i.encumbered)));
    t.push("enforcement_index", exact(&|i| Some(i.enforcement_index)));
    t.push("revenue_evidence", code(&|i| i.revenue_evidence.as_str()));
    t.push("approach_spread", exact(&|i| i.approach_spread));
    t.push("patent_quality", exact(&|i| i.patent_quality));
    t.push("indicative_only", code(&|i| yes_no(i.indicative_only)));
}

/// Columns the asset table writes after the carried-through ones when experts overrode assets.
const AUTOMATED_COLUMNS: &[&str] = &[
    "automated_value_point",
    "automated_p50",
    "automated_score",
    "automated_grade",
    "overrides",
];

/// The name a carried-through input column is written under: its own, or `input_` before it
/// when it would take the name of a column ipval writes (a portfolio column `score` must not
/// give the asset table two `score` columns, which a reader would take for the other). A name
/// that already starts with `input_` gets the prefix too, so two input columns never end up
/// under one name (`score` → `input_score`, `input_score` → `input_input_score`).
pub fn carried_name(name: &str) -> String {
    let key = crate::ingest::frame::normalise(name);
    let ours = ASSET_COLUMNS
        .iter()
        .chain(AUTOMATED_COLUMNS)
        .any(|c| *c == key);
    if ours || key.starts_with("input_") {
        format!("input_{name}")
    } else {
        name.to_string()
    }
}

/// One row per owner.
pub fn portfolios_table(p: &[PortfolioResult]) -> OutTable {
    let mut t = OutTable::default();
    t.push("owner", text(p, |r| r.owner.clone()));
    t.push("n_assets", num(p, 0, |r| Some(r.n_assets as f64)));
    t.push("p10", num(p, 2, |r| r.summary.map(|s| s.p10)));
    t.push("p50", num(p, 2, |r| r.summary.map(|s| s.p50)));
    t.push("p90", num(p, 2, |r| r.summary.map(|s| s.p90)));
    t.push("mean", num(p, 2, |r| r.summary.map(|s| s.mean)));
    t.push("score", num(p, 0, |r| r.score.as_ref().map(|s| s.score)));
    t.push(
        "grade",
        text(p, |r| {
            r.score
                .as_ref()
                .map(|s| s.grade.to_string())
                .unwrap_or_default()
        }),
    );
    t.push("pd", num(p, 6, |r| r.score.as_ref().map(|s| s.pd)));
    t.push(
        "lendable_value",
        num(p, 2, |r| r.score.as_ref().and_then(|s| s.lendable_value)),
    );
    t.push("lendable_se", num(p, 2, |r| r.lendable_se));
    t.push("hhi", num(p, 4, |r| r.hhi));
    t.push("n_not_rated", num(p, 0, |r| Some(r.n_not_rated as f64)));
    t.push("value_point", num(p, 2, |r| Some(r.value_point)));
    t.push("n_review", num(p, 0, |r| Some(r.n_review as f64)));
    t.push(
        "concentration_penalty",
        num(p, 1, |r| r.score.as_ref().map(|s| s.concentration_penalty)),
    );
    t.push(
        "haircut",
        num(p, 4, |r| r.score.as_ref().map(|s| s.haircut)),
    );
    t
}

/// Rejected rows.
pub fn rejected_table(portfolio: &Portfolio) -> OutTable {
    let r = &portfolio.rejected;
    let mut t = OutTable::default();
    t.push("row", num(r, 0, |x| Some(x.row as f64)));
    t.push("asset_id", text(r, |x| x.asset_id.clone()));
    t.push("column", text(r, |x| x.column.clone()));
    t.push("value", text(r, |x| x.value.clone()));
    t.push("reason", text(r, |x| x.reason.clone()));
    t
}

/// The asset outputs, written block by block once the run is scored: the asset table
/// (`assets.<format>`) and the workbook, whose Assets sheet takes the first
/// [`super::xlsx::MAX_ROWS`] rows. Dropped before
/// [`write_all`] (a failed run), it leaves neither file behind.
pub struct AssetWriter<'a> {
    currency: &'a str,
    pd_basis: String,
    extra_columns: &'a [String],
    automated: Option<&'a RunResult>,
    table: TableWriter,
    workbook: BookWriter<AtomicFile>,
    /// Whether the first batch is written.
    started: bool,
}

impl<'a> AssetWriter<'a> {
    /// Creates the output folder and opens the asset table and the workbook for `n_assets`
    /// rows; `automated` holds the automated results of assets experts overrode, `pd_basis`
    /// what the scorecard's pds rest on.
    pub fn create(
        cfg: &'a RunConfig,
        output: &OutputSettings,
        portfolio: &'a Portfolio,
        automated: Option<&'a RunResult>,
        pd_basis: String,
        n_assets: usize,
    ) -> Result<Self> {
        let dir = &output.out_dir;
        std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
        let columns = Columns {
            currency: &cfg.currency,
            pd_basis: &pd_basis,
            extra: &portfolio.extra_columns,
        };
        let header = asset_rows(&[], columns, automated);
        let path = dir.join(format!("assets.{}", output.format.ext()));
        let table = TableWriter::create(&path, output.format, &header)?;
        let workbook_path = dir.join(review::XLSX);
        let mut workbook = Workbook::new(AtomicFile::create(&workbook_path)?);
        workbook
            .start_sheet("Assets", &header, n_assets)
            .map_err(|e| crate::error::Error::io(&workbook_path, e))?;
        Ok(AssetWriter {
            currency: &cfg.currency,
            pd_basis,
            extra_columns: &portfolio.extra_columns,
            automated,
            table,
            workbook: BookWriter::start(workbook, workbook_path),
            started: false,
        })
    }
}

/// The workbook's Assets sheet, written on a thread of its own from the batches it is sent,
/// so that the asset table and the next batch's cells never wait for it, nor it for them.
struct BookWriter<W: io::Write + Send + 'static> {
    path: PathBuf,
    send: Option<SyncSender<Arc<OutTable>>>,
    thread: Option<JoinHandle<io::Result<Workbook<W>>>>,
}

/// Batches queued for the workbook: enough to even out the table's larger writes.
const QUEUED_BATCHES: usize = 64;

impl<W: io::Write + Send + 'static> BookWriter<W> {
    fn start(mut workbook: Workbook<W>, path: PathBuf) -> Self {
        let (send, batches) = sync_channel::<Arc<OutTable>>(QUEUED_BATCHES);
        let thread = std::thread::spawn(move || {
            for t in batches {
                workbook.add_rows(&t)?;
            }
            Ok(workbook)
        });
        BookWriter {
            path,
            send: Some(send),
            thread: Some(thread),
        }
    }

    /// Queues a batch; a workbook that failed says why here.
    fn add(&mut self, t: Arc<OutTable>) -> Result<()> {
        let sent = self.send.as_ref().is_some_and(|s| s.send(t).is_ok());
        if sent {
            return Ok(());
        }
        // The thread stops only at its first failure, whose error is the reason.
        match self.finish() {
            Err(e) => Err(e),
            Ok(_) => Err(crate::error::Error::io(
                &self.path,
                io::Error::other("the workbook writer stopped early"),
            )),
        }
    }

    /// The workbook with every batch sent written.
    fn finish(&mut self) -> Result<Workbook<W>> {
        self.send = None;
        let fail = |e| crate::error::Error::io(&self.path, e);
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(written)) => written.map_err(fail),
            Some(Err(_)) => Err(fail(io::Error::other("the workbook writer panicked"))),
            None => Err(fail(io::Error::other("the workbook was already finished"))),
        }
    }
}

impl<W: io::Write + Send + 'static> Drop for BookWriter<W> {
    /// A run that fails waits for the workbook's thread, which drops the unfinished workbook
    /// and so removes its temporary file.
    fn drop(&mut self) {
        self.send = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What every row of the asset table shares: the reporting currency, the pd basis and the
/// carried-through input columns.
#[derive(Clone, Copy)]
struct Columns<'a> {
    currency: &'a str,
    pd_basis: &'a str,
    extra: &'a [String],
}

/// The asset table of `rows`, with the automated columns when experts overrode assets.
fn asset_rows(rows: &[AssetResult], c: Columns<'_>, automated: Option<&RunResult>) -> OutTable {
    let mut t = assets_table(rows, c.currency, c.pd_basis, c.extra);
    if let Some(automated) = automated {
        automated_columns(&mut t, rows, automated);
    }
    t
}

/// Rows put into cells together and handed to the table and the workbook as one batch. The
/// batches, not only the rows, must not change: a JSON table shows where its writes began.
const BATCH_ROWS: usize = 256;

impl AssetWriter<'_> {
    /// The cells of a batch of assets.
    fn cells(&self, batch: &[AssetResult]) -> Arc<OutTable> {
        Arc::new(asset_rows(batch, self.columns(), self.automated))
    }

    fn columns(&self) -> Columns<'_> {
        Columns {
            currency: self.currency,
            pd_basis: &self.pd_basis,
            extra: self.extra_columns,
        }
    }

    /// Writes `t` to the table, putting the `next` batch into cells meanwhile (the workbook
    /// has been sent `t` and writes it on its own thread).
    fn write(
        &mut self,
        t: &OutTable,
        next: Option<&[AssetResult]>,
    ) -> Result<Option<Arc<OutTable>>> {
        let automated = self.automated;
        let columns = Columns {
            currency: self.currency,
            pd_basis: &self.pd_basis,
            extra: self.extra_columns,
        };
        let table = &mut self.table;
        let (rows, next) = rayon::join(
            || table.rows(t),
            || next.map(|b| Arc::new(asset_rows(b, columns, automated))),
        );
        rows?;
        Ok(next)
    }
}

impl AssetSink for AssetWriter<'_> {
    /// Writes `assets` a batch at a time, in order, each batch put into cells while the one
    /// before is written: the writing is the run's last serial stage. The first batch goes to
    /// the table before the workbook, so that a table that cannot be written fails the run
    /// before the workbook holds rows.
    fn accept(&mut self, assets: &[AssetResult]) -> Result<()> {
        let mut batches = assets.chunks(BATCH_ROWS);
        let mut current = batches.next().map(|b| self.cells(b));
        while let Some(t) = current {
            if self.started {
                self.workbook.add(t.clone())?;
                current = self.write(&t, batches.next())?;
            } else {
                self.table.rows(&t)?;
                self.workbook.add(t)?;
                self.started = true;
                current = batches.next().map(|b| self.cells(b));
            }
        }
        Ok(())
    }
}

/// Completes the outputs once the run is done: the asset table and workbook `assets` has been
/// writing, then portfolios, rejected rows, plots, the report and the manifest; returns the
/// paths.
pub fn write_all(o: &RunOutputs<'_>, assets: AssetWriter<'_>) -> Result<Vec<PathBuf>> {
    let dir = &o.output.out_dir;
    let assets_name = format!("assets.{}", o.output.format.ext());
    let portfolios = portfolios_table(&o.result.portfolios);
    let rejected = rejected_table(o.portfolio);
    let AssetWriter {
        table,
        mut workbook,
        pd_basis,
        ..
    } = assets;
    let workbook = workbook.finish()?;
    let whole = || {
        let automated = o.overrides.map(|(_, a)| a);
        let columns = Columns {
            currency: &o.cfg.currency,
            pd_basis: &pd_basis,
            extra: &o.portfolio.extra_columns,
        };
        asset_rows(&o.result.assets, columns, automated)
    };
    // Parquet builds its whole table only now: side by side with the workbook and plots. The
    // manifest, last, lists every file written.
    let (written, review) = rayon::join(
        || table.finish(whole),
        || review::write(o, workbook, &portfolios, &rejected),
    );
    written?;
    let review = review?;
    portfolios.write(&dir.join("portfolios.csv"), Format::Csv)?;
    rejected.write(&dir.join("rejected.csv"), Format::Csv)?;
    let mut shown = vec![
        assets_name,
        "portfolios.csv".into(),
        "rejected.csv".into(),
        review::XLSX.into(),
        review::HTML.into(),
    ];
    if !review.plots.files.is_empty() {
        shown.push("plots/".into());
    }
    shown.push("manifest.json".into());
    let outputs: Vec<String> = shown
        .iter()
        .filter(|n| !n.ends_with('/'))
        .cloned()
        .chain(review.plot_outputs())
        .collect();
    let manifest = manifest(o, &outputs);
    review.write_html(o, &manifest)?;
    let path = dir.join("manifest.json");
    write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)?;
        w.write_all(b"\n")
    })?;
    Ok(shown.iter().map(|n| dir.join(n)).collect())
}

/// With overrides, each asset also shows what the automated valuation said, so the change is
/// visible: `automated_value_point, automated_p50, automated_score, automated_grade, overrides`.
fn automated_columns(t: &mut OutTable, assets: &[AssetResult], automated: &RunResult) {
    let by_id: std::collections::HashMap<&str, &AssetResult> = automated
        .assets
        .iter()
        .map(|a| (a.asset.asset_id.as_str(), a))
        .collect();
    let auto = |r: &AssetResult| {
        by_id
            .get(r.asset.asset_id.as_str())
            .copied()
            .filter(|_| !r.overrides.is_empty())
    };
    t.push(
        "automated_value_point",
        num(assets, 2, |r| auto(r).and_then(|a| a.point.value_point)),
    );
    t.push(
        "automated_p50",
        num(assets, 2, |r| {
            auto(r).and_then(|a| a.summary.map(|s| s.p50))
        }),
    );
    t.push(
        "automated_score",
        num(assets, 0, |r| {
            auto(r).and_then(|a| a.score.as_ref().map(|s| s.score))
        }),
    );
    let grade = |r: &AssetResult| {
        auto(r)
            .and_then(|a| a.score.as_ref().map(|s| s.grade.to_string()))
            .unwrap_or_default()
    };
    t.push("automated_grade", text(assets, grade));
    let described = |r: &AssetResult| {
        r.overrides
            .iter()
            .map(Applied::describe)
            .collect::<Vec<_>>()
            .join("; ")
    };
    t.push("overrides", text(assets, described));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::Values;

    /// Takes `room` bytes, then fails as a full disk does.
    struct Full {
        room: usize,
    }

    impl io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.room {
                return Err(io::Error::other("no space left"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn batch(rows: usize) -> Arc<OutTable> {
        let mut t = OutTable::default();
        t.push(
            "value",
            Values::Number {
                values: (0..rows).map(|i| Some(i as f64 * 1.5)).collect(),
                decimals: 2,
            },
        );
        t.push(
            "id",
            Values::Text((0..rows).map(|i| format!("A-{i}")).collect()),
        );
        Arc::new(t)
    }

    /// The workbook's thread stops at its first failed write; the writer then reports that
    /// failure with the workbook's path, whether the next batch or the finish meets it.
    #[test]
    fn a_failing_workbook_is_reported_with_its_path() {
        let mut book = Workbook::new(Full { room: 64 * 1024 });
        book.start_sheet("Assets", &batch(0), 1_000_000).unwrap();
        let mut w = BookWriter::start(book, PathBuf::from("out/results.xlsx"));
        let mut failed = None;
        for _ in 0..2_000 {
            if let Err(e) = w.add(batch(256)) {
                failed = Some(e);
                break;
            }
        }
        let e = failed.unwrap_or_else(|| w.finish().map(|_| ()).unwrap_err());
        let message = e.to_string();
        assert!(message.contains("results.xlsx"), "{message}");
        assert!(message.contains("no space left"), "{message}");
    }

    /// Batches sent are all written before the workbook is handed back.
    #[test]
    fn finish_waits_for_every_batch() {
        let mut book = Workbook::new(Vec::new());
        book.start_sheet("Assets", &batch(0), 10_000).unwrap();
        let mut w = BookWriter::start(book, PathBuf::from("results.xlsx"));
        for _ in 0..20 {
            w.add(batch(100)).unwrap();
        }
        let bytes = w.finish().unwrap().finish().unwrap();
        let mut zip = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert_eq!(sheet.matches("<row ").count(), 1 + 20 * 100);
    }
}
