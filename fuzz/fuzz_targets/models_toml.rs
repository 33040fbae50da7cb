//! Bytes → one models/*.toml file in a scratch folder → `ModelSet::load(Some(dir))`. The first
//! byte picks the file (modulo the number of model files); the others fall back to the
//! embedded copies.
#![no_main]

use ipval::params::{ModelSet, EMBEDDED};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let pick = usize::from(pick) % EMBEDDED.len();
    let dir = common::scratch("models");
    for (i, (name, _)) in EMBEDDED.iter().enumerate() {
        if i == pick {
            common::write(dir, name, content);
        } else {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    let _ = ModelSet::load(Some(dir));
});
