//! Uncertain parameters: wherever the schema takes a real number, a scenario may write a distribution
//! instead (`Uniform(lo, hi)`, `Normal(mean, sd)`, `TruncNormal(mean, sd, lo, hi)`, `Beta(a, b)`,
//! `Triangular(lo, mode, hi)`, `LogNormal(mu, sigma)`, `Choice([...])`). A plain number stays fixed.
//!
//! The model only ever sees fixed values: before each run the batch runner *realises* the scenario,
//! sampling every distribution from its own named stream (`param/<path>`), see [`crate::model::rng`].

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A probability distribution written in place of a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Uniform on `[lo, hi]`.
    Uniform(f64, f64),
    /// Normal with `mean`, standard deviation `sd`.
    Normal(f64, f64),
    /// Normal(`mean`, `sd`) truncated to `[lo, hi]`.
    TruncNormal(f64, f64, f64, f64),
    /// Beta(`a`, `b`) on `[0, 1]`.
    Beta(f64, f64),
    /// Triangular on `[lo, hi]` with mode `mode`.
    Triangular(f64, f64, f64),
    /// exp(Normal(`mu`, `sigma`)).
    LogNormal(f64, f64),
    /// One of the listed values, each equally likely.
    Choice(Vec<f64>),
}

/// A real-valued scenario parameter: fixed, or uncertain (sampled once per run).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Fixed(f64),
    Dist(Dist),
}

impl Param {
    /// The value the model uses. For a realised scenario every parameter is `Fixed`; for an unrealised
    /// one this is the distribution's nominal value (its mean; for `Choice`, the mean of the choices),
    /// used only for estimates such as the memory check in validation.
    pub fn value(&self) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Dist(d) => d.nominal(),
        }
    }

    pub fn is_uncertain(&self) -> bool {
        matches!(self, Param::Dist(_))
    }
}

impl Dist {
    /// The distribution's mean (for `Choice`, the mean of the choices; for `TruncNormal`, the untruncated
    /// mean clamped into `[lo, hi]`).
    pub fn nominal(&self) -> f64 {
        match self {
            Dist::Uniform(lo, hi) => 0.5 * (lo + hi),
            Dist::Normal(m, _) => *m,
            Dist::TruncNormal(m, _, lo, hi) => m.clamp(*lo, (*hi).max(*lo)),
            Dist::Beta(a, b) => a / (a + b),
            Dist::Triangular(lo, mode, hi) => (lo + mode + hi) / 3.0,
            Dist::LogNormal(mu, s) => (mu + 0.5 * s * s).exp(),
            Dist::Choice(v) => {
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            }
        }
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

impl Default for Param {
    fn default() -> Self {
        Param::Fixed(0.0)
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Param::Fixed(v) => s.serialize_f64(*v),
            Param::Dist(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Param;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a number or a distribution (Uniform(lo, hi), Normal(mean, sd), TruncNormal(mean, sd, lo, hi), \
                     Beta(a, b), Triangular(lo, mode, hi), LogNormal(mu, sigma), Choice([..]))",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
                Ok(Param::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_enum<A: de::EnumAccess<'de>>(self, a: A) -> Result<Param, A::Error> {
                Dist::deserialize(de::value::EnumAccessDeserializer::new(a)).map(Param::Dist)
            }
        }
        d.deserialize_any(V)
    }
}
