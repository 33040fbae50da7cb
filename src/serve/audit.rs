//! The review's audit trail: `audit.jsonl` under `--data`, one JSON object a line, appended,
//! flushed and fsynced before a change is acknowledged, and replayed at start. A torn last
//! line (a crash mid-write) is dropped with a warning and cut off, so the next entry starts on
//! a line of its own; a bad line anywhere else stops the start (the log is the record).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The log's file name inside `--data`.
pub const FILE: &str = "audit.jsonl";

/// What a reviewer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Changed an input or model parameter of one asset.
    Override,
    /// Signed an asset off.
    Signoff,
}

/// A sign-off decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The valuation stands.
    Accepted,
    /// The valuation is not fit to lend on.
    Rejected,
    /// The reviewer needs more information.
    NeedsInfo,
}

impl Decision {
    /// As the log and the forms write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
            Decision::NeedsInfo => "needs_info",
        }
    }

    /// Parses [`Decision::as_str`]'s text.
    pub fn parse(s: &str) -> Option<Self> {
        [Decision::Accepted, Decision::Rejected, Decision::NeedsInfo]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When, RFC 3339 in UTC.
    pub time: String,
    /// Who.
    pub reviewer: String,
    /// The asset.
    pub asset_id: String,
    /// What was done.
    pub action: Action,
    /// The field overridden (`null` for a sign-off).
    pub field: Option<String>,
    /// The value before (the override then in effect, or the portfolio's; `null` for a
    /// sign-off).
    pub old: Option<String>,
    /// The value after, or the sign-off decision.
    pub new: String,
    /// The override's reason or the sign-off's comment.
    pub reason: String,
}

/// The open log.
pub struct AuditLog {
    path: PathBuf,
    file: File,
    next_seq: u64,
}

impl AuditLog {
    /// Opens (creating) `dir/audit.jsonl` and returns it with the entries it holds. A torn last
    /// line is reported in `warnings` and cut off.
    pub fn open(dir: &Path) -> Result<(Self, Vec<Entry>, Vec<String>)> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
            Err(e) => return Err(Error::io(&path, e)),
        };
        let (entries, good_len, warnings) = replay(&path, &text)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if good_len < text.len() {
            file.set_len(good_len as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| Error::io(&path, e))?;
        }
        let next_seq = entries.last().map_or(1, |e| e.seq + 1);
        Ok((
            AuditLog {
                path,
                file,
                next_seq,
            },
            entries,
            warnings,
        ))
    }

    /// The sequence number the next entry gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Appends `entry` (its `seq` set here) and makes it durable before returning.
    pub fn append(&mut self, mut entry: Entry) -> Result<Entry> {
        entry.seq = self.next_seq;
        let mut line = serde_json::to_vec(&entry)
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e)))?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Error::io(&self.path, e))?;
        self.next_seq += 1;
        Ok(entry)
    }
}

/// Parses the log's bytes: the entries, the length of the good prefix, and warnings.
fn replay(path: &Path, text: &[u8]) -> Result<(Vec<Entry>, usize, Vec<String>)> {
    let mut entries = vec![];
    let mut warnings = vec![];
    let mut offset = 0;
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let complete = line.ends_with(b"\n");
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        if body.iter().all(u8::is_ascii_whitespace) && complete {
            offset += line.len();
            continue;
        }
        match serde_json::from_slice::<Entry>(body) {
            Ok(e) if complete || !last => {
                entries.push(e);
                offset += line.len();
            }
            // An unterminated last line was never acknowledged: it is the torn write.
            Ok(_) | Err(_) if last => {
                warnings.push(format!(
                    "{}: line {} is incomplete (a write cut short); ignored",
                    path.display(),
                    i + 1
                ));
            }
            Ok(_) | Err(_) => {
                return Err(Error::Cell {
                    path: path.to_path_buf(),
                    row: i + 1,
                    column: "line".into(),
                    message: "not an audit entry: the log is damaged before its last line".into(),
                })
            }
        }
    }
    Ok((entries, offset, warnings))
}
