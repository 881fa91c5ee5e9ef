//! Checks of the `countries:` list (schema/country.rs): each country's population (size, opinions,
//! correlation, susceptibility and resilience, network, dynamics, drift) and economy (GDP, growth,
//! confidence, trade exposure) and its governing party. Called from [`super::validate`].

use super::*;

/// Every country, in order.
pub(super) fn countries(c: &mut Ctx) {
    let s = c.s;
    for (k, co) in s.countries.iter().enumerate() {
        let p = format!("countries[{k}]");
        population(c, &p, co);
        network(c, &p, co);
        dynamics(c, &p, co);
        drift(c, &p, co);
        economy(c, &p, co);
    }
}

/// The population's size, initial opinions, correlation, susceptibility and resilience.
fn population(c: &mut Ctx, p: &str, co: &Country) {
    let pop = &co.population;
    if pop.size == 0 {
        c.err(
            &format!("{p}.population.size"),
            "`size` must be > 0 citizens, found 0",
        );
    }
    c.param(
        &format!("{p}.population.real_millions"),
        &pop.real_millions,
        POS,
    );
    let mut seen = HashSet::new();
    for (j, o) in pop.opinions.iter().enumerate() {
        let q = format!("{p}.population.opinions[{j}]");
        c.dim(&format!("{q}.dimension"), &o.dimension);
        if !seen.insert(o.dimension.as_str()) {
            c.err(
                &format!("{q}.dimension"),
                format!("dimension `{}` is given twice", o.dimension),
            );
        }
        super::citizens::initial_opinion(c, &q, o);
    }
    super::citizens::correlation(c, &format!("{p}.population.correlation"), pop);
    for (name, sp) in [
        ("susceptibility", &pop.susceptibility),
        ("resilience", &pop.resilience),
    ] {
        c.param(&format!("{p}.population.{name}.mean"), &sp.mean, UNIT);
        c.param(&format!("{p}.population.{name}.sd"), &sp.sd, NONNEG);
    }
}

/// The population's contact network.
fn network(c: &mut Ctx, p: &str, co: &Country) {
    let pop = &co.population;
    let np = format!("{p}.population.network");
    match &pop.network {
        Network::Complete => {}
        Network::WattsStrogatz { k: deg, p: prob } => {
            if *deg < 2 || deg % 2 != 0 || (pop.size > 0 && *deg >= pop.size) {
                c.err(
                    &format!("{np}.k"),
                    format!(
                        "Watts–Strogatz `k` must be even, at least 2 and below the population size ({}), found {deg}",
                        pop.size
                    ),
                );
            }
            c.param(&format!("{np}.p"), prob, PROB);
        }
        Network::ErdosRenyi { mean_degree } => {
            c.param(&format!("{np}.mean_degree"), mean_degree, NONNEG);
            if let Param::Fixed(d) = mean_degree {
                if pop.size > 0 && *d > (pop.size as f64 - 1.0).max(0.0) {
                    c.err(
                        &format!("{np}.mean_degree"),
                        format!(
                            "`mean_degree` ({d}) must be at most size − 1 ({})",
                            pop.size.saturating_sub(1)
                        ),
                    );
                }
            }
        }
    }
}

/// The population's opinion dynamics.
fn dynamics(c: &mut Ctx, p: &str, co: &Country) {
    let pop = &co.population;
    let dp = format!("{p}.population.dynamics");
    match &pop.dynamics {
        Dynamics::Deffuant {
            mu,
            epsilon,
            encounters,
        } => {
            c.param(&format!("{dp}.mu"), mu, DEFFUANT_MU);
            c.param(&format!("{dp}.epsilon"), epsilon, UNIT);
            c.param(&format!("{dp}.encounters"), encounters, NONNEG);
        }
        Dynamics::DeffuantVector {
            mu,
            epsilon,
            encounters,
            ..
        } => {
            c.param(&format!("{dp}.mu"), mu, DEFFUANT_MU);
            c.param(&format!("{dp}.epsilon"), epsilon, NONNEG);
            c.param(&format!("{dp}.encounters"), encounters, NONNEG);
        }
        Dynamics::HegselmannKrause { epsilon, steps } => {
            c.param(&format!("{dp}.epsilon"), epsilon, UNIT);
            if *steps == 0 {
                c.err(&format!("{dp}.steps"), "`steps` must be at least 1");
            }
        }
        Dynamics::Frozen => {}
    }
}

/// The population's drift terms.
fn drift(c: &mut Ctx, p: &str, co: &Country) {
    let pop = &co.population;
    for (j, t) in pop.drift.terms.iter().enumerate() {
        let q = format!("{p}.population.drift.terms[{j}]");
        c.dim(&format!("{q}.dimension"), &t.dimension);
        c.indicator(&format!("{q}.indicator"), &t.indicator);
        c.param(&format!("{q}.reference"), &t.reference, ANY);
        c.param(&format!("{q}.rate"), &t.rate, ANY);
    }
}

/// The economy and the governing party.
fn economy(c: &mut Ctx, p: &str, co: &Country) {
    let e = &co.economy;
    c.param(&format!("{p}.economy.gdp_bn"), &e.gdp_bn, POS);
    c.param(&format!("{p}.economy.growth"), &e.growth, ANY);
    c.param(
        &format!("{p}.economy.investor_confidence"),
        &e.investor_confidence,
        UNIT,
    );
    let mut sum = 0.0;
    for (j, x) in e.trade_exposure.iter().enumerate() {
        let q = format!("{p}.economy.trade_exposure[{j}]");
        c.actor(
            &format!("{q}.power"),
            &x.power,
            Some(ActorKind::ExternalPower),
        );
        c.param(&format!("{q}.share"), &x.share, SHARE);
        sum += x.share.value();
    }
    if sum > 1.0 + 1e-9 {
        c.err(
            &format!("{p}.economy.trade_exposure"),
            format!("trade exposure shares add up to {sum:.3}, more than 1"),
        );
    }
    if let Some(g) = &co.government {
        let q = format!("{p}.government");
        if let Some(a) = c.actor(&q, g, Some(ActorKind::Party)) {
            if a.country.as_deref() != Some(co.id.as_str()) {
                c.err(
                    &q,
                    format!(
                        "governing party `{g}` belongs to {}, not to `{}`",
                        a.country
                            .as_deref()
                            .map(|x| format!("`{x}`"))
                            .unwrap_or("no country".into()),
                        co.id
                    ),
                );
            }
        }
    }
}
