//! `POST /v1/valuations`: a portfolio in the body, the CLI's tables out, touching no state.

use super::input::{portfolio_from_body, BodyKind};
use super::workbench::{table_rows, Row};
use crate::config::{Format, RunConfig};
use crate::error::Result;
use crate::market_data::{InputFile, MarketData};
use crate::output::report::{
    assets_table, manifest, portfolios_table, rejected_table, Manifest, RunOutputs,
};
use crate::params::ModelSet;
use crate::pipeline;
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

/// Values the portfolio of `body` under `cfg`.
pub fn value_body(
    body: &[u8],
    kind: BodyKind,
    cfg: &RunConfig,
    market: &MarketData,
    models: &ModelSet,
) -> Result<Valuation> {
    cfg.usd_per_reporting(market)?;
    let portfolio = portfolio_from_body(body, kind, market, cfg.as_of)?;
    let result = pipeline::run(cfg, &portfolio, market, models)?;
    let cfg = RunConfig {
        format: Format::Json,
        ..cfg.clone()
    };
    let outputs = RunOutputs {
        cfg: &cfg,
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
    };
    Ok(Valuation {
        manifest: manifest(&outputs, &[]),
        assets: table_rows(&assets_table(
            &result.assets,
            &cfg.currency,
            &models.scorecard.pd_basis(),
            &portfolio.extra_columns,
        ))?,
        portfolios: table_rows(&portfolios_table(&result.portfolios))?,
        rejected: table_rows(&rejected_table(&portfolio))?,
    })
}
