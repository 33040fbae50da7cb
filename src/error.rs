//! The library's error type. Every variant that concerns user data names the file and, where
//! there is one, the row and column, so that a bank's operator can fix the export and rerun.

use std::path::PathBuf;

/// Everything that can stop a run. Row-level problems do not appear here: they become rows of
/// `rejected.csv` (see [`crate::ingest::Rejection`]) and the rest of the portfolio is valued.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A file is structurally unusable: empty, not a table, a required column missing, or a
    /// whole column of the wrong type.
    #[error("{path}: {message}")]
    Structure {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong, naming the column where there is one.
        message: String,
    },
    /// A single value in a reference file (market data, overrides) is unusable. Unlike a
    /// portfolio row, reference data cannot be partly used, so the run stops.
    #[error("{path}: row {row}, column `{column}`: {message}")]
    Cell {
        /// The file concerned.
        path: PathBuf,
        /// The row as a spreadsheet numbers it (the header is row 1).
        row: usize,
        /// The column name.
        column: String,
        /// What is wrong with the value.
        message: String,
    },
    /// A model parameter file (models/*.toml) is invalid.
    #[error("model file {file}: {message}")]
    Model {
        /// The file name, e.g. `income.toml`.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A command-line setting is invalid (an unknown currency, a bad date, …).
    #[error("{0}")]
    Usage(String),
    /// The input was read but polars could not process it.
    #[error("{path}: {message}")]
    Polars {
        /// The file concerned.
        path: PathBuf,
        /// Polars' message.
        message: String,
    },
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds an [`Error::Structure`] for `path`.
    pub fn structure(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Structure {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
