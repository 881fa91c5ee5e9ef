//! Parameter sweeps: `--param PATH=LO..HI` ranges and a design turned into parameter points (each
//! point a list of `--set PATH=VALUE` overrides).

use super::design::{Sobol, grid, latin_hypercube};
use crate::scenario::schema::SWEEP_MAX_GRID_POINTS;

/// One swept parameter: its scenario path and range.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRange {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
}

impl ParamRange {
    /// Parses `PATH=LO..HI` (`lo < hi`, finite; the rule of the scenario's `sweep:` block).
    pub fn parse(s: &str) -> Result<ParamRange, String> {
        let bad =
            || format!("--param {s:?}: expected PATH=LO..HI, e.g. actors.russia.budget=80..120");
        let (path, range) = s.split_once('=').ok_or_else(bad)?;
        let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
        let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
        let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
        if path.trim().is_empty() || !lo.is_finite() || !hi.is_finite() {
            return Err(bad());
        }
        if lo >= hi {
            return Err(format!(
                "--param {s:?}: the range needs lo < hi, found lo {lo} and hi {hi}"
            ));
        }
        Ok(ParamRange {
            path: path.trim().to_string(),
            lo,
            hi,
        })
    }
}

/// The sweep designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// `samples` levels per parameter: `samples^d` points.
    Grid,
    /// `samples` points, one per stratum per parameter.
    Lhs,
    /// The first `samples` points of a scrambled Sobol sequence.
    Sobol,
}

impl From<crate::scenario::schema::SweepDesign> for DesignKind {
    fn from(d: crate::scenario::schema::SweepDesign) -> Self {
        use crate::scenario::schema::SweepDesign as S;
        match d {
            S::Grid => DesignKind::Grid,
            S::Lhs => DesignKind::Lhs,
            S::Sobol => DesignKind::Sobol,
        }
    }
}

impl DesignKind {
    pub fn parse(s: &str) -> Result<DesignKind, String> {
        match s {
            "grid" => Ok(DesignKind::Grid),
            "lhs" => Ok(DesignKind::Lhs),
            "sobol" => Ok(DesignKind::Sobol),
            _ => Err(format!("--design {s:?}: expected grid, lhs or sobol")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Lhs => "lhs",
            DesignKind::Sobol => "sobol",
        }
    }
}

/// The parameter values of every point (rows), in design order.
pub fn points(
    params: &[ParamRange],
    kind: DesignKind,
    samples: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, String> {
    let d = params.len();
    if d == 0 {
        return Err("give at least one --param PATH=LO..HI".into());
    }
    if samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let unit = match kind {
        DesignKind::Grid => {
            let total = (samples as f64).powi(d as i32);
            if total > SWEEP_MAX_GRID_POINTS {
                return Err(format!("a grid of {samples}^{d} points is too large"));
            }
            grid(&vec![samples; d])
        }
        DesignKind::Lhs => latin_hypercube(samples, d, seed),
        DesignKind::Sobol => Sobol::scrambled(d, seed)?.points(0, samples),
    };
    Ok(unit
        .into_iter()
        .map(|u| {
            u.iter()
                .zip(params)
                .map(|(x, p)| p.lo + x * (p.hi - p.lo))
                .collect()
        })
        .collect())
}

/// The `--set PATH=VALUE` strings of a point (values printed in shortest round-trip form).
pub fn sets(params: &[ParamRange], values: &[f64]) -> Vec<String> {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{}={v:?}", p.path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_points_scale() {
        let p = ParamRange::parse("actors.russia.budget=80..120").unwrap();
        assert_eq!((p.lo, p.hi), (80.0, 120.0));
        for bad in ["x", "x=1", "x=2..1", "=1..2", "x=a..2"] {
            assert!(ParamRange::parse(bad).is_err(), "{bad}");
        }
        let q = ParamRange::parse("world.x=-1..1").unwrap();
        let g = points(&[p.clone(), q.clone()], DesignKind::Grid, 3, 0).unwrap();
        assert_eq!(g.len(), 9);
        assert_eq!(g[0], vec![80.0, -1.0]);
        assert_eq!(g[8], vec![120.0, 1.0]);
        let l = points(&[p.clone(), q], DesignKind::Lhs, 10, 0).unwrap();
        assert!(l.iter().all(|v| (80.0..=120.0).contains(&v[0])));
        assert_eq!(
            sets(&[p], &[100.5]),
            vec!["actors.russia.budget=100.5".to_string()]
        );
        assert!(points(&[], DesignKind::Sobol, 4, 0).is_err());
    }

    #[test]
    fn the_scenario_block_limits_match_the_designs() {
        use crate::scenario::schema::{SWEEP_SOBOL_MAX_PARAMS, SweepDesign};
        assert_eq!(
            SWEEP_SOBOL_MAX_PARAMS,
            crate::experiments::design::SOBOL_MAX_DIM
        );
        for d in [SweepDesign::Grid, SweepDesign::Lhs, SweepDesign::Sobol] {
            assert_eq!(DesignKind::from(d).as_str(), d.as_str());
        }
    }
}
