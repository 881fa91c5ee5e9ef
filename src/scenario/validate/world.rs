//! Checks of the scenario's top-level settings (schema/mod.rs and schema/world.rs): the format
//! version, finite numbers, `run:`, the id lists, `record:`, `world:`, persuasion's reception and
//! trust parameters, and the memory a run needs. Called from [`super::validate`].

use super::*;

/// The format version.
pub(super) fn format(c: &mut Ctx) {
    let s = c.s;
    if s.format != FORMAT_VERSION {
        c.err(
            "format",
            format!(
                "this file is format {}; this crossroads reads format {FORMAT_VERSION}",
                s.format
            ),
        );
    }
}

/// NaN and infinity anywhere in the tree; distributions and magnitudes.
pub(super) fn finite(c: &mut Ctx) {
    // NaN and infinity, anywhere.
    c.tree.walk(&mut |n| {
        if let Kind::Float(f) = n.kind {
            if !f.is_finite() {
                c.out.push(Problem::new(
                    n.span,
                    format!(
                        "{} is not allowed: every number must be finite",
                        crate::scenario::tree::fmt_float(f)
                    ),
                ));
            }
        }
    });
    c.out.extend(check_dists(c.tree));
    c.out.extend(magnitudes(c.tree));
}

/// Run settings.
pub(super) fn run(c: &mut Ctx) {
    let s = c.s;
    // Run settings.
    let r = &s.run;
    if r.name.is_empty()
        || r.name.len() > 64
        || !r
            .name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        c.err(
            "run.name",
            format!(
                "run name \"{}\" must be a safe folder name: 1 to 64 ASCII letters, digits, `-` and `_`",
                r.name
            ),
        );
    }
    if parse_month(&r.start).is_none() {
        c.err(
            "run.start",
            format!("start \"{}\" is not a valid `\"YYYY-MM\"` month", r.start),
        );
    }
    if r.horizon == 0 {
        c.err("run.horizon", "`horizon` must be at least 1 month, found 0");
    }
    if r.runs == 0 {
        c.err("run.runs", "`runs` must be at least 1, found 0");
    }
}

/// Ids: unique, well formed; the required lists non-empty.
pub(super) fn ids(c: &mut Ctx) {
    let s = c.s;
    // Ids.
    c.ids("dimensions", &s.dimensions, |x| &x.id);
    c.ids("countries", &s.countries, |x| &x.id);
    c.ids("actors", &s.actors, |x| &x.id);
    c.ids("issues", &s.issues, |x| &x.id);
    c.ids("projects", &s.projects, |x| &x.id);
    c.ids("routes", &s.routes, |x| &x.id);
    c.ids("elections", &s.elections, |x| &x.id);
    c.ids("process.phases", &s.process.phases, |x| &x.id);
    c.ids("events", &s.events, |x| &x.id);
    c.ids("outcomes", &s.outcomes, |x| &x.id);
    c.ids("outcome_classes", &s.outcome_classes, |x| &x.id);
    if s.dimensions.is_empty() {
        c.err(
            "dimensions",
            "`dimensions` needs at least one opinion dimension",
        );
    }
    if s.countries.is_empty() {
        c.err("countries", "`countries` needs at least one country");
    }
}

/// Recording settings.
pub(super) fn record(c: &mut Ctx) {
    let s = c.s;
    // Recording.
    let r = &s.record;
    for (name, v, lo, hi) in [
        ("share_threshold", r.share_threshold, 0.0, 1.0),
        ("cluster_gap", r.cluster_gap, 0.0, 1.0),
        ("cluster_min_share", r.cluster_min_share, 0.0, 1.0),
    ] {
        if !(v.is_finite() && (lo..=hi).contains(&v)) {
            c.err(
                &format!("record.{name}"),
                format!("`{name}` must be a number in [{lo}, {hi}], found {v}"),
            );
        }
    }
}

/// The world block and initial influence.
pub(super) fn world(c: &mut Ctx) {
    let s = c.s;
    // World.
    let w = &s.world;
    for (name, v, b) in [
        ("tension", &w.tension, UNIT),
        ("tension_decay", &w.tension_decay, SHARE),
        ("tension_floor", &w.tension_floor, UNIT),
        ("influence_decay", &w.influence_decay, SHARE),
        ("trade_pull", &w.trade_pull, NONNEG),
        ("confidence_tension", &w.confidence_tension, NONNEG),
        ("confidence_recovery", &w.confidence_recovery, SHARE),
        ("confidence_growth", &w.confidence_growth, ANY),
        ("growth_tension", &w.growth_tension, NONNEG),
        ("growth_reversion", &w.growth_reversion, SHARE),
        ("pressure_memory", &w.pressure_memory, SHARE),
        ("appeal_decay", &w.appeal_decay, SHARE),
    ] {
        c.param(&format!("world.{name}"), v, b);
    }
    for (k, x) in w.influence.iter().enumerate() {
        let p = format!("world.influence[{k}]");
        c.actor(
            &format!("{p}.power"),
            &x.power,
            Some(ActorKind::ExternalPower),
        );
        c.country(&format!("{p}.country"), &x.country);
        c.param(&format!("{p}.value"), &x.value, UNIT);
    }
}

/// Checks of persuasion's reception and trust parameters (docs/model.md 7.8.0): each country's
/// latitudes in [0, 1] with the latitude of rejection beginning no nearer than the latitude of
/// acceptance ends, boomerang, concentration and vigilance ≥ 0; each media entry's trust in [0, 1],
/// its trust slope in [-2, 2] and its trust dimension declared.
pub(super) fn persuasion(c: &mut Ctx, s: &Scenario) {
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}].population.persuasion");
        let x = &co.population.persuasion;
        c.param(&format!("{p}.acceptance"), &x.acceptance, UNIT);
        c.param(&format!("{p}.rejection"), &x.rejection, UNIT);
        c.param(&format!("{p}.boomerang"), &x.boomerang, NONNEG);
        c.param(&format!("{p}.concentration"), &x.concentration, NONNEG);
        c.param(&format!("{p}.vigilance"), &x.vigilance, NONNEG);
        let support = |v: &Param| match v {
            Param::Fixed(x) => (*x, *x),
            Param::Dist(d) => d.support(),
        };
        let ((_, acc_hi), (rej_lo, _)) = (support(&x.acceptance), support(&x.rejection));
        if rej_lo < acc_hi {
            c.err(
                &format!("{p}.rejection"),
                format!(
                    "the latitude of rejection must begin no nearer than the latitude of acceptance ends: `rejection` can be {} while `acceptance` can be {}",
                    fmt_num(rej_lo),
                    fmt_num(acc_hi)
                ),
            );
        }
    }
    for (k, a) in s.actors.iter().enumerate() {
        for (j, r) in a.media_reach.iter().enumerate() {
            let p = format!("actors[{k}].media_reach[{j}]");
            c.param(&format!("{p}.trust"), &r.trust, UNIT);
            c.param(&format!("{p}.trust_slope"), &r.trust_slope, TRUST_SLOPE);
            if let Some(d) = &r.trust_dimension {
                c.dim(&format!("{p}.trust_dimension"), d);
            }
        }
    }
}

/// The memory one run would need, against [`MEMORY_LIMIT`].
pub(super) fn memory(c: &mut Ctx) {
    let s = c.s;
    // Memory.
    let bytes = estimate_bytes(s);
    if bytes > MEMORY_LIMIT {
        let total: u64 = s.countries.iter().map(|x| x.population.size as u64).sum();
        let biggest = (0..s.countries.len())
            .max_by_key(|&k| s.countries[k].population.size)
            .map(|k| format!("countries[{k}].population.size"))
            .unwrap_or("run.horizon".into());
        c.err(
            &biggest,
            format!(
                "one run would need about {} of memory ({total} citizens, {} dimensions, {} months), more than the limit of {}: lower population sizes or the horizon",
                human_bytes(bytes),
                s.dimensions.len(),
                s.run.horizon,
                human_bytes(MEMORY_LIMIT)
            ),
        );
    }
}
