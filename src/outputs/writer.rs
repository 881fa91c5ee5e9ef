//! The one place that writes into an output folder. Every file goes to `<name>.tmp` first and is renamed
//! when whole, so a file that exists is complete; streams (runs.csv, events.csv) are renamed when
//! finished, also after an interruption or a failure (with the rows of the runs that completed).

use super::{Export, OutputError, io_err};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An output folder, ready to be written.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Creates `path` (and parents). An existing non-empty folder is an error unless `force`, and even
    /// with `force` only a crossroads output folder (one with manifest.json) is replaced.
    pub fn prepare(path: &Path, force: bool) -> Result<OutputDir, OutputError> {
        if path.exists() {
            if !path.is_dir() {
                return Err(OutputError::Invalid(format!(
                    "{}: exists and is not a folder",
                    path.display()
                )));
            }
            let empty = fs::read_dir(path)
                .map_err(|e| io_err(path, e))?
                .next()
                .is_none();
            if !empty {
                if !force {
                    return Err(OutputError::Exists(path.to_path_buf()));
                }
                if !path.join("manifest.json").is_file() {
                    return Err(OutputError::NotOutputFolder(path.to_path_buf()));
                }
                fs::remove_dir_all(path).map_err(|e| io_err(path, e))?;
            }
        }
        fs::create_dir_all(path).map_err(|e| io_err(path, e))?;
        Ok(OutputDir {
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` to `name` atomically (tmp + rename).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let tmp = self.path.join(format!("{name}.tmp"));
        let dst = self.path.join(name);
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))
    }

    /// Writes an exporter's bytes to its file.
    pub fn export(&self, e: &dyn Export) -> Result<(), OutputError> {
        self.write(e.file_name(), &e.bytes())
    }

    /// Opens a stream to `name` (written as `<name>.tmp` until [`Stream::finish`]).
    pub fn stream(&self, name: &str) -> Result<Stream, OutputError> {
        let tmp = self.path.join(format!("{name}.tmp"));
        let f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        Ok(Stream {
            out: BufWriter::with_capacity(1 << 16, f),
            tmp,
            dst: self.path.join(name),
        })
    }
}

/// A file being streamed into an output folder.
pub struct Stream {
    out: BufWriter<File>,
    tmp: PathBuf,
    dst: PathBuf,
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Stream {
    /// Flushes, syncs and renames the stream to its final name.
    pub fn finish(self) -> Result<(), OutputError> {
        let Stream { out, tmp, dst } = self;
        let f = out.into_inner().map_err(|e| io_err(&tmp, e.into_error()))?;
        f.sync_all().map_err(|e| io_err(&tmp, e))?;
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }
}
