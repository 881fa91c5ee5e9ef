//! `crossroads validate FILE... [--list-params] [--set PATH=VALUE]...`: loads and checks each file.
//! A valid file gets one summary line on stdout (and with `--list-params` its uncertain parameters);
//! an invalid one gets every problem as `FILE:LINE:COL: message` on stderr. All files are checked;
//! the exit code is 2 if any is invalid.

use super::{CliError, EXIT_USAGE, ValidateArgs, term};
use crate::scenario::Resolved;

/// The one-line summary of a valid scenario (with its `sweep:` block, if any).
pub fn summary(r: &Resolved) -> String {
    let s = &r.scenario;
    let sweep = s.sweep.as_ref().map_or(String::new(), |w| {
        format!(
            "; sweep: {} parameters, {} design, samples {}, {} runs per point",
            w.params.len(),
            w.design.as_str(),
            w.samples,
            w.runs_per_point
        )
    });
    format!(
        "{}: ok — {} countries, {} actors, {} issues, {} projects, {} routes, {} elections, {} phases, {} events, {} outcomes, {} uncertain parameters{}",
        r.path,
        s.countries.len(),
        s.actors.len(),
        s.issues.len(),
        s.projects.len(),
        s.routes.len(),
        s.elections.len(),
        s.process.phases.len(),
        s.events.len(),
        s.outcomes.len(),
        r.uncertain().len(),
        sweep
    )
}

/// `  path  distribution` lines, paths padded to a column.
pub fn param_lines(r: &Resolved) -> Vec<String> {
    let u = r.uncertain();
    let w = u.iter().map(|p| p.path.chars().count()).max().unwrap_or(0);
    u.iter()
        .map(|p| format!("  {:<w$}  {}", p.path, p.text))
        .collect()
}

pub fn exec(args: ValidateArgs) -> Result<(), CliError> {
    let mut failed = false;
    for f in &args.files {
        match crate::scenario::load::load_checked(
            f,
            &args.sets,
            Some(&crate::experiments::observe::check),
        ) {
            Ok(r) => {
                term::outln(&summary(&r))?;
                if args.list_params {
                    for l in param_lines(&r) {
                        term::outln(&l)?;
                    }
                }
            }
            Err(d) => {
                failed = true;
                term::errln(&d.to_string());
            }
        }
    }
    if failed {
        Err(CliError {
            code: EXIT_USAGE,
            message: String::new(),
        })
    } else {
        Ok(())
    }
}
