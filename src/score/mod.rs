//! Scoring: the card's evaluation ([`card`]), what it reads of a valued asset ([`inputs`]) and
//! the portfolio's concentration ([`portfolio`]). The scorecard's data types are model
//! parameters ([`crate::scorecard`]), re-exported here.

pub mod card;
pub mod inputs;
pub mod portfolio;

pub use crate::scorecard::*;
pub use card::*;
pub use inputs::{score_asset, score_detail, score_inputs};
pub use portfolio::herfindahl;
