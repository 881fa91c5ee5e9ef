//! The lock of an output folder: `.crossroads.lock`, created with `create_new` (atomic: one writer
//! wins), holding the process id and the command. A second writer exits 2 naming the holder. A lock
//! whose process is gone (no such process, or a process that is not crossroads) is stale: it is taken
//! over, with a note. The lock is removed when the writer is done, on every exit path crossroads
//! controls (success, error, interruption, panic); only SIGKILL or a power loss leave it behind, and
//! then it is stale.

use super::OutputError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file's name inside the output folder.
pub const LOCK_NAME: &str = ".crossroads.lock";

/// A held lock; released by [`Lock::release`] or when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    content: String,
}

/// Who holds a lock, as its file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub pid: Option<u32>,
    pub command: String,
}

impl Holder {
    fn parse(text: &str) -> Holder {
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k))
                .map(|v| v.trim().to_string())
        };
        Holder {
            pid: field("pid=").and_then(|p| p.parse().ok()),
            command: field("command=").unwrap_or_default(),
        }
    }

    /// Whether the holding process still runs. Linux: `/proc/<pid>` exists and its command line
    /// names crossroads. Elsewhere the lock is assumed held.
    pub fn alive(&self) -> bool {
        let Some(pid) = self.pid else { return false };
        if pid == std::process::id() {
            return true;
        }
        if cfg!(target_os = "linux") {
            match std::fs::read(format!("/proc/{pid}/cmdline")) {
                Ok(c) => String::from_utf8_lossy(&c).contains("crossroads"),
                Err(_) => false,
            }
        } else {
            true
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "process {} ({})",
            self.pid.map_or("?".to_string(), |p| p.to_string()),
            if self.command.is_empty() {
                "unknown command"
            } else {
                &self.command
            }
        )
    }
}

/// The holder of the lock of `dir`, if a lock file exists.
pub fn holder(dir: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(dir.join(LOCK_NAME)).ok()?;
    Some(Holder::parse(&text))
}

/// The command line of this process, for the lock file.
pub fn this_command() -> String {
    let mut args = std::env::args();
    let exe = args
        .next()
        .map(|a| {
            Path::new(&a)
                .file_name()
                .map_or(a.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "crossroads".into());
    std::iter::once(exe)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\n', " ")
}

impl Lock {
    /// Takes the lock of `dir` (which must exist) for `command`. `notes` receives a line when a stale
    /// lock was taken over.
    pub fn acquire(
        dir: &Path,
        command: &str,
        notes: &mut Vec<String>,
    ) -> Result<Lock, OutputError> {
        let path = dir.join(LOCK_NAME);
        let content = format!("pid={}\ncommand={command}\n", std::process::id());
        for attempt in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(content.as_bytes())
                        .map_err(|e| super::io_err(&path, e))?;
                    return Ok(Lock { path, content });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt == 0 => {
                    let h = holder(dir).unwrap_or(Holder {
                        pid: None,
                        command: String::new(),
                    });
                    if h.alive() {
                        return Err(OutputError::Locked(format!(
                            "{}: in use by {}; wait for it to finish, or remove {} if that process is gone",
                            dir.display(),
                            h.describe(),
                            path.display()
                        )));
                    }
                    notes.push(format!(
                        "{}: taking over a stale lock of {} (no longer running)",
                        dir.display(),
                        h.describe()
                    ));
                    std::fs::remove_file(&path).map_err(|e| super::io_err(&path, e))?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(OutputError::Locked(format!(
                        "{}: another process took the lock ({}) at the same time",
                        dir.display(),
                        path.display()
                    )));
                }
                Err(e) => return Err(super::io_err(&path, e)),
            }
        }
        Err(OutputError::Locked(format!("{}: locked", dir.display())))
    }

    /// Removes the lock file if it is still ours.
    pub fn release(&mut self) {
        if std::fs::read_to_string(&self.path).is_ok_and(|t| t == self.content) {
            // Nothing to do if it fails: a lock left behind is stale once this process ends.
            std::fs::remove_file(&self.path).ok();
        }
        self.content.clear();
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.content.is_empty() {
            self.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_a_stale_lock_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let mut notes = vec![];
        let mut l = Lock::acquire(tmp.path(), "crossroads run a.ron", &mut notes).unwrap();
        let e = Lock::acquire(tmp.path(), "crossroads run b.ron", &mut notes).unwrap_err();
        assert!(e.to_string().contains("crossroads run a.ron"), "{e}");
        l.release();
        assert!(!tmp.path().join(LOCK_NAME).exists());
        // A lock of a process that does not exist (pid beyond Linux's pid_max).
        std::fs::write(
            tmp.path().join(LOCK_NAME),
            "pid=4294967295\ncommand=crossroads run x\n",
        )
        .unwrap();
        let _l = Lock::acquire(tmp.path(), "crossroads run c.ron", &mut notes).unwrap();
        assert!(notes[0].contains("stale"), "{notes:?}");
    }
}
