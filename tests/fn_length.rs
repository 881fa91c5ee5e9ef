//! Issue 15's "done when" for the command line, the experiments and the scenario checker: no function
//! in src/cli, src/experiments or src/scenario/validate* is longer than 150 lines (signature to
//! closing brace), so a command stays argument mapping, a call to its runner and printing, a runner
//! stays readable, and each part of the scenario has its own checker.
//!
//! The count relies on rustfmt's layout (kept by CI's `cargo fmt --check`): an item `fn` starts a
//! line, its body opens at the end of its signature and closes on a line holding only `}` at the
//! `fn`'s indentation.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 150;
const FOLDERS: [&str; 4] = [
    "src/cli",
    "src/experiments",
    "src/scenario/validate",
    "src/scenario/validate.rs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The name of the function a line starts (`pub(crate) const unsafe fn name`), and its indentation.
fn fn_start(line: &str) -> Option<(usize, String)> {
    let indent = line.len() - line.trim_start().len();
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        if w.starts_with("pub") || ["const", "async", "unsafe", "extern", "\"C\""].contains(w) {
            words.next();
        } else {
            break;
        }
    }
    if words.next()? != "fn" {
        return None;
    }
    let name: String = words
        .next()?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some((indent, name))
}

/// Every function with a body in `text`: (name, first line (1-based), lines from `fn` to `}`).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((indent, name)) = fn_start(line) else {
            continue;
        };
        // The signature ends at the first line ending in `{` (a body) or `;` (a declaration).
        let Some(j) = (i..lines.len()).find(|&j| {
            let t = lines[j].trim_end();
            t.ends_with('{') || t.ends_with(';') || t.ends_with('}')
        }) else {
            continue;
        };
        if !lines[j].trim_end().ends_with('{') {
            continue; // a declaration, or a body on one line
        }
        let close = format!("{}}}", " ".repeat(indent));
        let end = (j + 1..lines.len())
            .find(|&k| lines[k].trim_end() == close)
            .unwrap_or(lines.len());
        found.push((name, i + 1, end - i + 1));
    }
    found
}

#[test]
fn the_counter_measures_a_function_from_fn_to_its_closing_brace() {
    let text = "fn short() -> u8 { 1 }\n\
                pub(crate) fn two(\n    x: u8,\n) -> u8 {\n    let y = x;\n    y\n}\n\
                trait T {\n    fn declared(&self);\n    fn body(&self) {\n        if true {\n        }\n    }\n}\n";
    assert_eq!(
        functions(text),
        [("two".to_string(), 2, 6), ("body".to_string(), 10, 4)]
    );
}

#[test]
fn no_function_in_cli_experiments_or_validate_is_longer_than_150_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for f in FOLDERS {
        let p = root.join(f);
        if p.is_dir() {
            rust_files(&p, &mut files);
        } else {
            files.push(p);
        }
    }
    assert!(files.len() > 10, "expected the sources under {FOLDERS:?}");
    let mut long = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a source file");
        for (name, line, n) in functions(&text) {
            if n > MAX_LINES {
                let rel = f.strip_prefix(root).unwrap_or(f);
                long.push(format!("{}:{line}: fn {name}: {n} lines", rel.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions longer than {MAX_LINES} lines (split them):\n{}",
        long.join("\n")
    );
}
