//! Bytes → the query string and body of `POST /v1/valuations`, through the handler's own steps:
//! the query parsed as axum parses it, validated by `query_config`, the body read as CSV or
//! JSON (the first byte picks) and valued. The query is the text up to the first newline.
//! Draws are capped so that an iteration stays short; the path is the server's.
#![no_main]

use axum::extract::Query;
use ipval::config::RunConfig;
use ipval::serve::api::{query_config, ValuationQuery};
use ipval::serve::input::BodyKind;
use libfuzzer_sys::fuzz_target;

mod common;

fn base() -> RunConfig {
    RunConfig::in_memory(common::as_of(), 20, 1)
}

fuzz_target!(init: common::restore_default_panic_hook(), |data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = if pick % 2 == 0 { BodyKind::Csv } else { BodyKind::Json };
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let (query, body) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let Ok(uri) = format!("/v1/valuations?{}", String::from_utf8_lossy(query)).parse() else {
        return;
    };
    let Ok(Query(q)) = Query::<ValuationQuery>::try_from_uri(&uri) else {
        return;
    };
    let Ok(mut cfg) = query_config(&base(), &q) else {
        return;
    };
    cfg.draws = cfg.draws.min(50);
    let deadline = ipval::serve::workbench::Deadline::after(std::time::Duration::from_secs(600));
    let _ = ipval::serve::valuation::value_body(
        body,
        kind,
        &cfg,
        common::market(),
        common::models(),
        &deadline,
    );
});
