//! What the scorecard reads of a valued asset, and the asset's score.

use crate::results::AssetResult;
use crate::scorecard::{AssetScore, ScoreInputs};
use crate::types::RevenueEvidence;
use crate::valuation::{self, Context};

/// What the scorecard reads of a valued asset.
pub fn score_inputs(r: &AssetResult, ctx: &Context<'_>) -> ScoreInputs {
    let a = &r.asset;
    let res = &r.resolved;
    let revenue_evidence = match (valuation::has_revenue(a), a.licensed_out) {
        (true, true) => RevenueEvidence::Licensed,
        (true, false) => RevenueEvidence::Revenue,
        (false, _) => RevenueEvidence::None,
    };
    ScoreInputs {
        certainty: r.certainty,
        // An expired right's legal life is negative; it has none left.
        remaining_life: res.life.max(0.0),
        status: a.status,
        litigation: a.litigation,
        encumbered: a.encumbered,
        enforcement_index: ctx
            .market
            .countries
            .get(&a.jurisdiction)
            .map_or(0.0, |c| c.enforcement_index),
        asset_type: a.asset_type,
        revenue_evidence,
        approach_spread: r.point.evidence().cross_check(&res.weights),
        indicative_only: valuation::market_alone(&r.point.approaches, res),
        patent_quality: super::patent_quality(a.forward_citations, a.family_size, a.claims),
    }
}

/// The full score of a valued (and, with draws, simulated) asset, with the points earned on
/// each characteristic; `None` for an asset that is not rated.
pub fn score_detail(r: &AssetResult, ctx: &Context<'_>) -> Option<AssetScore> {
    if r.not_rated() {
        return None;
    }
    Some(
        ctx.models
            .scorecard
            .score(&score_inputs(r, ctx), r.collateral),
    )
}

/// Scores an asset for a bulk run: as [`score_detail`], without the per-characteristic detail
/// (`explain` recomputes it; a million assets would otherwise carry ten labelled entries each).
pub fn score_asset(r: &mut AssetResult, ctx: &Context<'_>) {
    r.score = (!r.not_rated()).then(|| {
        let inputs = score_inputs(r, ctx);
        ctx.models.scorecard.score_bulk(&inputs, r.collateral)
    });
}
