//! Experimental designs in the unit cube `[0, 1)^d`: full factorial grid, Latin hypercube, and
//! (scrambled) Sobol sequences.
//!
//! Randomness comes from ChaCha8 streams of [`crate::model::rng::Streams`] under `(seed, 0)`, one
//! named stream per design (`design/lhs`, `design/sobol`), so a design depends on its seed alone.

use crate::model::rng::{Streams, below, uniform01};
use rand::Rng;

/// Full factorial grid: `levels[j]` equally spaced levels in dimension `j` (`k / (levels - 1)`,
/// `k = 0..levels`; one level is the midpoint 0.5). Points are in row-major order, the last
/// dimension varying fastest.
pub fn grid(levels: &[usize]) -> Vec<Vec<f64>> {
    let total: usize = levels.iter().product();
    if levels.is_empty() || total == 0 {
        return Vec::new();
    }
    let level = |k: usize, n: usize| {
        if n <= 1 {
            0.5
        } else {
            k as f64 / (n - 1) as f64
        }
    };
    (0..total)
        .map(|mut i| {
            let mut p = vec![0.0; levels.len()];
            for j in (0..levels.len()).rev() {
                p[j] = level(i % levels[j], levels[j]);
                i /= levels[j];
            }
            p
        })
        .collect()
}

/// Latin hypercube of `n` points in `d` dimensions: in each dimension, each of the `n` strata
/// `[k/n, (k+1)/n)` holds exactly one point (uniform within its stratum). Stream `design/lhs`.
pub fn latin_hypercube(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Streams::new(seed, 0).get("design/lhs");
    let mut pts = vec![vec![0.0; d]; n];
    for j in 0..d {
        // Fisher–Yates permutation of the strata.
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let k = below(&mut rng, (i + 1) as u32) as usize;
            perm.swap(i, k);
        }
        for (i, p) in pts.iter_mut().enumerate() {
            p[j] = (perm[i] as f64 + uniform01(&mut rng)) / n as f64;
        }
    }
    pts
}

/// Primitive polynomials and initial direction numbers of Joe & Kuo (2008), file
/// `new-joe-kuo-6.21201`, dimensions 2..=21: `(s, a, m_1..m_s)`. Dimension 1 is the van der Corput
/// sequence (all `m = 1`).
const JOE_KUO: [(u32, u32, &[u32]); 20] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
];

/// The most dimensions [`Sobol`] supports.
pub const SOBOL_MAX_DIM: usize = JOE_KUO.len() + 1;

/// Bits of precision of the Sobol points (points are multiples of 2^-32).
const BITS: usize = 32;

/// A Sobol sequence generator (Gray-code order, 32-bit), optionally scrambled.
#[derive(Debug, Clone)]
pub struct Sobol {
    /// `v[j][k]`: direction number `k` (bit `k + 1`) of dimension `j`, as a 32-bit fraction.
    v: Vec<[u32; BITS]>,
    /// Digital shift per dimension (0 when unscrambled).
    shift: Vec<u32>,
}

impl Sobol {
    /// The unscrambled sequence in `d <= SOBOL_MAX_DIM` dimensions. Point 0 is the origin.
    pub fn new(d: usize) -> Result<Sobol, String> {
        if d == 0 || d > SOBOL_MAX_DIM {
            return Err(format!(
                "Sobol sequences are available in 1 to {SOBOL_MAX_DIM} dimensions, not {d}"
            ));
        }
        let mut v = Vec::with_capacity(d);
        let mut first = [0u32; BITS];
        for (k, x) in first.iter_mut().enumerate() {
            *x = 1u32 << (BITS - 1 - k);
        }
        v.push(first);
        for &(s, a, m) in JOE_KUO.iter().take(d - 1) {
            let s = s as usize;
            let mut mm = [0u64; BITS];
            for k in 0..BITS {
                mm[k] = if k < s {
                    m[k] as u64
                } else {
                    // m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}
                    let mut x = mm[k - s] ^ (mm[k - s] << s);
                    for i in 1..s {
                        if (a >> (s - 1 - i)) & 1 == 1 {
                            x ^= mm[k - i] << i;
                        }
                    }
                    x
                };
            }
            let mut row = [0u32; BITS];
            for k in 0..BITS {
                // v_k = m_k / 2^(k+1), as a 32-bit fraction.
                row[k] = (mm[k] << (BITS - 1 - k)) as u32;
            }
            v.push(row);
        }
        Ok(Sobol {
            v,
            shift: vec![0; d],
        })
    }

    /// The sequence scrambled by a random linear matrix scramble (a lower-triangular binary matrix
    /// with unit diagonal applied to every direction number; Matoušek 1998) and a random digital
    /// shift (XOR), both per dimension, drawn from stream `design/sobol` of `seed`. The scrambled
    /// points keep the net properties of the sequence and are uniform on the cube.
    pub fn scrambled(d: usize, seed: u64) -> Result<Sobol, String> {
        let mut s = Sobol::new(d)?;
        let mut rng = Streams::new(seed, 0).get("design/sobol");
        for j in 0..d {
            // Row r of L (bit r counted from the most significant): ones on the diagonal, random below.
            let mut l = [0u32; BITS];
            for (r, row) in l.iter_mut().enumerate() {
                let below_diag = if r == 0 {
                    0
                } else {
                    rng.next_u32() & !(u32::MAX >> r)
                };
                *row = below_diag | (1u32 << (BITS - 1 - r));
            }
            for k in 0..BITS {
                let x = s.v[j][k];
                let mut y = 0u32;
                for (r, row) in l.iter().enumerate() {
                    if (row & x).count_ones() % 2 == 1 {
                        y |= 1u32 << (BITS - 1 - r);
                    }
                }
                s.v[j][k] = y;
            }
            s.shift[j] = rng.next_u32();
        }
        Ok(s)
    }

    pub fn dim(&self) -> usize {
        self.v.len()
    }

    /// Point `i` of the sequence (Gray-code order: the XOR of the direction numbers of the set bits
    /// of `i ^ (i >> 1)`), each coordinate in `[0, 1)`.
    pub fn point(&self, i: u64) -> Vec<f64> {
        let g = i ^ (i >> 1);
        (0..self.dim())
            .map(|j| {
                let mut x = self.shift[j];
                for k in 0..BITS.min(64) {
                    if (g >> k) & 1 == 1 {
                        x ^= self.v[j][k];
                    }
                }
                x as f64 / 4_294_967_296.0
            })
            .collect()
    }

    /// Points `first..first + n`.
    pub fn points(&self, first: u64, n: usize) -> Vec<Vec<f64>> {
        (0..n as u64).map(|i| self.point(first + i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_covers_every_point() {
        let g = grid(&[3, 2, 4]);
        assert_eq!(g.len(), 24);
        let mut seen = std::collections::BTreeSet::new();
        for p in &g {
            let key: Vec<i64> = p.iter().map(|x| (x * 1000.0).round() as i64).collect();
            assert!(seen.insert(key), "duplicate {p:?}");
        }
        for a in [0.0, 0.5, 1.0] {
            for b in [0.0, 1.0] {
                for c in [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0] {
                    assert!(g.iter().any(|p| (p[0] - a).abs() < 1e-12
                        && (p[1] - b).abs() < 1e-12
                        && (p[2] - c).abs() < 1e-12));
                }
            }
        }
        assert_eq!(grid(&[1]), vec![vec![0.5]]);
    }

    #[test]
    fn lhs_has_one_point_per_stratum_per_dimension() {
        for (n, d) in [(1, 3), (10, 4), (97, 2)] {
            let pts = latin_hypercube(n, d, 42);
            assert_eq!(pts.len(), n);
            for j in 0..d {
                let mut count = vec![0; n];
                for p in &pts {
                    assert!((0.0..1.0).contains(&p[j]));
                    count[(p[j] * n as f64).floor() as usize] += 1;
                }
                assert!(count.iter().all(|&c| c == 1), "dim {j}: {count:?}");
            }
        }
        assert_eq!(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 7));
        assert_ne!(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 8));
    }

    #[test]
    fn sobol_matches_published_initial_points() {
        let s = Sobol::new(SOBOL_MAX_DIM).unwrap();
        let col = |j: usize| (1..9).map(|i| s.point(i)[j]).collect::<Vec<_>>();
        assert_eq!(
            col(0),
            [0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, 0.1875]
        );
        assert_eq!(
            col(1),
            [0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625, 0.3125]
        );
        assert_eq!(col(2)[..7], [0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]);
        assert!(s.point(0).iter().all(|&x| x == 0.0));
        // The first 2^m points of every dimension are a permutation of k / 2^m (a (0,m,1)-net).
        for j in 0..SOBOL_MAX_DIM {
            let mut ks: Vec<u64> = (0..64).map(|i| (s.point(i)[j] * 64.0) as u64).collect();
            ks.sort();
            assert_eq!(ks, (0..64).collect::<Vec<_>>(), "dim {j}");
        }
        assert!(Sobol::new(SOBOL_MAX_DIM + 1).is_err());
    }

    #[test]
    fn scrambled_sobol_keeps_stratification() {
        let s = Sobol::scrambled(6, 3).unwrap();
        for j in 0..6 {
            let mut ks: Vec<u64> = (0..128).map(|i| (s.point(i)[j] * 128.0) as u64).collect();
            ks.sort();
            assert_eq!(ks, (0..128).collect::<Vec<_>>());
        }
        assert_ne!(s.point(0), Sobol::scrambled(6, 4).unwrap().point(0));
    }
}
