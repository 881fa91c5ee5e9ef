//! What crossroads records of each file it writes into an output folder (the manifest's `files`):
//! name, size, SHA-256 and, for CSV tables, the number of data rows. [`Tally`] computes them while
//! the bytes go out, so a streamed table is never read back to be hashed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::Path;

/// One file crossroads wrote into an output folder (an entry of the manifest's `files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path inside the folder, `/`-separated (`runs.csv`, `charts/fan_opinion.png`).
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Data rows of a CSV table (header excluded); absent for other files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

/// Whether a file name is a CSV table (its record carries `rows`).
pub fn is_table(name: &str) -> bool {
    name.ends_with(".csv")
}

/// Hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Size, SHA-256 and CSV line count of bytes seen so far (line ends outside double quotes, so a quoted
/// field holding a line break does not count).
#[derive(Clone, Default)]
pub struct Tally {
    sha: Sha256,
    bytes: u64,
    lines: u64,
    quoted: bool,
}

impl Tally {
    pub fn add(&mut self, buf: &[u8]) {
        self.sha.update(buf);
        self.bytes += buf.len() as u64;
        for &b in buf {
            match b {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => self.lines += 1,
                _ => {}
            }
        }
    }

    /// The record of a file named `name` holding the bytes seen.
    pub fn record(self, name: &str) -> FileRecord {
        FileRecord {
            name: name.to_string(),
            bytes: self.bytes,
            sha256: hex(&self.sha.finalize()),
            rows: is_table(name).then(|| self.lines.saturating_sub(1)),
        }
    }
}

/// The record of `bytes` written as `name`.
pub fn record_of(name: &str, bytes: &[u8]) -> FileRecord {
    let mut t = Tally::default();
    t.add(bytes);
    t.record(name)
}

/// The record of the file at `path`, read in blocks, named `name`.
pub fn record_of_file(path: &Path, name: &str) -> io::Result<FileRecord> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut t = Tally::default();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(t.record(name));
        }
        t.add(&buf[..n]);
    }
}

/// A writer that tallies what it passes on.
pub struct TallyWriter<W> {
    pub inner: W,
    pub tally: Tally,
}

impl<W: Write> Write for TallyWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.tally.add(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_records_not_quoted_line_breaks() {
        let r = record_of("t.csv", b"a,b\n1,\"x\ny\"\n2,\"\"\"q\"\"\"\n");
        assert_eq!(r.rows, Some(2));
        assert_eq!(r.bytes, 22);
        assert_eq!(record_of("t.csv", b"a,b\n").rows, Some(0));
        assert_eq!(record_of("x.json", b"{}\n").rows, None);
        assert_eq!(
            record_of("e", b"").sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
