//! The three IVS 210 approaches and their reconciliation, as pure functions of numbers.
//! [`crate::valuation`] resolves an asset's inputs and calls them.

pub mod cost;
pub mod income;
pub mod life;
pub mod market;
pub mod reconcile;
