//! Loading a scenario file: read, parse, resolve `extends` and `--set`, deserialize, validate.
//!
//! File problems are one line each: a missing file, a directory or another file that is not a regular
//! file (a device such as `/dev/zero`, a FIFO, a socket), a file larger than [`MAX_FILE_BYTES`] (read
//! through a cap, never to its end first), an empty file, a binary file (a NUL byte), invalid UTF-8
//! (with the byte offset). Each file of an `extends` chain must state `format: 1` if it states a format
//! at all; the resolved scenario must. Problems in `--set` values are reported against `--set PATH`.
//!
//! A command reads its scenario once: [`Sources::read`] reads the file and every file of its
//! `extends` chain into memory, and [`Sources::load`] resolves, applies `--set` and validates from
//! that copy without touching the disk again (a sweep's points, a sensitivity design's evaluations),
//! so a file edited while the command runs cannot change what it runs. [`Sources::paths`] lists the
//! files read (for the output-folder checks: `--out` may not be or hold an input).

use super::tree::{self, Kind, Node, Problem};
use super::{Diag, Diags, Scenario, de, merge, validate};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Largest scenario file read (16 MiB).
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Longest `extends` chain followed.
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// A loaded, resolved and validated scenario.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The path as given on the command line.
    pub path: String,
    /// Hex SHA-256 of the resolved scenario text ([`Resolved::to_ron`]): identifies the scenario a
    /// batch ran, after `extends` and `--set`.
    pub sha256: String,
    /// The resolved document tree (after `extends` and `--set`).
    pub tree: Node,
    /// The typed scenario (uncertain parameters still as distributions).
    pub scenario: Scenario,
}

impl Resolved {
    /// The resolved scenario as pretty RON (self-contained: no `extends`); loading it gives the same
    /// scenario and the same hash.
    pub fn to_ron(&self) -> String {
        tree::print(&self.tree)
    }

    /// Every uncertain parameter, in document order.
    pub fn uncertain(&self) -> Vec<super::param::Uncertain> {
        super::param::uncertain(&self.tree)
    }

    /// The scenario of one run: every distribution replaced by a draw from `streams(path)`; also
    /// returns the `(path, value)` drawn, in document order.
    pub fn realise(
        &self,
        streams: &mut dyn FnMut(&str) -> rand_chacha::ChaCha8Rng,
    ) -> Result<(Scenario, Vec<(String, f64)>), String> {
        let (t, drawn) = super::param::realise(&self.tree, streams);
        let mut s: Scenario = de::from_node(&t).map_err(|e| e.message)?;
        s.extends = self.scenario.extends.clone();
        Ok((s, drawn))
    }
}

/// Hex SHA-256 of bytes (the one definition: the scenario hash, and the output folder's file hashes
/// through `outputs::folder`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a file that is not a regular file is, for the message.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        return "a directory";
    }
    "not a regular file"
}

/// Opens `path` for reading without blocking on a FIFO swapped in after the type check.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NONBLOCK` on Linux (x86, x86-64, ARM, AArch64, RISC-V): a no-op for regular files.
        const O_NONBLOCK: i32 = 0o4000;
        o.custom_flags(O_NONBLOCK);
    }
    o.open(path)
}

/// Reads a scenario file, or says in one line why it cannot be used. Only regular files are read (a
/// device, FIFO or socket is refused before it is opened), and at most [`MAX_FILE_BYTES`] + 1 bytes
/// are read, so neither `/dev/zero` nor a file growing while it is read can exhaust memory.
pub fn read_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot read: {e}"),
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err("is a directory, not a scenario file".into());
    }
    let regular = |t: &std::fs::FileType| {
        if t.is_file() {
            Ok(())
        } else {
            Err(format!(
                "{}, not a regular file: scenario files must be regular files",
                file_kind(t)
            ))
        }
    };
    regular(&meta.file_type())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file too large ({} bytes; scenario files are limited to 16 MiB)",
            meta.len()
        ));
    }
    let f = open_nonblocking(path).map_err(cannot)?;
    // The file opened may not be the one checked (replaced in between): check again.
    regular(&f.metadata().map_err(cannot)?.file_type())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err("file too large (scenario files are limited to 16 MiB)".into());
    }
    text_of(bytes)
}

/// Checks that bytes are a text file (no NUL, valid UTF-8, not empty).
fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(i) = bytes.iter().position(|b| *b == 0) {
        return Err(format!(
            "binary file (NUL byte at byte offset {i}), not a RON scenario"
        ));
    }
    let s = String::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte offset {}: scenario files must be UTF-8 text",
            e.utf8_error().valid_up_to()
        )
    })?;
    check_text(s)
}

fn check_text(mut s: String) -> Result<String, String> {
    if s.starts_with('\u{feff}') {
        s.replace_range(..3, "");
    }
    if s.contains('\0') {
        return Err("binary file (NUL character), not a RON scenario".into());
    }
    if s.trim().is_empty() {
        return Err("empty file: expected a RON scenario `(format: 1, run: (..), ..)`".into());
    }
    Ok(s)
}

struct FileName {
    name: String,
    /// False for `--set` values: their problems are reported as `--set PATH: message`.
    located: bool,
}

/// One file of a scenario as read.
#[derive(Debug, Clone)]
struct SourceFile {
    /// The path as the loader joins it (`extends` paths against the extending file's folder): the
    /// key of the file in memory.
    path: PathBuf,
    /// The canonical path (symlinks, `.` and `..` resolved), or `path` when it cannot be resolved.
    canonical: PathBuf,
    /// The text, or why it cannot be used.
    text: Result<String, String>,
}

/// Where the loader gets file texts: from the disk (each file read once, recorded) or from a copy
/// read earlier (never the disk).
enum Reader<'a> {
    Disk(&'a mut Vec<SourceFile>),
    Memory(&'a [SourceFile]),
}

impl Reader<'_> {
    /// The canonical path and text of `path`.
    fn read(&mut self, path: &Path) -> (PathBuf, Result<String, String>) {
        let found = |files: &[SourceFile]| {
            files
                .iter()
                .find(|f| f.path == path)
                .map(|f| (f.canonical.clone(), f.text.clone()))
        };
        match self {
            Reader::Disk(files) => {
                if let Some(f) = found(files) {
                    return f;
                }
                let canonical = std::fs::canonicalize(path).unwrap_or(path.to_path_buf());
                let text = read_file(path);
                files.push(SourceFile {
                    path: path.to_path_buf(),
                    canonical: canonical.clone(),
                    text: text.clone(),
                });
                (canonical, text)
            }
            Reader::Memory(files) => found(files).unwrap_or_else(|| {
                (
                    path.to_path_buf(),
                    Err("not among the files read when the command started".into()),
                )
            }),
        }
    }
}

/// The files of one scenario, read once: the file given and every file of its `extends` chain.
/// [`Sources::load`] resolves them as often as needed without reading the disk again.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The path as given (the name in messages and manifests).
    name: String,
    /// The folder `extends` paths of the root file resolve against.
    dir: PathBuf,
    /// The root first, then the chain in the order read.
    files: Vec<SourceFile>,
}

impl Sources {
    /// Reads `path` and its `extends` chain (each file once, regular files only, capped at
    /// [`MAX_FILE_BYTES`]). Syntax errors and unreadable files are reported here; `--set` and
    /// validation happen in [`Sources::load`].
    pub fn read(path: &Path) -> Result<Sources, Diags> {
        let name = path.display().to_string();
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut files = Vec::new();
        let (canonical, text) = Reader::Disk(&mut files).read(path);
        let text = text.map_err(|m| {
            Diags(vec![Diag {
                file: name.clone(),
                line: 0,
                col: 0,
                message: m,
            }])
        })?;
        let mut l = Loader {
            files: vec![],
            reader: Reader::Disk(&mut files),
        };
        l.tree(&name, &text, &dir, &mut vec![(canonical, name.clone())])
            .map_err(Diags)?;
        Ok(Sources { name, dir, files })
    }

    /// Resolves the scenario read (its `extends` chain), applies `sets`, validates: what [`load`]
    /// gives for the files as they were when [`Sources::read`] ran.
    pub fn load(&self, sets: &[String]) -> Result<Resolved, Diags> {
        self.load_checked(sets, None)
    }

    /// [`Sources::load`], then `check` on the valid scenario (see [`Check`]).
    pub fn load_checked(&self, sets: &[String], check: Option<Check>) -> Result<Resolved, Diags> {
        let root = &self.files[0];
        let text = root.text.clone().unwrap_or_default();
        let mut l = Loader {
            files: vec![],
            reader: Reader::Memory(&self.files),
        };
        l.resolve(
            &self.name,
            &text,
            &self.dir,
            vec![(root.canonical.clone(), self.name.clone())],
            sets,
            check,
        )
    }

    /// The canonical paths of the files read (the scenario file first, then its `extends` chain).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.canonical.clone()).collect()
    }

    /// The path as given.
    pub fn name(&self) -> &str {
        &self.name
    }
}

struct Loader<'a> {
    files: Vec<FileName>,
    reader: Reader<'a>,
}

impl Loader<'_> {
    fn add(&mut self, name: String, located: bool) -> u32 {
        self.files.push(FileName { name, located });
        (self.files.len() - 1) as u32
    }

    fn diag(&self, p: Problem) -> Diag {
        let f = self.files.get(p.span.file as usize);
        let located = f.is_some_and(|f| f.located);
        Diag {
            file: f.map(|f| f.name.clone()).unwrap_or_default(),
            line: if located { p.span.line } else { 0 },
            col: if located { p.span.col } else { 0 },
            message: p.message,
        }
    }

    fn diags(&self, ps: Vec<Problem>) -> Vec<Diag> {
        ps.into_iter().map(|p| self.diag(p)).collect()
    }

    /// Parses one file and resolves its `extends` chain (`chain`: canonical paths of the files that
    /// extend it, outermost first).
    fn tree(
        &mut self,
        name: &str,
        src: &str,
        dir: &Path,
        chain: &mut Vec<(PathBuf, String)>,
    ) -> Result<(Node, Option<String>), Vec<Diag>> {
        let idx = self.add(name.to_string(), true);
        let mut t = tree::parse(src, idx).map_err(|e| {
            vec![Diag {
                file: name.to_string(),
                line: e.line,
                col: e.col,
                message: e.message,
            }]
        })?;
        // The format version first: a file from another version may not parse as this one.
        if let Some(f) = t.field("format") {
            if let Kind::Int(v) = f.kind {
                if v != super::schema::FORMAT_VERSION as i128 {
                    return Err(vec![self.diag(Problem::new(
                        f.span,
                        format!(
                            "this file is format {v}; this crossroads reads format {}",
                            super::schema::FORMAT_VERSION
                        ),
                    ))]);
                }
            }
        }
        let extends = take_field(&mut t, "extends");
        let remove = take_field(&mut t, "remove");
        let Some(ext) = extends else {
            if let Some((r, _)) = remove {
                return Err(vec![self.diag(Problem::new(
                    r.span,
                    "`remove` only applies to a scenario that `extends` another",
                ))]);
            }
            return Ok((t, None));
        };
        let (ext, _) = ext;
        let Kind::Str(rel) = &ext.kind else {
            return Err(vec![self.diag(Problem::new(
                ext.span,
                format!(
                    "`extends` takes a file path string such as \"baseline.ron\", found {}",
                    ext.describe()
                ),
            ))]);
        };
        let base_path = dir.join(rel);
        let base_name = base_path.display().to_string();
        let (canon, base_src) = self.reader.read(&base_path);
        if let Some(k) = chain.iter().position(|(p, _)| *p == canon) {
            let mut names: Vec<String> = chain[k..].iter().map(|(_, n)| n.clone()).collect();
            names.push(chain[k].1.clone());
            return Err(vec![self.diag(Problem::new(
                ext.span,
                format!("`extends` cycle: {}", names.join(" -> ")),
            ))]);
        }
        if chain.len() >= MAX_EXTENDS_DEPTH {
            return Err(vec![self.diag(Problem::new(
                ext.span,
                format!("`extends` chain longer than {MAX_EXTENDS_DEPTH} files"),
            ))]);
        }
        let base_src = base_src.map_err(|m| {
            vec![self.diag(Problem::new(
                ext.span,
                format!("cannot extend \"{rel}\" ({base_name}): {m}"),
            ))]
        })?;
        chain.push((canon, base_name.clone()));
        let base_dir = base_path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let (base, _) = self.tree(&base_name, &base_src, &base_dir, chain)?;
        chain.pop();
        let mut merged = merge::merge(base, t);
        if let Some((r, _)) = remove {
            let mut errs = Vec::new();
            match &r.kind {
                Kind::List(items) => {
                    for it in items {
                        match &it.kind {
                            Kind::Str(p) => {
                                if let Err(m) = merge::remove(&mut merged, p) {
                                    errs.push(self.diag(Problem::new(it.span, m)));
                                }
                            }
                            _ => errs.push(self.diag(Problem::new(
                                it.span,
                                format!(
                                    "`remove` takes path strings such as \"actors.turkey\", found {}",
                                    it.describe()
                                ),
                            ))),
                        }
                    }
                }
                _ => errs.push(self.diag(Problem::new(
                    r.span,
                    "`remove` takes a list of paths such as [\"actors.turkey\"]",
                ))),
            }
            if !errs.is_empty() {
                return Err(errs);
            }
        }
        Ok((merged, Some(rel.clone())))
    }

    fn resolve(
        &mut self,
        name: &str,
        src: &str,
        dir: &Path,
        mut chain: Vec<(PathBuf, String)>,
        sets: &[String],
        check: Option<Check>,
    ) -> Result<Resolved, Diags> {
        let (mut t, extends) = self.tree(name, src, dir, &mut chain).map_err(Diags)?;
        let mut errs = Vec::new();
        for s in sets {
            let Some((path, value)) = s.split_once('=') else {
                errs.push(Diag {
                    file: format!("--set {s}"),
                    line: 0,
                    col: 0,
                    message: "expected PATH=VALUE, e.g. `actors.russia.budget=150`".into(),
                });
                continue;
            };
            let path = path.trim();
            let file = format!("--set {path}");
            if let Some(m) = unsettable(path) {
                errs.push(Diag {
                    file,
                    line: 0,
                    col: 0,
                    message: m,
                });
                continue;
            }
            let idx = self.add(file.clone(), false);
            let v = match tree::parse_value(value, idx) {
                Ok(v) => v,
                Err(e) => {
                    let message = match merge::node_at(&t, path).map(|n| &n.kind) {
                        // The field holds a string: say so (the parser alone would ask for a number).
                        Some(Kind::Str(_)) => format!(
                            "invalid value `{value}`: `{path}` is a string: write it in double quotes, \
                             e.g. --set '{path}=\"{}\"'",
                            value.replace(['"', '\''], "")
                        ),
                        _ => format!(
                            "invalid value `{value}`: {} (at character {})",
                            e.message, e.col
                        ),
                    };
                    errs.push(Diag {
                        file,
                        line: 0,
                        col: 0,
                        message,
                    });
                    continue;
                }
            };
            if let Err(m) = merge::set(&mut t, path, v) {
                errs.push(Diag {
                    file,
                    line: 0,
                    col: 0,
                    message: m,
                });
            }
        }
        let (scenario, mut ps) = de::collect_recovering::<Scenario>(&t);
        if let Some(s) = &scenario {
            ps.extend(validate::validate(s, &t));
            if ps.is_empty() && errs.is_empty() {
                ps.extend(validate::sweep_paths(s, &t));
            }
            if let (Some(check), true) = (check, ps.is_empty() && errs.is_empty()) {
                ps.extend(check(s, &t));
            }
        }
        // In file order, then line and column (stable: problems at one place keep their order).
        ps.sort_by_key(|p| (p.span.file, p.span.line, p.span.col));
        let mut all = self.diags(ps);
        all.extend(errs);
        match scenario {
            Some(mut scenario) if all.is_empty() => {
                scenario.extends = extends;
                let sha256 = sha256_hex(tree::print(&t).as_bytes());
                Ok(Resolved {
                    path: name.to_string(),
                    sha256,
                    tree: t,
                    scenario,
                })
            }
            _ => Err(Diags(all)),
        }
    }
}

/// Why `path` cannot be given to `--set`, if it cannot: `extends` and `remove` are resolved when the
/// files are read, so setting them would change what scenario.ron says without changing what runs.
fn unsettable(path: &str) -> Option<String> {
    let top = path.split(['.', '[']).next().unwrap_or(path).trim();
    matches!(top, "extends" | "remove").then(|| {
        format!(
            "`{top}` cannot be changed with --set: it is resolved when the scenario file is read; \
             write it in a scenario file (e.g. a variant that extends this one)"
        )
    })
}

/// Removes a top-level field, returning its value and name span.
fn take_field(t: &mut Node, name: &str) -> Option<(Node, tree::Span)> {
    if let Kind::Struct { fields, .. } = &mut t.kind {
        let i = fields.iter().position(|f| f.name == name)?;
        let f = fields.remove(i);
        return Some((f.value, f.name_span));
    }
    None
}

/// [`load`], then `check` on the valid scenario (see [`Check`]).
pub fn load_checked(path: &Path, sets: &[String], check: Option<Check>) -> Result<Resolved, Diags> {
    Sources::read(path)?.load_checked(sets, check)
}

/// A check the loader runs on a scenario that passed validation, for what only a later stage knows
/// (the model's series layout, for `observations:`); its problems are located like validation's.
pub type Check<'a> = &'a dyn Fn(&Scenario, &Node) -> Vec<Problem>;

/// Loads `path`, applies `sets` (`PATH=VALUE`), validates. All problems are returned at once.
/// (Reads the files once: [`Sources::read`] then [`Sources::load`].)
pub fn load(path: &Path, sets: &[String]) -> Result<Resolved, Diags> {
    Sources::read(path)?.load(sets)
}

/// Like [`load`] for in-memory text named `name` (`extends` paths resolve against the current dir).
pub fn load_str(name: &str, src: &str, sets: &[String]) -> Result<Resolved, Diags> {
    let src = check_text(src.to_string()).map_err(|m| {
        Diags(vec![Diag {
            file: name.to_string(),
            line: 0,
            col: 0,
            message: m,
        }])
    })?;
    let mut files = Vec::new();
    let mut l = Loader {
        files: vec![],
        reader: Reader::Disk(&mut files),
    };
    l.resolve(name, &src, Path::new("."), vec![], sets, None)
}
