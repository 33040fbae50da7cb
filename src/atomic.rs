//! Crash-safe writes: a file is written to a temporary name in the same folder, flushed to
//! disk, then renamed over the target, so a reader never sees half a report.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` atomically with the bytes produced by `fill`.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    fill(&mut file).map_err(|e| file.fail(e))?;
    file.commit()
}

/// A file written over time (rows arriving while the run goes on) that appears under its name
/// only when [`AtomicFile::commit`] succeeds; dropped uncommitted, it leaves nothing behind.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Opens the temporary file beside `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            out: Some(BufWriter::new(file)),
        })
    }

    /// The error `e` met while writing, naming the target file.
    pub fn fail(&self, e: std::io::Error) -> Error {
        Error::io(&self.path, e)
    }

    /// Flushes the file to disk and renames it to its target name.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take();
        let done = (|| {
            let file = out
                .ok_or_else(|| std::io::Error::other("already closed"))?
                .into_inner()
                .map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&self.tmp, &self.path)
        })();
        done.map_err(|e| self.fail(e))
    }
}

impl AtomicFile {
    fn open(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.out
            .as_mut()
            .ok_or_else(|| std::io::Error::other("already closed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.open()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.open()?.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().map_or(Ok(()), |w| w.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // A committed file was renamed away (removal then fails, harmlessly); anything else
        // left under the temporary name is partial.
        self.out = None;
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// An exclusive lock on an output folder for the length of a run: two runs into one `--out`
/// would each rename their files into it and leave a mixed set (one run's tables beside the
/// other's workbook). Held by the operating system (`flock`), so a run that is killed
/// releases it. Released when dropped.
pub struct OutLock {
    _file: File,
}

/// The lock file of an output folder where a folder itself cannot be locked (Windows).
pub const LOCK_FILE: &str = ".ipval.lock";

/// Creates `dir` if needed and locks it for this run; another run holding it is a usage error
/// naming the folder.
pub fn lock_out(dir: &Path) -> Result<OutLock> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // The folder itself where the system allows it (nothing is left in it), else a lock file.
    let (file, held) = match File::open(dir) {
        Ok(f) => (f, dir.to_path_buf()),
        Err(_) => {
            let path = dir.join(LOCK_FILE);
            let f = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            (f, path)
        }
    };
    // Through fs4's trait: std's own `File::try_lock` is newer than the crate's rust-version.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(OutLock { _file: file }),
        Err(fs4::TryLockError::WouldBlock) => Err(Error::Usage(format!(
            "--out {}: another ipval run is writing into this folder; wait for it to finish \
             or choose another --out (one run, one set of outputs)",
            dir.display()
        ))),
        Err(fs4::TryLockError::Error(e)) => Err(Error::io(held, e)),
    }
}
