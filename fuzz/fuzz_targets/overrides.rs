//! Bytes → `overrides.csv` → `ipval::overrides::apply` on (a copy of) the sample portfolio.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(init: common::restore_default_panic_hook(), |data: &[u8]| {
    let mut portfolio = common::portfolio().clone();
    let path = common::write(common::scratch("overrides"), "overrides.csv", data);
    let _ = ipval::overrides::apply(
        &path,
        &mut portfolio,
        common::market(),
        common::models(),
        common::as_of(),
    );
});
