//! Scoring: the card's evaluation ([`card`]), what it reads of a valued asset ([`inputs`]), the
//! portfolio's concentration ([`portfolio`]) and the discrimination metrics ([`metrics`]). The scorecard's data types are model
//! parameters ([`crate::scorecard`]), re-exported here.

pub mod card;
pub mod inputs;
pub mod metrics;
pub mod portfolio;

pub use crate::scorecard::*;
pub use card::*;
pub use inputs::{score_asset, score_detail, score_inputs};
pub use portfolio::herfindahl;
