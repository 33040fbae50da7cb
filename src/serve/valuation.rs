//! `POST /v1/valuations`: a portfolio in the body, the CLI's tables out, touching no state.

use super::input::{portfolio_from_body, BodyKind};
use super::workbench::{table_rows, Deadline, Row};
use crate::config::{OutputSettings, RunConfig};
use crate::error::Result;
use crate::ingest::Portfolio;
use crate::market_data::{InputFile, MarketData};
use crate::output::report::{
    assets_table, manifest, portfolios_table, rejected_table, Manifest, RunOutputs,
};
use crate::params::ModelSet;
use crate::pipeline;
use crate::results::RunResult;
use serde::Serialize;

/// The answer: the same fields and figures as the CLI's files for the same options.
#[derive(Debug, Serialize)]
pub struct Valuation {
    /// As manifest.json (no files written: `outputs` is empty).
    pub manifest: Manifest,
    /// As assets.json.
    pub assets: Vec<Row>,
    /// As portfolios.csv, numbers as numbers.
    pub portfolios: Vec<Row>,
    /// As rejected.csv.
    pub rejected: Vec<Row>,
}

/// Assets valued between two looks at a valuation's [`Deadline`]: a valuation given up (the
/// request timed out, its client hung up) stops within one batch and frees its slot.
pub const BATCH_ASSETS: usize = 2048;

/// Values the portfolio of `body` under `cfg`; `None` when `deadline` passed first (nothing
/// is answered then: the request is gone).
pub fn value_body(
    body: &[u8],
    kind: BodyKind,
    cfg: &RunConfig,
    market: &MarketData,
    models: &ModelSet,
    deadline: &Deadline,
) -> Result<Option<Valuation>> {
    cfg.usd_per_reporting(market)?;
    let portfolio = portfolio_from_body(body, kind, market, cfg.as_of)?;
    let Some(result) = run_in_batches(cfg, &portfolio, market, models, deadline, BATCH_ASSETS)?
    else {
        return Ok(None);
    };
    let output = OutputSettings::answer(vec!["POST /v1/valuations".into()]);
    let outputs = RunOutputs {
        cfg,
        output: &output,
        portfolio: &portfolio,
        portfolio_file: InputFile {
            path: super::input::JSON_BODY.to_string(),
            sha256: crate::params::sha256_hex(body),
            bytes: body.len() as u64,
        },
        market,
        models,
        result: &result,
        overrides: None,
        extra_inputs: vec![],
        tornados: &[],
    };
    Ok(Some(Valuation {
        manifest: manifest(&outputs, &[]),
        assets: table_rows(&assets_table(
            &result.assets,
            &cfg.currency,
            &models.scorecard.pd_basis(),
            &portfolio.extra_columns,
        ))?,
        portfolios: table_rows(&portfolios_table(&result.portfolios))?,
        rejected: table_rows(&rejected_table(&portfolio))?,
    }))
}

/// The run of `portfolio`, valued whole owners at a time in batches of about `batch` assets,
/// with a look at `deadline` before each; `None` when it passed. The figures are the whole
/// run's: each asset's draws depend on the seed and its own inputs only, the portfolios are
/// per owner, and the run-wide triage is done once over the joined batches (as the workbench
/// revalues one owner).
fn run_in_batches(
    cfg: &RunConfig,
    portfolio: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
    deadline: &Deadline,
    batch: usize,
) -> Result<Option<RunResult>> {
    let mut order = portfolio.assets.clone();
    pipeline::sort_assets(&mut order);
    let mut run = RunResult {
        assets: Vec::with_capacity(order.len()),
        portfolios: vec![],
    };
    let mut rest = order.as_slice();
    while !rest.is_empty() {
        if deadline.passed() {
            return Ok(None);
        }
        // Up to `batch` assets, then to the end of the last owner's.
        let mut end = batch.clamp(1, rest.len());
        while end < rest.len() && rest[end].owner == rest[end - 1].owner {
            end += 1;
        }
        let part = Portfolio {
            assets: rest[..end].to_vec(),
            rejected: vec![],
            extra_columns: portfolio.extra_columns.clone(),
            input_rows: 0,
        };
        let r = pipeline::run(cfg, &part, market, models)?;
        run.assets.extend(r.assets);
        run.portfolios.extend(r.portfolios);
        rest = &rest[end..];
    }
    let usd = cfg.usd_per_reporting(market)?;
    pipeline::retriage(&mut run, &pipeline::Triage::of(models, usd));
    Ok(Some(run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Batches of three assets (owners kept whole) give the whole run's tables.
    #[test]
    fn a_run_in_batches_is_the_whole_run() {
        let market = crate::ingest::market::read_from(&crate::source::Source::Embedded).unwrap();
        let models = ModelSet::embedded().unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let cfg = RunConfig::in_memory(as_of, 200, 7);
        let p = portfolio_from_body(
            super::super::SAMPLE_PORTFOLIO.as_bytes(),
            BodyKind::Csv,
            &market,
            cfg.as_of,
        )
        .unwrap();
        let whole = pipeline::run(&cfg, &p, &market, &models).unwrap();
        let far = Deadline::after(Duration::from_secs(3600));
        let parts = run_in_batches(&cfg, &p, &market, &models, &far, 3)
            .unwrap()
            .unwrap();
        let rows = |r: &RunResult| {
            (
                table_rows(&assets_table(
                    &r.assets,
                    "USD",
                    &models.scorecard.pd_basis(),
                    &p.extra_columns,
                ))
                .unwrap(),
                table_rows(&portfolios_table(&r.portfolios)).unwrap(),
            )
        };
        assert!(whole.portfolios.len() > 3);
        assert_eq!(rows(&parts), rows(&whole));
        let gone = Deadline::after(Duration::from_secs(3600));
        gone.cancel();
        assert!(run_in_batches(&cfg, &p, &market, &models, &gone, 3)
            .unwrap()
            .is_none());
    }
}
