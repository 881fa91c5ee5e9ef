//! The one place that writes into an output folder.
//!
//! [`OutputDir::create`] checks where the folder may be ([`super::place`]), takes its lock
//! ([`super::lock`]) and, with `--force`, deletes only what crossroads wrote there
//! ([`super::replace`]). Every file then goes to `<name>.tmp` first and is renamed when whole, so a
//! file that exists is complete; streams (runs.csv, events.csv, points.csv, ...) are renamed when
//! finished, also after an interruption or a failure (with the rows written). Each finished file is
//! recorded (name, size, SHA-256, data rows) and the manifest lists them (`files`).
//!
//! Every exit path ends the manifest: the command writes `complete`, `partial` or `failed` itself;
//! if it stops before (an IO error such as a full disk, a panic, a second Ctrl-C), the folder is
//! finalised here: temporary files removed, the manifest rewritten `failed` with the reason (or, if
//! even that cannot be written for lack of space, overwritten in place in the room reserved by the
//! `running` manifest), the lock released.

use super::files::{FileRecord, Tally, TallyWriter, record_of, record_of_file};
use super::lock::Lock;
use super::manifest::Status;
use super::replace::{FolderKind, conflicts, delete_ours, plan, recognise};
use super::{OutputError, io_err};
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// A manifest.json of some kind: what [`OutputDir`] needs to list the files and to end it.
pub trait ManifestDoc: Send + 'static {
    fn status(&self) -> Status;
    fn files(&self) -> &[FileRecord];
    fn set_files(&mut self, files: Vec<FileRecord>);
    /// Ends the manifest abnormally: `status` (`failed` or `partial`), `error`, `finished_at`, and the
    /// counters the files listed allow (e.g. `completed_runs` from runs.csv's rows).
    fn end(&mut self, status: Status, error: &str);
    /// The file's bytes (pretty JSON and a final newline).
    fn to_bytes(&self) -> Vec<u8>;
    fn boxed(&self) -> Box<dyn ManifestDoc>;
}

/// Room left after a `running` manifest (trailing spaces, valid JSON): the final manifest can be
/// written into it in place when the disk is full.
pub const MANIFEST_RESERVE: usize = 4096;

struct DirState {
    path: PathBuf,
    /// Files finished, one record per name.
    files: Vec<FileRecord>,
    /// Temporary files being written.
    tmps: Vec<PathBuf>,
    /// The manifest as last written.
    manifest: Option<Box<dyn ManifestDoc>>,
    /// Whether the manifest last written has its final status (not `running`).
    finished: bool,
    lock: Option<Lock>,
}

impl DirState {
    fn upsert(&mut self, r: FileRecord) {
        match self.files.iter_mut().find(|f| f.name == r.name) {
            Some(f) => *f = r,
            None => self.files.push(r),
        }
    }

    fn sorted_files(&self) -> Vec<FileRecord> {
        let mut f = self.files.clone();
        f.sort_by(|a, b| a.name.cmp(&b.name));
        f
    }

    /// Ends an unfinished folder: temporary files removed, the manifest ended with `status` and
    /// `error` (when one was written and is not final yet), the lock released.
    fn finalise(&mut self, status: Status, error: &str) {
        for t in self.tmps.drain(..) {
            fs::remove_file(&t).ok();
        }
        for t in [
            self.path.join(".report.html.tmp"),
            self.path.join("report.html.tmp"),
        ] {
            fs::remove_file(&t).ok();
        }
        if let Ok(d) = fs::read_dir(self.path.join("charts")) {
            for e in d.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with('.') && n.ends_with(".tmp") {
                    fs::remove_file(e.path()).ok();
                }
            }
        }
        if !self.finished {
            let files = self.sorted_files();
            if let Some(m) = self.manifest.as_mut() {
                m.set_files(files);
                m.end(status, error);
                let bytes = m.to_bytes();
                // Nothing else to do when even this fails: the process is ending.
                write_manifest_robust(&self.path, &bytes).ok();
                self.finished = true;
            }
        }
        if let Some(mut l) = self.lock.take() {
            l.release();
        }
    }
}

/// Writes manifest.json: tmp + rename; if that fails (a full disk), in place over the existing file
/// (whose `running` version reserved [`MANIFEST_RESERVE`] bytes), padded with spaces.
fn write_manifest_robust(dir: &Path, bytes: &[u8]) -> io::Result<()> {
    let dst = dir.join("manifest.json");
    let tmp = dir.join("manifest.json.tmp");
    let normal = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &dst)
    })();
    if normal.is_ok() {
        return Ok(());
    }
    fs::remove_file(&tmp).ok();
    let mut f = fs::OpenOptions::new().write(true).open(&dst)?;
    let len = f.metadata()?.len() as usize;
    f.seek(io::SeekFrom::Start(0))?;
    f.write_all(bytes)?;
    if bytes.len() < len {
        f.write_all(&vec![b' '; len - bytes.len()])?;
    }
    f.sync_all()
}

/// Folders being written by this process (for the exit paths that bypass the command: a second
/// Ctrl-C, an error reported by `cli::main`).
static ACTIVE: Mutex<Vec<Arc<Mutex<DirState>>>> = Mutex::new(Vec::new());
/// Set by `cli::main`: an unfinished folder dropped without a panic is left for [`abandon_all`]
/// (which knows the error message) instead of being ended with a generic one.
static DEFER: AtomicBool = AtomicBool::new(false);

fn lock_state(s: &Mutex<DirState>) -> MutexGuard<'_, DirState> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn active() -> MutexGuard<'static, Vec<Arc<Mutex<DirState>>>> {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Leaves unfinished folders dropped on an error path to [`abandon_all`] (called by `cli::main`).
pub fn defer_to_caller() {
    DEFER.store(true, Ordering::SeqCst);
}

/// Ends every folder this process has not finished: temporary files removed, the manifest `status`
/// with `error`, locks released. Called by `cli::main` after a command failed, and by the second
/// Ctrl-C before exiting. With `exiting`, each folder's state stays locked (the caller exits right
/// after), so no other thread can rename a file into a folder already ended.
pub fn abandon_all(status: Status, error: &str, exiting: bool) {
    let all: Vec<_> = active().drain(..).collect();
    for s in all {
        let mut st = lock_state(&s);
        st.finalise(status, error);
        if exiting {
            std::mem::forget(st);
        }
    }
}

/// An output folder, ready to be written (see the module doc).
pub struct OutputDir {
    path: PathBuf,
    state: Arc<Mutex<DirState>>,
    /// Lines for stderr: foreign entries kept, a stale lock taken over.
    notes: Vec<String>,
}

/// What a command writing a folder must say about it.
pub struct Target<'a> {
    /// The folder.
    pub path: &'a Path,
    /// What the command writes there.
    pub kind: FolderKind,
    /// Replace an existing crossroads folder.
    pub force: bool,
    /// Files and folders the command reads: the output may be none of them, nor hold or lie in one.
    pub inputs: &'a [PathBuf],
    /// The command line, for the lock file.
    pub command: &'a str,
}

impl OutputDir {
    /// A batch folder with no inputs to protect (tests and library use).
    pub fn prepare(path: &Path, force: bool) -> Result<OutputDir, OutputError> {
        OutputDir::create(&Target {
            path,
            kind: FolderKind::Batch,
            force,
            inputs: &[],
            command: "crossroads (library)",
        })
    }

    /// Checks where the folder is, creates it (and parents), takes its lock and, if it holds
    /// anything, replaces it when `force` allows (see [`super::replace`]); exit 2 otherwise.
    pub fn create(t: &Target) -> Result<OutputDir, OutputError> {
        let path = t.path;
        super::place::check_out(path, t.inputs)?;
        if path.exists() && !path.is_dir() {
            return Err(OutputError::Invalid(format!(
                "{}: exists and is not a folder",
                path.display()
            )));
        }
        let created = !path.exists();
        fs::create_dir_all(path).map_err(|e| io_err(path, e))?;
        let mut notes = Vec::new();
        let undo = |e: OutputError| {
            if created {
                fs::remove_dir(path).ok();
            }
            e
        };
        let mut lock = Lock::acquire(path, t.command, &mut notes).map_err(undo)?;
        let mut others = fs::read_dir(path)
            .map_err(|e| io_err(path, e))?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name() != super::lock::LOCK_NAME);
        if others.next().is_some() {
            let refuse = |e: OutputError, lock: &mut Lock| {
                lock.release();
                e
            };
            if !t.force {
                return Err(refuse(OutputError::Exists(path.to_path_buf()), &mut lock));
            }
            let r = match recognise(path) {
                Ok(r) => r,
                Err(why) => {
                    return Err(refuse(
                        OutputError::NotOutputFolder(path.to_path_buf(), why),
                        &mut lock,
                    ));
                }
            };
            let p = match plan(path, &r) {
                Ok(p) => p,
                Err(e) => return Err(refuse(e, &mut lock)),
            };
            let clash = conflicts(&p, t.kind);
            if !clash.is_empty() {
                return Err(refuse(
                    OutputError::Invalid(format!(
                        "{}: --force would replace {}, which crossroads did not write \
                         (or which changed since it wrote them); move them away or choose another --out",
                        path.display(),
                        clash.join(", ")
                    )),
                    &mut lock,
                ));
            }
            if let Err(e) = delete_ours(path, &p) {
                return Err(refuse(e, &mut lock));
            }
            if !p.foreign.is_empty() {
                notes.push(format!(
                    "{}: kept {} (not written by crossroads)",
                    path.display(),
                    p.foreign.join(", ")
                ));
            }
        }
        let state = Arc::new(Mutex::new(DirState {
            path: path.to_path_buf(),
            files: Vec::new(),
            tmps: Vec::new(),
            manifest: None,
            finished: false,
            lock: Some(lock),
        }));
        active().push(state.clone());
        Ok(OutputDir {
            path: path.to_path_buf(),
            state,
            notes,
        })
    }

    /// Opens an existing, finished folder to add files to it (`plot`: charts and report.html), with
    /// its lock; `manifest` is its manifest as read (status not `running`).
    pub fn reopen(
        path: &Path,
        manifest: Box<dyn ManifestDoc>,
        command: &str,
    ) -> Result<OutputDir, OutputError> {
        let mut notes = Vec::new();
        let lock = Lock::acquire(path, command, &mut notes)?;
        let state = Arc::new(Mutex::new(DirState {
            path: path.to_path_buf(),
            files: manifest.files().to_vec(),
            tmps: Vec::new(),
            finished: manifest.status() != Status::Running,
            manifest: Some(manifest),
            lock: Some(lock),
        }));
        active().push(state.clone());
        Ok(OutputDir {
            path: path.to_path_buf(),
            state,
            notes,
        })
    }

    /// Copies a finished folder's data files (everything it lists but charts/ and report.html, each
    /// checked against its record) into this new folder and writes `manifest` here with them: `plot
    /// DIR --out NEW` draws into the copy and leaves DIR untouched.
    pub fn copy_data_of(
        &self,
        src: &Path,
        files: &[FileRecord],
        mut manifest: Box<dyn ManifestDoc>,
    ) -> Result<(), OutputError> {
        for f in files.iter().filter(|f| !super::verify::is_drawn(&f.name)) {
            let from = src.join(&f.name);
            let bytes = fs::read(&from).map_err(|e| io_err(&from, e))?;
            let copied = record_of(&f.name, &bytes);
            if copied.sha256 != f.sha256 {
                return Err(OutputError::Invalid(format!(
                    "{}: changed while it was being copied",
                    from.display()
                )));
            }
            if let Some(parent) = Path::new(&f.name).parent() {
                let d = self.path.join(parent);
                fs::create_dir_all(&d).map_err(|e| io_err(&d, e))?;
            }
            self.write(&f.name, &bytes)?;
        }
        let mut st = lock_state(&self.state);
        manifest.set_files(st.sorted_files());
        let bytes = manifest.to_bytes();
        write_manifest_robust(&self.path, &bytes).map_err(|e| io_err(&self.path, e))?;
        st.finished = manifest.status() != Status::Running;
        st.manifest = Some(manifest);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lines to show on stderr: foreign entries kept by `--force`, a stale lock taken over.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The records of the files finished so far, by name.
    pub fn files(&self) -> Vec<FileRecord> {
        lock_state(&self.state).sorted_files()
    }

    /// Writes `bytes` to `name` atomically (tmp + rename) and records it.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_mode(name, bytes, None)
    }

    /// Like [`OutputDir::write`], with Unix permissions `mode` (e.g. 0o755 for a script).
    pub fn write_mode(
        &self,
        name: &str,
        bytes: &[u8],
        mode: Option<u32>,
    ) -> Result<(), OutputError> {
        let mut st = lock_state(&self.state);
        let tmp = self.path.join(format!("{name}.tmp"));
        let dst = self.path.join(name);
        st.tmps.push(tmp.clone());
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tmp, fs::Permissions::from_mode(m))
                .map_err(|e| io_err(&tmp, e))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
        st.tmps.retain(|t| *t != tmp);
        st.upsert(record_of(name, bytes));
        Ok(())
    }

    /// Writes an exporter's bytes to its file.
    pub fn export(&self, e: &dyn super::Export) -> Result<(), OutputError> {
        self.write(e.file_name(), &e.bytes())
    }

    /// Writes manifest.json: `m` with `files` set to the files finished so far. A `running` manifest
    /// is followed by [`MANIFEST_RESERVE`] spaces (see [`write_manifest_robust`]).
    pub fn manifest<M: ManifestDoc + Clone>(&self, m: &mut M) -> Result<(), OutputError> {
        let mut st = lock_state(&self.state);
        m.set_files(st.sorted_files());
        let mut bytes = m.to_bytes();
        if m.status() == Status::Running {
            bytes.extend(std::iter::repeat_n(b' ', MANIFEST_RESERVE));
            bytes.push(b'\n');
        }
        let tmp = self.path.join("manifest.json.tmp");
        let dst = self.path.join("manifest.json");
        st.tmps.push(tmp.clone());
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(&bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
        st.tmps.retain(|t| *t != tmp);
        st.manifest = Some(m.boxed());
        st.finished = m.status() != Status::Running;
        Ok(())
    }

    /// Records files written into the folder by others (charts/ and report.html, by `charts` and
    /// `report`) and rewrites the manifest with them. Files of an earlier drawing (listed under
    /// `charts/` or as `report.html`) that were not written again are deleted when unchanged.
    pub fn record_written(&self, paths: &[PathBuf]) -> Result<(), OutputError> {
        let mut st = lock_state(&self.state);
        let mut fresh = Vec::new();
        for p in paths {
            let rel = p.strip_prefix(&self.path).unwrap_or(p);
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            fresh.push(record_of_file(p, &name).map_err(|e| io_err(p, e))?);
        }
        let drawn = super::verify::is_drawn;
        let stale: Vec<FileRecord> = st
            .files
            .iter()
            .filter(|f| drawn(&f.name) && !fresh.iter().any(|x| x.name == f.name))
            .cloned()
            .collect();
        for f in &stale {
            let p = self.path.join(&f.name);
            if record_of_file(&p, &f.name).is_ok_and(|now| now == *f) {
                fs::remove_file(&p).map_err(|e| io_err(&p, e))?;
            }
        }
        st.files.retain(|f| !drawn(&f.name));
        for r in fresh {
            st.upsert(r);
        }
        let files = st.sorted_files();
        let Some(m) = st.manifest.as_mut() else {
            return Ok(());
        };
        m.set_files(files);
        let bytes = m.to_bytes();
        let tmp = self.path.join("manifest.json.tmp");
        let dst = self.path.join("manifest.json");
        fs::write(&tmp, &bytes)
            .and_then(|_| File::open(&tmp)?.sync_all())
            .map_err(|e| {
                fs::remove_file(&tmp).ok();
                io_err(&tmp, e)
            })?;
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))
    }

    /// Opens a stream to `name` (written as `<name>.tmp` until [`Stream::finish`]).
    pub fn stream(&self, name: &str) -> Result<Stream, OutputError> {
        let tmp = self.path.join(format!("{name}.tmp"));
        let f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        lock_state(&self.state).tmps.push(tmp.clone());
        Ok(Stream {
            out: BufWriter::with_capacity(
                1 << 16,
                TallyWriter {
                    inner: f,
                    tally: Tally::default(),
                },
            ),
            tmp,
            dst: self.path.join(name),
            name: name.to_string(),
            state: self.state.clone(),
        })
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        let mut st = lock_state(&self.state);
        let unfinished = !st.finished && st.manifest.is_some() || !st.tmps.is_empty();
        if std::thread::panicking() {
            st.finalise(
                Status::Failed,
                "crossroads stopped with an internal error (a panic) while writing this folder; \
                 the files listed are whole, temporary files were removed",
            );
        } else if unfinished && DEFER.load(Ordering::SeqCst) {
            // `cli::main` ends it with the command's error message (abandon_all).
            return;
        } else if unfinished {
            st.finalise(
                Status::Failed,
                "stopped before the folder was complete; the files listed are whole",
            );
        } else if let Some(mut l) = st.lock.take() {
            l.release();
        }
        drop(st);
        active().retain(|s| !Arc::ptr_eq(s, &self.state));
    }
}

/// A file being streamed into an output folder.
pub struct Stream {
    out: BufWriter<TallyWriter<File>>,
    tmp: PathBuf,
    dst: PathBuf,
    name: String,
    state: Arc<Mutex<DirState>>,
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
    /// Flushes, syncs and renames the stream to its final name, and records it.
    pub fn finish(self) -> Result<(), OutputError> {
        let Stream {
            out,
            tmp,
            dst,
            name,
            state,
        } = self;
        let w = out.into_inner().map_err(|e| io_err(&tmp, e.into_error()))?;
        w.inner.sync_all().map_err(|e| io_err(&tmp, e))?;
        let mut st = lock_state(&state);
        fs::rename(&tmp, &dst).map_err(|e| io_err(&dst, e))?;
        st.tmps.retain(|t| *t != tmp);
        st.upsert(w.tally.record(&name));
        Ok(())
    }

    /// The temporary file's path (for messages).
    pub fn path(&self) -> &Path {
        &self.tmp
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::fake::FakeSim;
    use crate::outputs::folder::fake_template;
    use crate::outputs::manifest::Manifest;

    fn manifest(dir: &Path) -> Manifest {
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
    }

    #[test]
    fn a_panic_while_writing_ends_the_manifest_failed_and_removes_temporary_files() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("o");
        let r = std::panic::catch_unwind(|| {
            let out = OutputDir::prepare(&d, false).unwrap();
            let mut m = fake_template(1, 10, None, 1, false);
            out.manifest(&mut m).unwrap();
            let mut s = out.stream("runs.csv").unwrap();
            s.write_all(b"run\n0\n").unwrap();
            out.write("scenario.ron", b"()\n").unwrap();
            panic!("a writer bug");
        });
        assert!(r.is_err());
        let m = manifest(&d);
        assert_eq!(m.status, Status::Failed);
        assert!(m.error.unwrap().contains("panic"));
        assert_eq!(m.files.len(), 1, "scenario.ron was whole");
        assert!(!d.join("runs.csv.tmp").exists());
        assert!(!d.join(super::super::lock::LOCK_NAME).exists());
    }

    #[test]
    fn an_error_return_ends_the_manifest_failed() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("o");
        {
            let out = OutputDir::prepare(&d, false).unwrap();
            let mut m = fake_template(1, 10, None, 1, false);
            out.manifest(&mut m).unwrap();
            let mut s = out.stream("runs.csv").unwrap();
            s.write_all(b"run\n0\n").unwrap();
            // dropped here without finishing: an error path
        }
        let m = manifest(&d);
        assert_eq!(m.status, Status::Failed);
        assert!(!d.join("runs.csv.tmp").exists());
        assert!(!d.join(super::super::lock::LOCK_NAME).exists());
    }

    #[test]
    fn force_recovers_a_folder_left_running_by_a_kill() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("o");
        let out = OutputDir::prepare(&d, false).unwrap();
        let mut m = fake_template(1, 10, None, 1, false);
        out.manifest(&mut m).unwrap();
        let mut s = out.stream("runs.csv").unwrap();
        s.write_all(b"run\n0\n").unwrap();
        s.flush().unwrap();
        // SIGKILL: nothing runs after this point; the lock names a process that is gone.
        std::mem::forget(s);
        std::mem::forget(out);
        active().clear();
        std::fs::write(
            d.join(super::super::lock::LOCK_NAME),
            "pid=4294967295\ncommand=crossroads run x\n",
        )
        .unwrap();
        assert_eq!(manifest(&d).status, Status::Running);
        let again = OutputDir::prepare(&d, true).unwrap();
        assert!(
            again.notes().iter().all(|n| n.contains("stale lock")),
            "{:?}",
            again.notes()
        );
        assert!(!d.join("runs.csv.tmp").exists() && !d.join("manifest.json").exists());
    }

    #[test]
    fn a_complete_batch_lists_every_file_with_its_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("o");
        let out = OutputDir::prepare(&d, false).unwrap();
        let t = fake_template(3, 25, None, 2, true);
        let stop = std::sync::atomic::AtomicBool::new(false);
        crate::outputs::write_batch(&out, &FakeSim::default(), &t, "()\n", 0, &stop, &mut |_| {})
            .unwrap();
        let m = manifest(&d);
        let names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "aggregates.json",
                "events.csv",
                "runs.csv",
                "scenario.ron",
                "series.csv",
                "summary.json"
            ]
        );
        assert_eq!(
            crate::outputs::manifest::rows_of(&m.files, "runs.csv"),
            Some(25)
        );
        assert_eq!(
            crate::outputs::manifest::rows_of(&m.files, "series.csv"),
            Some(3 * 7)
        );
        for f in &m.files {
            assert_eq!(record_of_file(&d.join(&f.name), &f.name).unwrap(), *f);
        }
        drop(out);
        crate::outputs::verify::folder(&d).unwrap();
    }
}
