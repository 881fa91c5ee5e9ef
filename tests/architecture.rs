//! The architecture invariants of ARCHITECTURE.md that a scan of the sources can check: the model
//! (src/model) does no IO, knows no threads or clocks and imports no later stage; the ground-floor
//! libraries (src/stats, src/portable) import no stage at all. Comments are skipped, so a doc may
//! name what the code must not use.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively, in path order.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `(file:line, needle)` for every code line (comments stripped) under `dir` that contains a needle.
fn uses(dir: &str, needles: &[&str]) -> Vec<String> {
    let files = sources(Path::new(dir));
    assert!(!files.is_empty(), "no sources under {dir}");
    let mut hits = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for n in needles {
                if code.contains(n) {
                    hits.push(format!("{}:{}: `{n}`", f.display(), i + 1));
                }
            }
        }
    }
    hits
}

#[test]
fn the_model_does_no_io_and_knows_no_threads_clocks_or_later_stages() {
    let hits = uses(
        "src/model",
        &[
            "std::fs",
            "File::",
            "OpenOptions",
            "std::io::",
            "stdout",
            "stderr",
            "println!",
            "eprintln!",
            "rayon",
            "std::time",
            "Instant",
            "SystemTime",
            "std::thread",
            "thread::spawn",
            "crate::batch",
            "crate::outputs",
            "crate::experiments",
            "crate::charts",
            "crate::report",
            "crate::cli",
        ],
    );
    assert!(
        hits.is_empty(),
        "src/model must stay pure:\n{}",
        hits.join("\n")
    );
}

#[test]
fn stats_and_portable_import_no_stage() {
    let stages = [
        "crate::scenario",
        "crate::model",
        "crate::batch",
        "crate::outputs",
        "crate::experiments",
        "crate::charts",
        "crate::report",
        "crate::cli",
    ];
    for dir in ["src/stats", "src/portable"] {
        let hits = uses(dir, &stages);
        assert!(
            hits.is_empty(),
            "{dir} is a ground-floor library:\n{}",
            hits.join("\n")
        );
    }
}
