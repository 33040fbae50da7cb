//! The application layer: the one owner of a run, between the faces (the commands in `cli`,
//! the server in `serve`) and the engine (`pipeline`) and writers (`output`).
//!
//! A [`Basis`] is what a valuation rests on besides the portfolio — market data, models,
//! valuation date, reporting currency — loaded once; it is the only place a run's
//! [`Context`](crate::valuation::Context) comes from. A [`Valuer`] values portfolios on a
//! basis under one set of run settings: the whole book into an output folder (with expert
//! overrides), one asset's full trail for `explain`, an owner's tornado for the plots. The faces
//! parse, make one call here and print or answer.

mod basis;
mod valuer;

pub use basis::Basis;
pub use valuer::{explain_asset, tornados, Overridden, Valuer, Written};
