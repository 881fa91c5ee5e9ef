//! Checks of the `sweep:` block (schema/sweep.rs): the block itself ([`sweep_block`]) and, on an
//! otherwise valid scenario, that each path names a real-valued parameter ([`sweep_paths`]).

use super::*;

/// Checks of the `sweep:` block that need no model object: at least one parameter, each swept once,
/// `lo < hi`, `samples` and `runs_per_point` at least 1, and a design of a size the sweep can make.
pub(super) fn sweep_block(c: &mut Ctx, sw: &SweepSpec) {
    if sw.params.is_empty() {
        c.err(
            "sweep.params",
            "`sweep.params` needs at least one parameter, e.g. [(path: \"actors.russia.budget\", lo: 80, hi: 120)]",
        );
    }
    let mut seen = HashSet::new();
    for (i, p) in sw.params.iter().enumerate() {
        if !seen.insert(p.path.as_str()) {
            c.err(
                &format!("sweep.params[{i}].path"),
                format!("`{}` is swept twice", p.path),
            );
        }
        if p.lo.is_finite() && p.hi.is_finite() && p.lo >= p.hi {
            c.err(
                &format!("sweep.params[{i}].hi"),
                format!(
                    "the range of `{}` needs lo < hi, found lo {} and hi {}",
                    p.path,
                    fmt_num(p.lo),
                    fmt_num(p.hi)
                ),
            );
        }
    }
    if sw.samples == 0 {
        c.err("sweep.samples", "`samples` must be at least 1");
    }
    if sw.runs_per_point == 0 {
        c.err(
            "sweep.runs_per_point",
            "`runs_per_point` must be at least 1",
        );
    }
    let d = sw.params.len();
    match sw.design {
        SweepDesign::Grid if (sw.samples as f64).powi(d as i32) > SWEEP_MAX_GRID_POINTS => c.err(
            "sweep.samples",
            format!(
                "a grid of {}^{d} points is too large (at most {SWEEP_MAX_GRID_POINTS} points): use Lhs or Sobol",
                sw.samples
            ),
        ),
        SweepDesign::Sobol if d > SWEEP_SOBOL_MAX_PARAMS => c.err(
            "sweep.params",
            format!("a Sobol design takes at most {SWEEP_SOBOL_MAX_PARAMS} parameters, found {d}"),
        ),
        _ => {}
    }
}

/// Checks that every path of the `sweep:` block names a real-valued parameter of the scenario and
/// that both ends of its range are valid values: the scenario is rebuilt with the path set to `lo`,
/// then to `hi` (as `crossroads sweep` does with `--set`), deserialized and validated. Problems are
/// located at the path's string in the block. Call it on a scenario that is otherwise valid.
pub fn sweep_paths(s: &Scenario, tree: &Node) -> Vec<Problem> {
    let Some(sw) = &s.sweep else {
        return Vec::new();
    };
    // The scenario without its block: the checks below must not recurse into it.
    let mut base = tree.clone();
    if let Kind::Struct { fields, .. } = &mut base.kind {
        fields.retain(|f| f.name != "sweep");
    }
    let mut out = Vec::new();
    for (i, p) in sw.params.iter().enumerate() {
        let span = node_at(tree, &format!("sweep.params[{i}].path")).map_or(tree.span, |n| n.span);
        for (end, v) in [("lo", p.lo), ("hi", p.hi)] {
            if !v.is_finite() {
                break;
            }
            let mut t = base.clone();
            let value = Node::new(Kind::Float(v), span);
            if let Err(m) = crate::scenario::merge::set(&mut t, &p.path, value) {
                out.push(Problem::new(span, format!("sweep parameter: {m}")));
                break;
            }
            let (scenario, mut ps) = crate::scenario::de::collect_recovering::<Scenario>(&t);
            if let Some(x) = &scenario {
                ps.extend(validate(x, &t));
            }
            if let Some(first) = ps.first() {
                out.push(Problem::new(
                    span,
                    format!(
                        "sweep parameter `{}` set to its {end}, {}: {}",
                        p.path,
                        fmt_num(v),
                        first.message
                    ),
                ));
                break;
            }
        }
    }
    out
}
