//! `ipval synth`: write a realistic synthetic portfolio (see [`crate::synth`]).

use crate::error::{Error, Result};
use crate::synth::{OwnerSizes, Shape};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `ipval synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// Number of assets (rows) to generate.
    #[arg(long, value_name = "N")]
    pub assets: u64,
    /// Seed: the same number of assets and seed give a byte-identical file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Portfolio file to write (.csv).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// How owners' sizes are spread: mixed (the sample-like lognormal), singles (nine owners
    /// in ten hold one asset) or giants (five owners hold 60 % of the book).
    #[arg(long, default_value = "mixed", value_name = "SIZES")]
    pub owners: OwnerSizes,
    /// Share of patents (0-1) instead of the sample-derived type mix.
    #[arg(long, value_name = "SHARE")]
    pub patent_share: Option<f64>,
    /// Share of pending applications (0-1) among the types that can be pending.
    #[arg(long, value_name = "SHARE")]
    pub pending_share: Option<f64>,
    /// Also write outcomes for the book (asset_id, outcome, date), drawn from the known
    /// logistic model of `ipval::synth_outcomes` (methods §20): the book is valued as
    /// `ipval value --as-of D --draws N --seed 1` would value it, and each rated asset's
    /// outcome drawn from the prior card's points lost per characteristic.
    #[arg(long, value_name = "FILE", requires = "as_of")]
    pub outcomes: Option<PathBuf>,
    /// Pure-noise outcomes instead (every asset bad with the same probability).
    #[arg(long, requires = "outcomes")]
    pub noise: bool,
    /// Mean share of bad outcomes.
    #[arg(long, default_value_t = 0.10, value_name = "SHARE")]
    pub bad_rate: f64,
    /// Valuation date of the outcomes' valuation.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Market data folder of that valuation (default: the embedded data).
    #[arg(long, value_name = "DIR")]
    pub market: Option<PathBuf>,
    /// Draws of that valuation (the value certainty the model reads comes from them).
    #[arg(long, default_value_t = 50)]
    pub draws: usize,
}

/// Generates the portfolio and prints what was written.
pub fn run(args: &SynthArgs) -> Result<ExitCode> {
    let shape = Shape {
        owners: args.owners,
        patent_share: args.patent_share,
        pending_share: args.pending_share,
    };
    let s = crate::synth::write_csv_shaped(&args.out, args.assets, args.seed, shape)?;
    println!(
        "wrote {} assets of {} owners (largest: {} assets) to {}",
        s.assets,
        s.owners,
        s.largest_owner,
        args.out.display()
    );
    if let Some(path) = &args.outcomes {
        write_outcomes(args, path)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_outcomes(args: &SynthArgs, path: &std::path::Path) -> Result<()> {
    use crate::synth_outcomes::{self, Model};
    if !(args.bad_rate > 0.0 && args.bad_rate < 1.0) {
        return Err(Error::Usage(format!(
            "--bad-rate {} must lie strictly between 0 and 1",
            args.bad_rate
        )));
    }
    let as_of = crate::config::parse_as_of(args.as_of.as_deref().unwrap_or_default())?;
    let market =
        crate::ingest::market::read_from(&crate::source::Source::of(args.market.as_deref()))?;
    let models = crate::params::ModelSet::embedded()?;
    let portfolio = crate::ingest::portfolio::read(&args.out, &market, as_of)?;
    let cfg = crate::config::RunConfig::in_memory(as_of, args.draws, 1);
    let result = crate::pipeline::run(&cfg, &portfolio, &market, &models)?;
    let ctx = crate::valuation::Context::new(&market, &models, as_of, 1.0);
    let rated = synth_outcomes::rated_inputs(&result, &ctx);
    let model = if args.noise {
        Model::Noise {
            bad_rate: args.bad_rate,
        }
    } else {
        Model::Logistic {
            bad_rate: args.bad_rate,
        }
    };
    let outcomes = synth_outcomes::draw(&models.scorecard, &rated, model, as_of, args.seed);
    synth_outcomes::write(path, &outcomes)?;
    println!(
        "wrote {} outcomes ({} bad, {}) to {}",
        outcomes.len(),
        outcomes.iter().filter(|o| o.bad).count(),
        if args.noise {
            "pure noise"
        } else {
            "known logistic model"
        },
        path.display()
    );
    Ok(())
}
