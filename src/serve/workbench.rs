//! The workbench's state: the portfolio under review, the overrides in effect, the current
//! results and the sign-offs, all rebuilt from the audit log at start.
//!
//! Every figure is computed the way `ipval value --overrides` computes it: the overrides in
//! effect are written as an overrides file and applied by [`overrides::apply`] (one owner of
//! their validation), then the pipeline values the assets. After an override only its owner's
//! assets are revalued (each asset's draws depend on the seed and its id alone, so the others'
//! figures cannot move), the owner's portfolio is re-aggregated and the whole run re-triaged
//! (the run-wide materiality and review priority can change).

use super::audit::{Action, AuditLog, Decision, Entry};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::ingest::Portfolio;
use crate::market_data::MarketData;
use crate::output::report::{assets_table, portfolios_table};
use crate::output::table::{OutTable, Values};
use crate::overrides::{self, Field, Overrides};
use crate::params::ModelSet;
use crate::pipeline::{self, AssetResult, Contexts, RunResult};
use crate::valuation::Context;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A JSON row of the contract's tables.
pub type Row = Map<String, Value>;

/// An override in effect: the latest one of its (asset, field).
#[derive(Debug, Clone, PartialEq)]
pub struct InEffect {
    /// The asset.
    pub asset_id: String,
    /// The portfolio column or model parameter.
    pub field: String,
    /// The value set.
    pub value: String,
    /// Who set it.
    pub reviewer: String,
    /// Why.
    pub reason: String,
}

/// An override asked for, before it is validated.
#[derive(Debug, Clone)]
pub struct OverrideRequest {
    /// The portfolio column or model parameter.
    pub field: String,
    /// The new value, as text.
    pub value: String,
    /// Who asks.
    pub reviewer: String,
    /// Why.
    pub reason: String,
}

/// The latest sign-off of an asset.
#[derive(Debug, Clone)]
pub struct Signoff {
    /// The log entry that recorded it.
    pub entry: Entry,
    /// The decision.
    pub decision: Decision,
}

/// The figures an override moved, for the reviewer: the asset's row before and after.
#[derive(Debug, Clone)]
pub struct Change {
    /// The log entry of the override.
    pub entry: Entry,
    /// The asset's row before.
    pub before: Row,
    /// The asset's row after.
    pub after: Row,
}

/// Everything the workbench serves.
pub struct Workbench {
    /// The run's settings (plots off, no progress bar).
    pub cfg: RunConfig,
    /// Market data.
    pub market: MarketData,
    /// Models.
    pub models: ModelSet,
    original: Portfolio,
    in_effect: Vec<InEffect>,
    overrides: Overrides,
    result: RunResult,
    entries: Vec<Entry>,
    signoffs: HashMap<String, Signoff>,
    changes: HashMap<String, Change>,
    log: AuditLog,
}

/// When a change must be given up: its time is out, or its client hung up. Checked before a
/// change is written to the log, so that a change answered 503 (or never answered) is never
/// applied and a client's retry cannot apply it twice.
#[derive(Debug, Clone)]
pub struct Deadline {
    until: Instant,
    cancelled: Arc<AtomicBool>,
}

impl Deadline {
    /// A deadline `within` from now.
    pub fn after(within: Duration) -> Self {
        Deadline {
            until: Instant::now() + within,
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Gives the change up (its client hung up).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether the change must be given up.
    pub fn passed(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst) || Instant::now() >= self.until
    }
}

/// Why a workbench change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// No such asset among the valued ones.
    #[error("no asset `{0}` in the workbench")]
    UnknownAsset(String),
    /// A required text is empty.
    #[error("`{0}` is required")]
    Missing(&'static str),
    /// The override failed the CLI's validation.
    #[error("{0}")]
    Invalid(Error),
    /// Valuing or logging failed.
    #[error("{0}")]
    Failed(Error),
    /// The change's [`Deadline`] passed before it was written: nothing was applied or logged.
    #[error("the change was not applied")]
    NotApplied,
}

impl Workbench {
    /// Values `portfolio` with the overrides replayed from the log in `data_dir`; returns the
    /// workbench and the replay's warnings.
    pub fn open(
        cfg: RunConfig,
        market: MarketData,
        models: ModelSet,
        portfolio: Portfolio,
        data_dir: &std::path::Path,
    ) -> Result<(Self, Vec<String>)> {
        let (log, replayed) = AuditLog::open(data_dir)?;
        let (entries, warnings) = (replayed.entries, replayed.warnings);
        let mut in_effect = vec![];
        let mut signoffs = HashMap::new();
        for e in &entries {
            replay_entry(e, &mut in_effect, &mut signoffs);
        }
        let (applied, overrides) = apply_all(&in_effect, &portfolio, &market, &models, &cfg)
            .map_err(|e| replay_error(data_dir, &e, &in_effect, &entries, &replayed.lines))?;
        let result = pipeline::run_with(&cfg, &applied, &market, &models, &overrides)?;
        Ok((
            Workbench {
                cfg,
                market,
                models,
                original: portfolio,
                in_effect,
                overrides,
                result,
                entries,
                signoffs,
                changes: HashMap::new(),
                log,
            },
            warnings,
        ))
    }

    /// The valued assets, in results order (owner, asset_id).
    pub fn assets(&self) -> &[AssetResult] {
        &self.result.assets
    }

    /// The whole run.
    pub fn result(&self) -> &RunResult {
        &self.result
    }

    /// The assets in review-queue order: flagged ones by priority, then the random QC sample
    /// (`--qc-sample`), then the rest, each of the last two by money at stake, largest first.
    pub fn queue(&self) -> Vec<&AssetResult> {
        let mut q: Vec<&AssetResult> = self.result.assets.iter().collect();
        q.sort_by(|a, b| match (a.review_priority, b.review_priority) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b
                .qc_sample
                .cmp(&a.qc_sample)
                .then(b.money_at_stake().total_cmp(&a.money_at_stake())),
        });
        q
    }

    /// One asset.
    pub fn asset(&self, id: &str) -> Option<&AssetResult> {
        self.result.assets.iter().find(|a| a.asset.asset_id == id)
    }

    /// Rows of the contract's asset table for `assets`.
    pub fn rows(&self, assets: &[&AssetResult]) -> Result<Vec<Row>> {
        let owned: Vec<AssetResult> = assets.iter().map(|a| (*a).clone()).collect();
        table_rows(&assets_table(
            &owned,
            &self.cfg.currency,
            &self.models.scorecard.pd_basis(),
            &self.original.extra_columns,
        ))
    }

    /// The row of one asset.
    pub fn row(&self, a: &AssetResult) -> Result<Row> {
        Ok(self.rows(&[a])?.into_iter().next().unwrap_or_default())
    }

    /// Rows of the portfolios table.
    pub fn portfolio_rows(&self) -> Result<Vec<Row>> {
        table_rows(&portfolios_table(&self.result.portfolios))
    }

    /// The audit log, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The latest sign-off of an asset.
    pub fn signoff(&self, id: &str) -> Option<&Signoff> {
        self.signoffs.get(id)
    }

    /// The last change made in this session to an asset.
    pub fn change(&self, id: &str) -> Option<&Change> {
        self.changes.get(id)
    }

    /// The overrides in effect, in the order first set.
    pub fn in_effect(&self) -> &[InEffect] {
        &self.in_effect
    }

    /// The explain trail of an asset (as `ipval explain --json`).
    pub fn explain(&self, a: &AssetResult) -> Result<Explanation> {
        Ok(crate::app::explain_asset(
            a,
            &self.contexts()?,
            &self.cfg.currency,
        ))
    }

    /// The asset's own draws (sorted), for its distribution plot: its seeded points and as
    /// many as its figures rest on, so they are the draws behind its row.
    pub fn draws(&self, a: &AssetResult) -> Result<Vec<f64>> {
        let ctx = self.contexts()?.of(&a.asset.asset_id);
        let d = self.cfg.draws;
        if d == 0 || a.summary.is_none() {
            return Ok(vec![]);
        }
        let samples = pipeline::Samples::new(std::slice::from_ref(a), self.cfg.seed, ctx.models);
        let layout = pipeline::layout_of(a, d);
        let mut out = vec![crate::simulate::Draw::ZERO; layout.draws()];
        pipeline::simulate_asset(a, &ctx, &samples.run, self.cfg.seed, &layout, &mut out);
        let mut v: Vec<f64> = out.iter().map(|x| x.value).collect();
        v.sort_by(f64::total_cmp);
        Ok(v)
    }

    fn contexts(&self) -> Result<Contexts<'_>> {
        Ok(Contexts {
            base: Context::new(
                &self.market,
                &self.models,
                self.cfg.as_of,
                self.cfg.usd_per_reporting(&self.market)?,
            ),
            overrides: &self.overrides,
        })
    }

    /// Applies an override: validated as the CLI validates an overrides file, the owner's
    /// assets revalued, the run re-triaged, the entry made durable in the log. Nothing changes
    /// when any step fails.
    pub fn override_asset(
        &mut self,
        asset_id: &str,
        req: OverrideRequest,
        deadline: &Deadline,
    ) -> std::result::Result<Change, ChangeError> {
        if deadline.passed() {
            return Err(ChangeError::NotApplied);
        }
        let before_asset = self
            .asset(asset_id)
            .ok_or_else(|| ChangeError::UnknownAsset(asset_id.to_string()))?;
        let owner = before_asset.asset.owner.clone();
        let before = self.row(before_asset).map_err(ChangeError::Failed)?;
        for (name, v) in [
            ("field", &req.field),
            ("reviewer", &req.reviewer),
            ("reason", &req.reason),
        ] {
            if v.trim().is_empty() {
                return Err(ChangeError::Missing(name));
            }
        }
        let old = self.value_in_effect(asset_id, &req.field);
        let mut in_effect = self.in_effect.clone();
        let new = InEffect {
            asset_id: asset_id.to_string(),
            field: req.field.trim().to_string(),
            value: req.value.trim().to_string(),
            reviewer: req.reviewer.trim().to_string(),
            reason: req.reason.trim().to_string(),
        };
        upsert(&mut in_effect, new.clone());
        let (applied, ov) = apply_all(
            &in_effect,
            &self.original,
            &self.market,
            &self.models,
            &self.cfg,
        )
        .map_err(ChangeError::Invalid)?;
        let result = self
            .revalue_owner(&applied, &ov, &owner)
            .map_err(ChangeError::Failed)?;
        // The last moment to give up: after the log's append the change is made.
        if deadline.passed() {
            return Err(ChangeError::NotApplied);
        }
        let entry = self
            .log
            .append(Entry {
                seq: 0,
                time: now(),
                reviewer: new.reviewer.clone(),
                asset_id: asset_id.to_string(),
                action: Action::Override,
                field: Some(new.field.clone()),
                old: Some(old),
                new: new.value.clone(),
                reason: new.reason.clone(),
                prev: None,
            })
            .map_err(ChangeError::Failed)?;
        self.entries.push(entry.clone());
        self.in_effect = in_effect;
        self.overrides = ov;
        self.result = result;
        let after = match self.asset(asset_id) {
            Some(a) => self.row(a).map_err(ChangeError::Failed)?,
            None => Row::default(),
        };
        let change = Change {
            entry,
            before,
            after,
        };
        self.changes.insert(asset_id.to_string(), change.clone());
        Ok(change)
    }

    /// Records a sign-off.
    pub fn sign_off(
        &mut self,
        asset_id: &str,
        reviewer: &str,
        decision: Decision,
        comment: &str,
        deadline: &Deadline,
    ) -> std::result::Result<Entry, ChangeError> {
        if deadline.passed() {
            return Err(ChangeError::NotApplied);
        }
        if self.asset(asset_id).is_none() {
            return Err(ChangeError::UnknownAsset(asset_id.to_string()));
        }
        if reviewer.trim().is_empty() {
            return Err(ChangeError::Missing("reviewer"));
        }
        let entry = self
            .log
            .append(Entry {
                seq: 0,
                time: now(),
                reviewer: reviewer.trim().to_string(),
                asset_id: asset_id.to_string(),
                action: Action::Signoff,
                field: None,
                old: None,
                new: decision.as_str().to_string(),
                reason: comment.trim().to_string(),
                prev: None,
            })
            .map_err(ChangeError::Failed)?;
        self.entries.push(entry.clone());
        replay_entry(&entry, &mut self.in_effect, &mut self.signoffs);
        Ok(entry)
    }

    /// The overrides in effect as the `--overrides` file of `ipval value`.
    pub fn overrides_csv(&self) -> Result<String> {
        overrides_csv(&self.in_effect)
    }

    /// The value a field has now: the override in effect, else the portfolio's (or empty).
    fn value_in_effect(&self, asset_id: &str, field: &str) -> String {
        if let Some(o) = self
            .in_effect
            .iter()
            .find(|o| o.asset_id == asset_id && o.field == field)
        {
            return o.value.clone();
        }
        // A model parameter has no portfolio value; an unknown field is refused when applied.
        let Ok(Field::Column(column)) = Field::parse(field) else {
            return String::new();
        };
        self.original
            .assets
            .iter()
            .find(|a| a.asset_id == asset_id)
            .and_then(|a| crate::ingest::portfolio::rules::get(a, column))
            .unwrap_or_default()
    }

    /// The run with `owner`'s assets revalued from `applied` under `ov`, then re-triaged.
    fn revalue_owner(&self, applied: &Portfolio, ov: &Overrides, owner: &str) -> Result<RunResult> {
        let owned = Portfolio {
            assets: applied
                .assets
                .iter()
                .filter(|a| a.owner == owner)
                .cloned()
                .collect(),
            rejected: vec![],
            extra_columns: applied.extra_columns.clone(),
            input_rows: 0,
        };
        let sub = pipeline::run_with(&self.cfg, &owned, &self.market, &self.models, ov)?;
        let mut result = self.result.clone();
        let start = result.assets.iter().position(|a| a.asset.owner == owner);
        let len = result
            .assets
            .iter()
            .filter(|a| a.asset.owner == owner)
            .count();
        if let Some(start) = start {
            result.assets.splice(start..start + len, sub.assets);
        }
        for p in sub.portfolios {
            if let Some(slot) = result.portfolios.iter_mut().find(|q| q.owner == p.owner) {
                *slot = p;
            }
        }
        let usd = self.cfg.usd_per_reporting(&self.market)?;
        pipeline::retriage(&mut result, &pipeline::Triage::of(&self.models, usd));
        crate::qc::mark(&mut result.assets, self.cfg.seed, self.cfg.qc_sample);
        Ok(result)
    }
}

/// An override of the log that no longer applies, named by its line in `audit.jsonl` (the
/// overrides reader numbers the rows of the overrides in effect, which no user sees).
fn replay_error(
    data_dir: &std::path::Path,
    e: &Error,
    in_effect: &[InEffect],
    entries: &[Entry],
    lines: &[usize],
) -> Error {
    let log = data_dir.join(super::audit::FILE);
    let at = match e {
        // Row 2 is the first override in effect; its line is that of the latest entry that
        // set it.
        Error::Cell {
            row,
            column,
            message,
            ..
        } => row
            .checked_sub(2)
            .and_then(|i| in_effect.get(i))
            .and_then(|o| {
                entries.iter().rposition(|x| {
                    x.action == Action::Override
                        && x.asset_id == o.asset_id
                        && x.field.as_deref() == Some(o.field.as_str())
                })
            })
            .and_then(|i| lines.get(i))
            .map(|line| format!("line {line}, `{column}`: {message}")),
        _ => None,
    };
    Error::Usage(format!(
        "{}: replaying the overrides of the audit log: {} \
         (is this --data folder the review of another portfolio?)",
        log.display(),
        at.unwrap_or_else(|| e.to_string())
    ))
}

/// The current UTC time, RFC 3339.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Replaces the override of the same (asset, field), or appends.
fn upsert(in_effect: &mut Vec<InEffect>, o: InEffect) {
    match in_effect
        .iter_mut()
        .find(|x| x.asset_id == o.asset_id && x.field == o.field)
    {
        Some(slot) => *slot = o,
        None => in_effect.push(o),
    }
}

fn replay_entry(e: &Entry, in_effect: &mut Vec<InEffect>, signoffs: &mut HashMap<String, Signoff>) {
    match e.action {
        Action::Override => upsert(
            in_effect,
            InEffect {
                asset_id: e.asset_id.clone(),
                field: e.field.clone().unwrap_or_default(),
                value: e.new.clone(),
                reviewer: e.reviewer.clone(),
                reason: e.reason.clone(),
            },
        ),
        Action::Signoff => {
            if let Some(decision) = Decision::parse(&e.new) {
                signoffs.insert(
                    e.asset_id.clone(),
                    Signoff {
                        entry: e.clone(),
                        decision,
                    },
                );
            }
        }
    }
}

/// The overrides file of `in_effect`: `asset_id, field, value, reviewer, reason`, written by
/// the CLI's own table writer, so that a text a spreadsheet would run as a formula carries the
/// guard every ipval CSV gives it (the overrides reader removes it again: the round trip is
/// exact).
pub fn overrides_csv(in_effect: &[InEffect]) -> Result<String> {
    let mut t = OutTable::default();
    let column = |f: fn(&InEffect) -> &String| {
        Values::Text(in_effect.iter().map(|o| f(o).clone()).collect())
    };
    t.push("asset_id", column(|o| &o.asset_id));
    t.push("field", column(|o| &o.field));
    t.push("value", column(|o| &o.value));
    t.push("reviewer", column(|o| &o.reviewer));
    t.push("reason", column(|o| &o.reason));
    String::from_utf8(t.csv_bytes()?).map_err(|e| Error::Usage(e.to_string()))
}

/// Applies the overrides in effect to a copy of `original` through the CLI's overrides reader.
fn apply_all(
    in_effect: &[InEffect],
    original: &Portfolio,
    market: &MarketData,
    models: &ModelSet,
    cfg: &RunConfig,
) -> Result<(Portfolio, Overrides)> {
    let mut portfolio = original.clone();
    if in_effect.is_empty() {
        return Ok((portfolio, Overrides::default()));
    }
    let ov = overrides::apply_csv_bytes(
        std::path::Path::new("overrides in effect"),
        overrides_csv(in_effect)?.as_bytes(),
        &mut portfolio,
        market,
        models,
        cfg.as_of,
    )?;
    Ok((portfolio, ov))
}

/// The JSON rows of an output table, as the JSON table file holds them (numbers as numbers,
/// empty cells as null).
pub fn table_rows(t: &crate::output::table::OutTable) -> Result<Vec<Row>> {
    t.json_rows()
}
