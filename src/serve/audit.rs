//! The review's audit trail: `audit.jsonl` under `--data`, one JSON object a line, appended,
//! flushed and fsynced before a change is acknowledged, and replayed at start.
//!
//! Never losing an acknowledged entry: a failed append cuts the file back to its last good
//! length before the change is refused, so no fragment is left for the next entry to be
//! appended onto (and if even that fails, the log takes no more writes until a restart). A torn
//! last line — one without its newline, which every append writes last — was never
//! acknowledged: it is dropped with a warning and cut off. Any other line that is not an entry
//! stops the start, naming its line and how to repair it.
//!
//! Tamper evidence: each entry carries `prev`, the SHA-256 of the line before it as stored
//! (for the first entry, of [`GENESIS`]), and `seq` counts the entries from 1 with no gap or
//! repeat. An edited, moved, removed or repeated line breaks one of the two at the line that
//! follows it, which the start and `ipval audit verify` name. (Removing whole lines from the end
//! leaves a valid shorter chain: `verify` prints the last `seq` and hash to keep elsewhere.)
//! A log written before the chain (entries without `prev`) is still read; the chain starts at
//! its first entry that has one.

use crate::error::{Error, Result};
use crate::params::sha256_hex;
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
    /// SHA-256 (hex) of the line before this one in `audit.jsonl` (for the first entry, of
    /// [`GENESIS`]); absent only in logs written before the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// The text whose hash the first entry's `prev` holds: the chain's recorded start.
pub const GENESIS: &str = "ipval audit.jsonl";

/// The open log.
pub struct AuditLog {
    path: PathBuf,
    file: File,
    next_seq: u64,
    /// The length of the log's good part: every acknowledged entry, and where the next starts.
    len: u64,
    /// The hash of the last line: the next entry's `prev`.
    head: String,
    /// Why the log takes no more writes (a failed append that could not be undone).
    broken: Option<String>,
}

/// What a replay of the log found.
pub struct Replayed {
    /// The entries, oldest first.
    pub entries: Vec<Entry>,
    /// The line of `audit.jsonl` (from 1) of each entry.
    pub lines: Vec<usize>,
    /// A torn last line, reported and cut off.
    pub warnings: Vec<String>,
    /// The bytes of the good part (without a torn last line).
    good_len: usize,
    /// The hash the next entry's `prev` must hold.
    pub head: String,
}

impl AuditLog {
    /// Opens (creating) `dir/audit.jsonl` and returns it with what a replay found. A torn last
    /// line is reported in the warnings and cut off; any other damage is an error naming the
    /// line.
    pub fn open(dir: &Path) -> Result<(Self, Replayed)> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
            Err(e) => return Err(Error::io(&path, e)),
        };
        let replayed = replay(&path, &text)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if replayed.good_len < text.len() {
            file.set_len(replayed.good_len as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| Error::io(&path, e))?;
        }
        let next_seq = replayed.entries.len() as u64 + 1;
        Ok((
            AuditLog {
                path,
                file,
                next_seq,
                len: replayed.good_len as u64,
                head: replayed.head.clone(),
                broken: None,
            },
            replayed,
        ))
    }

    /// The sequence number the next entry gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Appends `entry` (its `seq` and `prev` set here) and makes it durable before returning.
    /// On failure the file is as it was before the call.
    pub fn append(&mut self, entry: Entry) -> Result<Entry> {
        self.append_with(entry, |file, line| {
            file.write_all(line)
                .and_then(|()| file.flush())
                .and_then(|()| file.sync_data())
        })
    }

    /// [`AuditLog::append`] with the write itself given (the tests' failing disk).
    fn append_with(
        &mut self,
        mut entry: Entry,
        write: impl FnOnce(&mut File, &[u8]) -> std::io::Result<()>,
    ) -> Result<Entry> {
        let refuse = |why: String| Error::io(&self.path, std::io::Error::other(why));
        if let Some(why) = &self.broken {
            return Err(refuse(why.clone()));
        }
        let next = self
            .next_seq
            .checked_add(1)
            .ok_or_else(|| refuse("the log is full: seq cannot grow past 2^64 - 1".into()))?;
        entry.seq = self.next_seq;
        entry.prev = Some(self.head.clone());
        let mut line = serde_json::to_vec(&entry).map_err(|e| refuse(e.to_string()))?;
        let hash = sha256_hex(&line);
        line.push(b'\n');
        if let Err(e) = write(&mut self.file, &line) {
            // Whatever part of the line reached the file is cut off again, so that the next
            // entry starts on a line of its own and the log holds exactly what was answered.
            let undo = self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.sync_all());
            if let Err(undo) = undo {
                self.broken = Some(format!(
                    "a failed append ({e}) could not be undone ({undo}); no change is taken \
                     until the server restarts (the start cuts the torn line)"
                ));
            }
            return Err(Error::io(&self.path, e));
        }
        self.len += line.len() as u64;
        self.head = hash;
        self.next_seq = next;
        Ok(entry)
    }
}

/// What the start and `ipval audit verify` say about repairing a damaged log.
const REPAIR: &str = "the log is the review's record and ipval does not change it: restore \
audit.jsonl from a backup, or move this line and the lines after it out of the file (into \
another file, for the record) and start again; `ipval audit verify --data DIR` checks a log \
without starting the server";

/// An error naming a damaged line of the log.
fn damaged(path: &Path, line: usize, why: impl std::fmt::Display) -> Error {
    Error::structure(path, format!("line {line}: {why}; {REPAIR}"))
}

/// What `ipval audit verify` found in an intact log.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Entries in the log.
    pub entries: usize,
    /// The last entry's `seq` (0 when empty).
    pub last_seq: u64,
    /// The hash the next entry's `prev` will hold: keep it to detect lines removed from the end.
    pub head: String,
    /// A torn last line (which the server's start cuts off).
    pub warnings: Vec<String>,
}

/// Checks `dir/audit.jsonl` as the server's start does, changing nothing: every line an entry,
/// `seq` from 1 without gap or repeat, each `prev` the hash of the line before. The error
/// names the first line that breaks it.
pub fn verify(dir: &Path) -> Result<Verified> {
    let path = dir.join(FILE);
    let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let r = replay(&path, &text)?;
    Ok(Verified {
        entries: r.entries.len(),
        last_seq: r.entries.last().map_or(0, |e| e.seq),
        head: r.head,
        warnings: r.warnings,
    })
}

/// Parses the log's bytes and checks its chain.
fn replay(path: &Path, text: &[u8]) -> Result<Replayed> {
    let mut r = Replayed {
        entries: vec![],
        lines: vec![],
        warnings: vec![],
        good_len: 0,
        head: sha256_hex(GENESIS.as_bytes()),
    };
    // The line of the last entry, and whether any entry so far carried `prev`.
    let (mut last_line, mut chained) = (0, false);
    for (i, line) in text.split_inclusive(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        let Some(body) = line.strip_suffix(b"\n") else {
            // Only the last piece can lack its newline: an append cut short, never answered.
            r.warnings.push(format!(
                "{}: line {n} is incomplete (a write cut short, never acknowledged); ignored",
                path.display()
            ));
            break;
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            r.good_len += line.len();
            continue;
        }
        let e: Entry = serde_json::from_slice(body)
            .map_err(|e| damaged(path, n, format!("not an audit entry ({e})")))?;
        let want = r.entries.len() as u64 + 1;
        if e.seq != want {
            return Err(damaged(
                path,
                n,
                format!(
                    "seq {} where {want} was expected (an entry was removed, repeated or moved)",
                    e.seq
                ),
            ));
        }
        match &e.prev {
            Some(prev) if *prev != r.head => {
                let after = match last_line {
                    0 => "the log's start".to_string(),
                    l => format!("line {l}"),
                };
                return Err(damaged(
                    path,
                    n,
                    format!(
                        "its `prev` is not the hash of {after} (that line was edited, or \
                         lines were removed, repeated or moved)"
                    ),
                ));
            }
            None if chained => {
                return Err(damaged(
                    path,
                    n,
                    "it has no `prev` hash but the entries before it have one",
                ))
            }
            _ => {}
        }
        chained |= e.prev.is_some();
        r.head = sha256_hex(body);
        r.good_len += line.len();
        r.entries.push(e);
        r.lines.push(n);
        last_line = n;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(asset: &str) -> Entry {
        Entry {
            seq: 0,
            time: "2026-12-07T00:00:00.000Z".into(),
            reviewer: "R".into(),
            asset_id: asset.into(),
            action: Action::Signoff,
            field: None,
            old: None,
            new: "accepted".into(),
            reason: String::new(),
            prev: None,
        }
    }

    /// A log of `n` entries in a fresh folder; its lines.
    fn log_of(n: usize) -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = AuditLog::open(dir.path()).unwrap();
        for i in 0..n {
            log.append(entry(&format!("A{i}"))).unwrap();
        }
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        (dir, text.lines().map(String::from).collect())
    }

    fn reopen_error(dir: &Path, lines: &[String]) -> String {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(dir.join(FILE), text).unwrap();
        let e = verify(dir).expect_err("damage not detected").to_string();
        let Err(at_start) = AuditLog::open(dir) else {
            panic!("a damaged log opened");
        };
        let at_start = at_start.to_string();
        assert_eq!(e, at_start);
        e
    }

    /// Row 5: a failed append (a full disk) used to leave a partial line that the next entry
    /// was appended onto, so an acknowledged entry was lost at the next start.
    #[test]
    fn a_failed_append_leaves_the_log_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = AuditLog::open(dir.path()).unwrap();
        log.append(entry("A")).unwrap();
        let before = std::fs::read(dir.path().join(FILE)).unwrap();
        // The disk takes half the line, then is full.
        let e = log
            .append_with(entry("B"), |f, line| {
                f.write_all(&line[..line.len() / 2])?;
                Err(std::io::Error::other("No space left on device"))
            })
            .unwrap_err();
        assert!(e.to_string().contains("No space left"), "{e}");
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), before);
        // Space returns: the next entry is acknowledged and every acknowledged entry replays.
        let c = log.append(entry("C")).unwrap();
        assert_eq!(c.seq, 2);
        drop(log);
        let (log, r) = AuditLog::open(dir.path()).unwrap();
        let ids: Vec<&str> = r.entries.iter().map(|e| e.asset_id.as_str()).collect();
        assert_eq!(ids, ["A", "C"]);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(log.next_seq(), 3);
    }

    #[test]
    fn each_entry_chains_to_the_line_before() {
        let (dir, lines) = log_of(3);
        let first: Entry = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(first.prev, Some(sha256_hex(GENESIS.as_bytes())));
        for w in lines.windows(2) {
            let next: Entry = serde_json::from_str(&w[1]).unwrap();
            assert_eq!(next.prev, Some(sha256_hex(w[0].as_bytes())));
        }
        let v = verify(dir.path()).unwrap();
        assert_eq!((v.entries, v.last_seq), (3, 3));
        assert_eq!(v.head, sha256_hex(lines[2].as_bytes()));
    }

    /// Row 14: duplicated, swapped or deleted lines were accepted without a word.
    #[test]
    fn edited_moved_removed_or_repeated_lines_are_named() {
        let (dir, lines) = log_of(4);
        let d = dir.path();
        // An edit that keeps the line valid JSON: the line after it no longer follows.
        let mut edited = lines.clone();
        edited[1] = edited[1].replace("\"A1\"", "\"A9\"");
        let e = reopen_error(d, &edited);
        assert!(
            e.contains("line 3: its `prev` is not the hash of line 2"),
            "{e}"
        );
        let mut swapped = lines.clone();
        swapped.swap(1, 2);
        let e = reopen_error(d, &swapped);
        assert!(e.contains("line 2: seq 3 where 2 was expected"), "{e}");
        let mut removed = lines.clone();
        removed.remove(0);
        let e = reopen_error(d, &removed);
        assert!(e.contains("line 1: seq 2 where 1 was expected"), "{e}");
        let mut repeated = lines.clone();
        repeated.insert(2, lines[1].clone());
        let e = reopen_error(d, &repeated);
        assert!(e.contains("line 3: seq 2 where 3 was expected"), "{e}");
        // A line renumbered to hide a removal still breaks the chain.
        let mut renumbered = lines.clone();
        renumbered.remove(1);
        renumbered[1] = renumbered[1].replace("\"seq\":3", "\"seq\":2");
        let e = reopen_error(d, &renumbered);
        assert!(
            e.contains("line 2: its `prev` is not the hash of line 1"),
            "{e}"
        );
        assert!(e.contains("restore audit.jsonl from a backup"), "{e}");
    }

    /// Row 14: a whole garbage last line was dropped as "torn"; only a line without its newline
    /// is one.
    #[test]
    fn a_complete_bad_last_line_is_damage_and_a_torn_one_is_not() {
        let (dir, mut lines) = log_of(2);
        lines.push("garbage".into());
        let e = reopen_error(dir.path(), &lines);
        assert!(e.contains("line 3: not an audit entry"), "{e}");
        lines.pop();
        let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        text.push_str("{\"seq\":3,");
        std::fs::write(dir.path().join(FILE), &text).unwrap();
        let v = verify(dir.path()).unwrap();
        assert_eq!(v.entries, 2);
        assert!(
            v.warnings[0].contains("line 3 is incomplete"),
            "{:?}",
            v.warnings
        );
    }

    /// Row 14: `seq` 2^64 - 1 wrapped to 0.
    #[test]
    fn seq_cannot_wrap() {
        let (dir, lines) = log_of(1);
        let huge = lines[0].replace("\"seq\":1", &format!("\"seq\":{}", u64::MAX));
        let e = reopen_error(dir.path(), &[huge]);
        assert!(
            e.contains("line 1: seq 18446744073709551615 where 1"),
            "{e}"
        );
    }

    #[test]
    fn a_log_written_before_the_chain_still_replays() {
        let (dir, lines) = log_of(2);
        let strip = |l: &str| {
            let mut e: Entry = serde_json::from_str(l).unwrap();
            e.prev = None;
            serde_json::to_string(&e).unwrap()
        };
        let legacy: String = lines.iter().map(|l| format!("{}\n", strip(l))).collect();
        std::fs::write(dir.path().join(FILE), legacy).unwrap();
        let (mut log, r) = AuditLog::open(dir.path()).unwrap();
        assert_eq!(r.entries.len(), 2);
        log.append(entry("N")).unwrap();
        drop(log);
        assert_eq!(verify(dir.path()).unwrap().entries, 3);
        // Once chained, an entry without `prev` is refused.
        let mut text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        let mut next = entry("M");
        next.seq = 4;
        text.push_str(&format!("{}\n", serde_json::to_string(&next).unwrap()));
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let e = verify(dir.path()).unwrap_err().to_string();
        assert!(e.contains("line 4: it has no `prev` hash"), "{e}");
    }
}
