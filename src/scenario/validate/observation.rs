//! Checks of the `observations:` block (schema/observation.rs): ids, months, measurements, survey
//! groups. Called from [`super::validate`].

use super::*;

/// Checks of the `observations:` block that need no model object: ids, months within the run, the
/// measurements (a share in [0, 1], `n > 0`, `design_effect > 0`, `se > 0`, `lo < hi`), the entity of
/// the derived selectors (`phase_reached`: a phase; `outcome`: an outcome), and each `survey` group
/// (one month, one `n` and `design_effect`, each entity once, shares summing to at most 1). Whether an
/// indicator/entity pair is a recorded series is checked against the model's series layout by
/// `crate::experiments::observe::check`.
pub(super) fn observations(c: &mut Ctx, obs: &[Observation]) {
    c.ids("observations", obs, |o| &o.id);
    let mut surveys: HashMap<&str, usize> = HashMap::new();
    let mut shares: HashMap<&str, f64> = HashMap::new();
    for (k, o) in obs.iter().enumerate() {
        let p = format!("observations[{k}]");
        c.month_in_horizon(&format!("{p}.month"), &o.month, "observation");
        if o.indicator.trim().is_empty() {
            c.err(
                &format!("{p}.indicator"),
                "`indicator` names a series as in series.csv (e.g. \"opinion\", \"growth\"), or \"phase_reached\" or \"outcome\"",
            );
        }
        match o.indicator.as_str() {
            PHASE_REACHED => c.phase(&format!("{p}.entity"), &o.entity),
            OUTCOME if !c.outcomes.contains_key(o.entity.as_str()) => {
                let l = list(c.outcomes.keys().copied());
                c.err(
                    &format!("{p}.entity"),
                    format!("unknown outcome `{}` ({l})", o.entity),
                );
            }
            _ => {}
        }
        let m = format!("{p}.measured");
        match &o.measured {
            Measurement::Poll {
                share,
                n,
                design_effect,
                survey,
            } => {
                if share.is_finite() && !(0.0..=1.0).contains(share) {
                    c.err(
                        &format!("{m}.share"),
                        format!(
                            "`share` must be a share in [0, 1], found {}",
                            fmt_num(*share)
                        ),
                    );
                }
                if n.is_finite() && *n <= 0.0 {
                    c.err(
                        &format!("{m}.n"),
                        format!("`n` (respondents) must be > 0, found {}", fmt_num(*n)),
                    );
                }
                if design_effect.is_finite() && *design_effect <= 0.0 {
                    c.err(
                        &format!("{m}.design_effect"),
                        format!(
                            "`design_effect` must be > 0 (1 for simple random sampling), found {}",
                            fmt_num(*design_effect)
                        ),
                    );
                }
                if let Some(sv) = survey {
                    survey_member(c, obs, k, sv, &mut surveys, &mut shares);
                }
            }
            Measurement::Value { se, .. } => {
                if se.is_finite() && *se <= 0.0 {
                    c.err(
                        &format!("{m}.se"),
                        format!("`se` (standard error) must be > 0, found {}", fmt_num(*se)),
                    );
                }
            }
            Measurement::Interval { lo, hi } => {
                if lo.is_finite() && hi.is_finite() && lo >= hi {
                    c.err(
                        &format!("{m}.hi"),
                        format!(
                            "an interval needs lo < hi, found lo {} and hi {}",
                            fmt_num(*lo),
                            fmt_num(*hi)
                        ),
                    );
                }
            }
        }
    }
}

/// Observation `k`, a share of survey `sv`: the survey's first observation fixes its month, `n` and
/// `design_effect`; an entity appears once; the shares add up to at most 1.
fn survey_member<'a>(
    c: &mut Ctx,
    obs: &'a [Observation],
    k: usize,
    sv: &'a str,
    first: &mut HashMap<&'a str, usize>,
    total: &mut HashMap<&'a str, f64>,
) {
    let p = format!("observations[{k}].measured.survey");
    let o = &obs[k];
    let Measurement::Poll {
        share,
        n,
        design_effect,
        ..
    } = o.measured
    else {
        return;
    };
    let Some(&f) = first.get(sv) else {
        first.insert(sv, k);
        total.insert(sv, share);
        return;
    };
    let head = &obs[f];
    let line = c.span(&format!("observations[{f}]")).line;
    if let Measurement::Poll {
        n: n0,
        design_effect: d0,
        ..
    } = head.measured
    {
        if head.month != o.month || n0 != n || d0 != design_effect {
            c.err(
                &p,
                format!(
                    "survey `{sv}` was declared at line {line} with month {}, n {} and design_effect {};                      every share of a survey has the same (found month {}, n {}, design_effect {})",
                    head.month,
                    fmt_num(n0),
                    fmt_num(d0),
                    o.month,
                    fmt_num(n),
                    fmt_num(design_effect)
                ),
            );
        }
    }
    let dup = obs[..k].iter().any(|x| {
        matches!(&x.measured, Measurement::Poll { survey: Some(s), .. } if s == sv)
            && x.indicator == o.indicator
            && x.entity == o.entity
    });
    if dup {
        c.err(
            &p,
            format!(
                "survey `{sv}` reports `{}` `{}` twice",
                o.indicator, o.entity
            ),
        );
    }
    let t = total.entry(sv).or_insert(0.0);
    *t += share;
    if *t > 1.0 + 1e-9 && *t - share <= 1.0 + 1e-9 {
        c.err(
            &format!("observations[{k}].measured.share"),
            format!(
                "the shares of survey `{sv}` add up to {} so far, more than 1",
                fmt_num(*t)
            ),
        );
    }
}
