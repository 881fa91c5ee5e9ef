//! Small dense linear algebra the project needs, in plain loops (same operations in the same order
//! everywhere, so bit-exact like the rest of [`super`]): the Cholesky factor of a positive
//! semi-definite matrix, used for the Gaussian copula of initial opinions and to validate a
//! scenario's correlation matrix.

/// Tolerance of [`cholesky_psd`]: a pivot above `−TOL` counts as zero or positive, and when a pivot
/// is (near) zero the rest of its column must be within `TOL · 10` of zero.
pub const CHOLESKY_TOL: f64 = 1e-10;

/// The lower-triangular `L` with `L Lᵀ = A` of a symmetric positive semi-definite `k × k` matrix `a`
/// (row-major), as a row-major `k × k` vector. Singular (semi-definite) matrices are accepted: a pivot
/// in `[−TOL, TOL]` is set to zero and its column below must then vanish (within `10 TOL`), as it does
/// for any PSD matrix. Returns `Err(j)` with the first column `j` where `a` is found not to be
/// positive semi-definite (or holds a non-finite value). Reads only the lower triangle.
pub fn cholesky_psd(a: &[f64], k: usize) -> Result<Vec<f64>, usize> {
    assert_eq!(a.len(), k * k, "cholesky_psd: a must be k × k");
    let mut l = vec![0.0; k * k];
    for j in 0..k {
        let mut d = a[j * k + j];
        for t in 0..j {
            d -= l[j * k + t] * l[j * k + t];
        }
        if !d.is_finite() || d < -CHOLESKY_TOL {
            return Err(j);
        }
        let pivot = if d > CHOLESKY_TOL { d.sqrt() } else { 0.0 };
        l[j * k + j] = pivot;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for t in 0..j {
                s -= l[i * k + t] * l[j * k + t];
            }
            if !s.is_finite() {
                return Err(j);
            }
            if pivot > 0.0 {
                l[i * k + j] = s / pivot;
            } else if s.abs() > 10.0 * CHOLESKY_TOL {
                return Err(j);
            }
        }
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky_psd(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        assert_eq!(l[0], 2.0);
        assert_eq!(l[1], 0.0);
        assert_eq!(l[2], 1.0);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn semi_definite_accepted_indefinite_refused() {
        // Perfect correlation: PSD, singular.
        let l = cholesky_psd(&[1.0, 1.0, 1.0, 1.0], 2).unwrap();
        assert_eq!(l, vec![1.0, 0.0, 1.0, 0.0]);
        // Pairwise 0.9, 0.9, −0.9: each entry valid, the matrix indefinite.
        let a = [1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0];
        assert_eq!(cholesky_psd(&a, 3), Err(2));
        // Zero pivot with a non-zero entry below it.
        assert_eq!(cholesky_psd(&[0.0, 0.5, 0.5, 1.0], 2), Err(0));
    }
}
