//! Investment in a project or a country.
//!
//! Committed amount `A = cost × max(0, 1 − hold_back × tension)`: investors hold back when risk is high.
//! Project: `A` joins the project's funds (construction draws on them, see `projects`); the investor
//! gains `influence_gain × A / cost` in the host country and the host's investor confidence rises by
//! `confidence_gain × A / cost`. The investor perceives the progress its money adds this month,
//! `min((F + A)/cost, rate, 1 − progress) − min(F/cost, rate, 1 − progress)` with `F` the funds already
//! there (0 while construction cannot proceed), both as `ProjectProgress` and as `ProjectOperation`
//! (a share of progress is valued as that share of the finished project's operation). Country:
//! the growth boost moves toward `B = growth_multiplier × 12 A / (1000 × GDP)` (A in millions, GDP in
//! billions): it gains `growth_reversion × B` and loses a share `growth_reversion` a month
//! (`economy`), so investment sustained month after month adds `B` to annualised growth and one
//! month's investment raises the GDP level by `growth_multiplier × A` in total; plus the same
//! confidence and influence gains. The perceived growth effect is `B`, the growth the boost adds summed
//! over the months it lasts.

use super::{Effect, Outcome};
use crate::model::compile::{Ind, Ix};
use crate::model::world::World;
use crate::scenario::schema::{Invest, InvestTarget};
use rand_chacha::ChaCha8Rng;

enum Target {
    Project(Ix, Ix),
    Country(Ix),
}

fn target(w: &World, x: &Invest, t: usize) -> Option<Target> {
    match &x.targets[t] {
        InvestTarget::Project(p) => {
            let p = w.ids().project(p).ok()?;
            let host = w.ids().country(&w.s.projects[p].country).ok()?;
            Some(Target::Project(p, host))
        }
        InvestTarget::Country(c) => Some(Target::Country(w.ids().country(c).ok()?)),
    }
}

fn committed(w: &World, x: &Invest) -> f64 {
    x.cost.value() * (1.0 - x.hold_back.value() * w.tension).max(0.0)
}

pub fn feasible(w: &World, x: &Invest, t: usize) -> bool {
    match target(w, x, t) {
        Some(Target::Project(p, _)) => w.projects[p].progress < 1.0,
        Some(Target::Country(_)) => true,
        None => false,
    }
}

pub fn expected(w: &World, actor: Ix, x: &Invest, t: usize, out: &mut Vec<Effect>) {
    let a = committed(w, x);
    let share = if x.cost.value() > 0.0 {
        a / x.cost.value()
    } else {
        0.0
    };
    let host = match target(w, x, t) {
        Some(Target::Project(p, host)) => {
            let spec = &w.s.projects[p];
            let can_build = w.all_hold(&w.projects[p].preconditions)
                && w.tension < spec.security_threshold.value();
            let cost = spec.cost.value().max(1e-9);
            let progress = |funds: f64| {
                (funds / cost)
                    .min(spec.build_rate.value())
                    .min(1.0 - w.projects[p].progress)
                    .max(0.0)
            };
            let funds = w.projects[p].funds;
            let dp = if can_build {
                (progress(funds + a) - progress(funds)).max(0.0)
            } else {
                0.0
            };
            out.push((Ind::ProjectProgress(p), dp, 0.0));
            out.push((Ind::ProjectOperation(p), dp, 0.0));
            host
        }
        Some(Target::Country(c)) => {
            let gdp = w.countries[c].gdp.max(1e-9);
            out.push((
                Ind::Growth(c),
                x.growth_multiplier.value() * 12.0 * a / (1000.0 * gdp),
                0.0,
            ));
            c
        }
        None => return,
    };
    out.push((
        Ind::Confidence(host),
        x.confidence_gain.value() * share,
        0.0,
    ));
    if let Some(p) = w.power_row(actor) {
        out.push((
            Ind::Influence { p, c: host },
            x.influence_gain.value() * share,
            0.0,
        ));
    }
}

pub fn resolve(w: &mut World, actor: Ix, x: &Invest, t: usize, _rng: &mut ChaCha8Rng) -> Outcome {
    let a = committed(w, x);
    let share = if x.cost.value() > 0.0 {
        a / x.cost.value()
    } else {
        0.0
    };
    let (host, target) = match target(w, x, t) {
        Some(Target::Project(p, host)) => {
            w.projects[p].funds += a;
            (host, w.s.projects[p].id.clone())
        }
        Some(Target::Country(c)) => {
            let gdp = w.countries[c].gdp.max(1e-9);
            let rev = w.s.world.growth_reversion.value().clamp(0.0, 1.0);
            w.countries[c].invest_boost +=
                rev * x.growth_multiplier.value() * 12.0 * a / (1000.0 * gdp);
            (c, w.s.countries[c].id.clone())
        }
        None => {
            return Outcome {
                magnitude: 0.0,
                result: "invalid",
                target: String::new(),
            };
        }
    };
    let st = &mut w.countries[host];
    st.confidence = (st.confidence + x.confidence_gain.value() * share).clamp(0.0, 1.0);
    if let Some(p) = w.power_row(actor) {
        w.add_influence(p, host, x.influence_gain.value() * share);
    }
    Outcome {
        magnitude: a,
        result: if a > 0.0 { "committed" } else { "held_back" },
        target,
    }
}
