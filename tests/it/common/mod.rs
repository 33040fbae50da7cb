//! Shared helpers for the integration tests: run the real `ipval` binary on files written into
//! a temporary folder, and read back its CSV outputs.

pub mod sample;

use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The sample market data shipped with the crate.
pub const MARKET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/market");

/// The valuation date every test uses unless it is about `--as-of`.
pub const AS_OF: &str = "2026-11-21";

/// Header of the base portfolio.
pub const HEADER: &[&str] = &[
    "asset_id",
    "owner",
    "asset_type",
    "jurisdiction",
    "sector",
    "status",
    "filing_date",
    "expiry_date",
    "currency",
    "annual_revenue",
    "revenue_growth",
    "royalty_rate",
    "discount_rate",
    "tax_rate",
];

/// Three valid rows, keys taken from the sample market data.
pub const BASE_ROWS: &[&[&str]] = &[
    &[
        "A1",
        "Alpha Pte. Ltd.",
        "patent",
        "SG",
        "software",
        "granted",
        "2015-03-01",
        "2035-03-01",
        "SGD",
        "1000000",
        "0.03",
        "0.05",
        "",
        "",
    ],
    &[
        "A2",
        "Alpha Pte. Ltd.",
        "trademark",
        "MY",
        "consumer_products",
        "registered",
        "2012-06-15",
        "",
        "USD",
        "500000",
        "",
        "",
        "",
        "",
    ],
    &[
        "A3",
        "Beta Co.",
        "patent",
        "TH",
        "electronics",
        "granted",
        "2018-01-10",
        "",
        "SGD",
        "250000",
        "",
        "0.03",
        "0.12",
        "0.2",
    ],
];

/// The contract's asset columns, in order.
pub const ASSET_COLUMNS: &[&str] = &[
    "asset_id",
    "owner",
    "asset_type",
    "jurisdiction",
    "sector",
    "currency",
    "value_income",
    "value_cost",
    "value_market",
    "value_floor",
    "value_point",
    "p05",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "p95",
    "mean",
    "p50_se",
    "fsd",
    "prob_zero",
    "draws",
    "score",
    "grade",
    "pd",
    "pd_basis",
    "advance_rate",
    "collateral_value",
    "collateral_se",
    "lendable_value",
    "reason_1",
    "reason_2",
    "reason_3",
    "reason_4",
    "review_flag",
    "review_priority",
    "qc_sample",
    "notes",
    "remaining_life",
    "status",
    "litigation",
    "encumbered",
    "enforcement_index",
    "revenue_evidence",
    "approach_spread",
    "patent_quality",
    "indicative_only",
];

/// An in-memory portfolio, edited cell by cell, written as properly quoted CSV.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The valid three-row base portfolio.
    pub fn base() -> Sheet {
        Sheet {
            header: HEADER.iter().map(|s| s.to_string()).collect(),
            rows: BASE_ROWS
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Sets one cell of data row `row` (0-based).
    pub fn set(&mut self, row: usize, column: &str, value: &str) -> &mut Self {
        let c = self.col(column);
        self.rows[row][c] = value.to_string();
        self
    }

    /// Appends a copy of base row `like` (0-based) with a new asset_id; returns its index.
    pub fn add(&mut self, like: usize, asset_id: &str) -> usize {
        let mut r = self.rows[like].clone();
        r[0] = asset_id.to_string();
        self.rows.push(r);
        self.rows.len() - 1
    }

    /// Removes a column.
    pub fn drop_column(&mut self, column: &str) -> &mut Self {
        let c = self.col(column);
        self.header.remove(c);
        for r in &mut self.rows {
            r.remove(c);
        }
        self
    }

    /// Adds a column with one value per row.
    pub fn add_column(&mut self, name: &str, values: &[&str]) -> &mut Self {
        assert_eq!(values.len(), self.rows.len());
        self.header.push(name.to_string());
        for (r, v) in self.rows.iter_mut().zip(values) {
            r.push(v.to_string());
        }
        self
    }

    /// The file's text, quoted where needed.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(&self.header).unwrap();
        for r in &self.rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }
}

/// A CSV output read back: header and rows of text.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// Reads `path` with the csv crate (strict: every row as wide as the header).
    pub fn read(path: &Path) -> CsvTable {
        let mut r = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let headers = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        CsvTable { headers, rows }
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.headers))
    }

    /// Every value of a column.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }

    /// One cell.
    pub fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    /// The row whose `column` equals `value`.
    pub fn row_where(&self, column: &str, value: &str) -> usize {
        let c = self.col(column);
        let hits: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i][c] == value)
            .collect();
        assert_eq!(hits.len(), 1, "{column} = {value}: {hits:?} in {self:?}");
        hits[0]
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// One run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 if killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The `--out` folder passed.
    pub out: PathBuf,
}

impl Run {
    /// assets.csv.
    pub fn assets(&self) -> CsvTable {
        CsvTable::read(&self.out.join("assets.csv"))
    }

    /// rejected.csv.
    pub fn rejected(&self) -> CsvTable {
        CsvTable::read(&self.out.join("rejected.csv"))
    }

    /// manifest.json.
    pub fn manifest(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.out.join("manifest.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }

    /// Asserts a failed run: exit 1, an `error:` on stderr containing every `needles`, no
    /// panic and no outputs written.
    pub fn assert_error(&self, needles: &[&str]) {
        self.assert_code(1);
        assert!(
            self.stderr.starts_with("error: "),
            "stderr: {}",
            self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks `{n}`: {}",
                self.stderr
            );
        }
        assert!(!self.out.join("assets.csv").exists(), "outputs written");
    }

    /// The conservation invariant: every data row of `portfolio` is in exactly one of
    /// assets.csv (by asset_id) and rejected.csv (by row number, with its asset_id), and the
    /// manifest's counts agree.
    pub fn assert_conserved(&self, portfolio: &Path) {
        let input = input_rows(portfolio);
        let assets = self.assets();
        let rejected = self.rejected();
        assert_eq!(
            assets.len() + rejected.len(),
            input.len(),
            "assets {} + rejected {} != input rows {}",
            assets.len(),
            rejected.len(),
            input.len()
        );
        let valued = assets.column("asset_id");
        let rej_rows = rejected.column("row");
        let rej_ids = rejected.column("asset_id");
        for (row, id) in &input {
            let in_assets = if id.is_empty() {
                0
            } else {
                valued.iter().filter(|v| **v == csv_safe(id)).count()
            };
            let rej: Vec<usize> = (0..rejected.len())
                .filter(|&i| rej_rows[i] == row.to_string())
                .collect();
            assert_eq!(
                in_assets + rej.len(),
                1,
                "row {row} (asset_id {id:?}): {in_assets} time(s) in assets.csv, {} in rejected.csv",
                rej.len()
            );
            if let Some(&i) = rej.first() {
                let shown: String = id.chars().take(256).collect();
                assert_eq!(
                    rej_ids[i],
                    csv_safe(&shown),
                    "asset_id of rejected row {row}"
                );
            }
        }
        let counts = &self.manifest()["counts"];
        assert_eq!(counts["input_rows"], input.len());
        assert_eq!(counts["valued"], assets.len());
        assert_eq!(counts["rejected"], rejected.len());
    }
}

/// Data rows of a portfolio CSV as (spreadsheet row number, trimmed asset_id), read with the
/// csv crate independently of ipval (short rows allowed, invalid UTF-8 replaced).
pub fn input_rows(path: &Path) -> Vec<(usize, String)> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let headers = r.byte_headers().unwrap().clone();
    let id_col = headers
        .iter()
        .position(|h| {
            let h = String::from_utf8_lossy(h);
            h.trim_start_matches('\u{feff}').trim() == "asset_id"
        })
        .expect("asset_id column");
    r.byte_records()
        .enumerate()
        .map(|(i, rec)| {
            let rec = rec.unwrap();
            let id = rec
                .get(id_col)
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .unwrap_or_default();
            (i + 2, id)
        })
        .collect()
}

/// What the contract says ipval writes for a text cell: a `'` before text a spreadsheet would
/// run as a formula.
pub fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A temporary folder holding one test's inputs and outputs.
pub struct Case {
    pub dir: TempDir,
}

impl Default for Case {
    fn default() -> Self {
        Self::new()
    }
}

impl Case {
    pub fn new() -> Case {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `--out` folder.
    pub fn out(&self) -> PathBuf {
        self.path("out")
    }

    /// Writes a file; returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Writes a sheet as `portfolio.csv`.
    pub fn portfolio(&self, sheet: &Sheet) -> PathBuf {
        self.write("portfolio.csv", sheet.to_csv())
    }

    /// Copies the sample market folder into `market/` so that a test can alter it.
    pub fn copy_market(&self) -> PathBuf {
        let dst = self.path("market");
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(MARKET).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
            }
        }
        dst
    }

    /// Runs `ipval` with exactly these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_ipval"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out: self.out(),
        }
    }

    /// `ipval value` on `portfolio` against `market`, with the standard options
    /// (`--as-of 2026-11-21 --draws 0 --out <tmp>/out`) followed by `extra`.
    pub fn value_with(&self, portfolio: &Path, market: &Path, extra: &[&str]) -> Run {
        let out = self.out();
        let mut args = vec![
            "value",
            "--portfolio",
            portfolio.to_str().unwrap(),
            "--market",
            market.to_str().unwrap(),
        ];
        if !extra.contains(&"--as-of") {
            args.extend(["--as-of", AS_OF]);
        }
        args.extend(["--draws", "0", "--no-plots", "--out", out.to_str().unwrap()]);
        args.extend(extra);
        self.run(&args)
    }

    /// `ipval value` on `portfolio` into `<tmp>/<out>` with 200 draws at 2026-01-15 (the
    /// validation and monitoring tests' runs), then `extra`; asserts exit 0.
    pub fn value_200(&self, portfolio: &Path, out: &str, extra: &[&str]) -> Run {
        let dir = self.path(out);
        let mut args = vec!["value", "--portfolio", portfolio.to_str().unwrap()];
        args.extend(["--as-of", "2026-01-15", "--draws", "200", "--no-plots"]);
        args.extend(["--out", dir.to_str().unwrap()]);
        args.extend(extra);
        let mut run = self.run(&args);
        run.assert_code(0);
        run.out = dir;
        run
    }

    /// `ipval value` on `portfolio` against the sample market data.
    pub fn value(&self, portfolio: &Path, extra: &[&str]) -> Run {
        self.value_with(portfolio, Path::new(MARKET), extra)
    }
}
