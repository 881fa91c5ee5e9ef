//! Scenario input: the RON format researchers write, parsed and checked as plain data, then handed to the
//! model as a validated [`Scenario`].
//!
//! Pipeline (each step its own file):
//! 1. [`tree`]: parse RON text into a spanned document tree ([`tree::Node`]), so that every value keeps
//!    its `line:col` for error messages.
//! 2. [`merge`]: resolve `extends:` chains (lists of entities merged by `id`) and apply `--set PATH=VALUE`
//!    overrides, on the tree.
//! 3. [`de`]: deserialize the tree into the typed [`schema`] (serde, `deny_unknown_fields` everywhere),
//!    with located errors.
//! 4. [`validate`]: semantic checks (references, ranges, memory estimate), located via the tree.
//! 5. [`param`]: uncertain parameters (distributions written in place of numbers): listing, and the
//!    per-run realisation that samples them.
//!
//! This module does file IO (reading scenario files) but nothing downstream does.

pub mod de;
pub mod load;
pub mod merge;
pub mod param;
pub mod replaced;
pub mod schema;
pub mod tree;
pub mod validate;

pub use load::{Resolved, Sources, load, load_str};
pub use param::{Dist, Param};
pub use schema::Scenario;

/// One located problem in a scenario file: rendered as `FILE:LINE:COL: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    /// The file the problem is in (as given on the command line, or the `extends` path).
    pub file: String,
    /// 1-based line and column of the offending value; `0:0` when the problem has no place in a file
    /// (a missing file, a bad `--set` path).
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl std::fmt::Display for Diag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )
        }
    }
}

/// All the problems found in one scenario (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq)]
pub struct Diags(pub Vec<Diag>);

impl std::fmt::Display for Diags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diags {}
