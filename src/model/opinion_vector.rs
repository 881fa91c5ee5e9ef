//! Vector bounded confidence (docs/model.md 7.3.1): the Deffuant–Weisbuch rule with the confidence
//! test on the distance between whole opinion vectors (Deffuant, Neau, Amblard & Weisbuch 2000,
//! "Mixing beliefs among interacting agents", Adv. Complex Syst. 3:87, section on vectors of
//! opinions; Lorenz 2007, "Continuous opinion dynamics under bounded confidence: a survey",
//! Int. J. Mod. Phys. C 18:1819, multidimensional opinions). Kept apart from the specialised
//! one-issue loops of [`super::opinion`].

use super::network::Network;
use super::opinion::{DwParams, Population};
use crate::portable::sample::{below, bernoulli};
use crate::scenario::schema::Metric;
use rand_chacha::ChaCha8Rng;

/// Distance between the opinion vectors `a` and `b` under `metric`.
pub fn distance(a: &[f64], b: &[f64], metric: Metric) -> f64 {
    match metric {
        Metric::Euclidean => a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt(),
        Metric::Max => a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs())),
    }
}

/// One tick of vector Deffuant: `E = encounters × n` pair draws (`floor(E)`, plus one with
/// probability `E − floor(E)`: one [`bernoulli`] draw first, only when `E` is not an integer), as in
/// [`super::opinion::deffuant_tick`]. Each draw picks `i = below(n)` and a uniform neighbour `j`
/// ([`Network::random_neighbour`]; isolated `i`: no move). If `distance(x_i, x_j) < epsilon` both
/// move a share `mu` of the gap on every dimension: `x_i += mu (x_j − x_i)`, `x_j −= mu (x_j − x_i)`
/// (old values on the right). With one dimension this is the scalar rule. Returns the pair draws.
pub fn deffuant_vector_tick(
    pop: &mut Population,
    net: &Network,
    params: &DwParams,
    metric: Metric,
    rng: &mut ChaCha8Rng,
) -> u64 {
    let n = pop.n;
    let k = pop.dims;
    assert!(
        net.n() == n && k > 0 && pop.opinions.len() == n as usize * k,
        "population and network shapes differ"
    );
    if n < 2 {
        return 0;
    }
    let total = params.encounters() * f64::from(n);
    let mut draws = total.floor() as u64;
    let frac = total - total.floor();
    if frac > 0.0 && bernoulli(rng, frac) {
        draws += 1;
    }
    pop.touch();
    let (mu, eps) = (params.mu(), params.epsilon());
    let x = &mut pop.opinions;
    for _ in 0..draws {
        let i = below(rng, n);
        let Some(j) = net.random_neighbour(i, rng) else {
            continue;
        };
        let (bi, bj) = (i as usize * k, j as usize * k);
        if distance(&x[bi..bi + k], &x[bj..bj + k], metric) < eps {
            for t in 0..k {
                let (a, b) = (x[bi + t], x[bj + t]);
                let d = b - a;
                x[bi + t] = a + mu * d;
                x[bj + t] = b - mu * d;
            }
        }
    }
    draws
}
