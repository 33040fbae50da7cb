//! Bytes → one file of a market folder → `ipval::ingest::market::read`. The first byte picks
//! the file (modulo 6) and the rest is its content; the other files are the sample's (absent
//! when the sample has none, as cost_index.csv), rewritten every iteration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

mod common;

const FILES: [&str; 6] = [
    "countries.csv",
    "sectors.csv",
    "fx_rates.csv",
    "transactions.csv",
    "fees.csv",
    "cost_index.csv",
];

fn sample() -> &'static [Option<Vec<u8>>; 6] {
    static S: OnceLock<[Option<Vec<u8>>; 6]> = OnceLock::new();
    S.get_or_init(|| FILES.map(|f| std::fs::read(common::sample_market().join(f)).ok()))
}

fuzz_target!(init: common::restore_default_panic_hook(), |data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let pick = usize::from(pick) % FILES.len();
    let dir = common::scratch("market");
    for (i, name) in FILES.iter().enumerate() {
        if i == pick {
            common::write(dir, name, content);
        } else if let Some(bytes) = &sample()[i] {
            common::write(dir, name, bytes);
        } else {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    let _ = ipval::ingest::market::read(dir);
});
