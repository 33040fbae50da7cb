//! Where a run's reference files come from: the copies embedded in the binary, or a folder.

use std::path::{Path, PathBuf};

/// The origin of the market data or the model files.
///
/// Replaces a sentinel path (`"<embedded market data>"`) that every reader had to compare
/// against: a folder by that name could not be read, and a forgotten comparison read nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files embedded in the binary (the shipped market data, the default models).
    Embedded,
    /// A folder on disk.
    Dir(PathBuf),
}

impl Source {
    /// `--market DIR` / `--models DIR` when given, else the embedded files.
    pub fn of(dir: Option<&Path>) -> Self {
        dir.map_or(Source::Embedded, |d| Source::Dir(d.to_path_buf()))
    }

    /// The folder, when the files are read from one.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            Source::Embedded => None,
            Source::Dir(d) => Some(d),
        }
    }
}

impl From<&Path> for Source {
    fn from(dir: &Path) -> Self {
        Source::Dir(dir.to_path_buf())
    }
}
