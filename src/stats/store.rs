//! [`Store`]: the bucket counts of one side of a [`super::Sketch`], held so that their memory is
//! bounded by the range of bucket indices in use (the values' range and the sketch's accuracy), not
//! by the number of values added.
//!
//! Two representations, one meaning (the non-zero `(index, count)` pairs in ascending index order,
//! which is all that equality, quantiles and serialisation ever see):
//!
//! * **sparse**: a sorted `Vec<(index, count)>`, 16 bytes a bucket in use, while that is smaller
//!   than the dense form (few values spread over a wide range: a batch of a handful of runs);
//! * **dense**: one counter per index over a contiguous range `[lo, lo + len)`, 2 bytes each (widened
//!   to 4, then 8 bytes for the whole store the first time a bucket would pass 65,535, then
//!   2³² − 1). A store turns dense as soon as its sparse list holds at least [`DENSE_MIN`] buckets
//!   and more than one in [`DENSE_FACTOR`] of the range it spans, and never turns back. The dense range grows (by an
//!   eighth of its span, at least 16 indices, clamped to the sketch's fixed index range) only when a
//!   value falls outside it.
//!
//! Adding a value to a dense store is an index computation and one increment: no search, no
//! insertion, no allocation unless the range grows.

use std::cmp::Ordering;

/// A sparse store turns dense when its buckets in use exceed the span of their indices divided by
/// this: 16-byte entries against 2-byte counters, so at that point the dense array is no larger.
pub const DENSE_FACTOR: usize = 8;

/// A sparse store with fewer buckets in use than this stays sparse (at most 512 bytes), so that a few
/// values far apart do not open a dense range over the gaps between them.
pub const DENSE_MIN: usize = 32;

/// Bucket counts of one side of a sketch; see the module documentation.
#[derive(Clone, Debug)]
pub enum Store {
    /// Non-zero buckets, ascending index.
    Sparse(Vec<(i32, u64)>),
    /// `counts[i]` is the count of bucket `lo + i`.
    Dense { lo: i32, counts: Counts },
}

/// Dense counters of one width for the whole store.
#[derive(Clone, Debug)]
pub enum Counts {
    W16(Vec<u16>),
    W32(Vec<u32>),
    W64(Vec<u64>),
}

impl Default for Store {
    fn default() -> Self {
        Store::Sparse(Vec::new())
    }
}

impl PartialEq for Store {
    /// Equal when they hold the same counts, whatever their representation.
    fn eq(&self, other: &Self) -> bool {
        self.nonzero().eq(other.nonzero())
    }
}

impl Counts {
    fn len(&self) -> usize {
        match self {
            Counts::W16(v) => v.len(),
            Counts::W32(v) => v.len(),
            Counts::W64(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> u64 {
        match self {
            Counts::W16(v) => v[i] as u64,
            Counts::W32(v) => v[i] as u64,
            Counts::W64(v) => v[i],
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Counts::W16(v) => v.capacity() * 2,
            Counts::W32(v) => v.capacity() * 4,
            Counts::W64(v) => v.capacity() * 8,
        }
    }

    /// Adds `n` to counter `i` when the sum fits this width; `false` (nothing changed) otherwise.
    #[inline]
    fn try_add(&mut self, i: usize, n: u64) -> bool {
        match self {
            Counts::W16(v) => match u16::try_from(v[i] as u64 + n) {
                Ok(s) => {
                    v[i] = s;
                    true
                }
                Err(_) => false,
            },
            Counts::W32(v) => match u32::try_from(v[i] as u64 + n) {
                Ok(s) => {
                    v[i] = s;
                    true
                }
                Err(_) => false,
            },
            Counts::W64(v) => {
                v[i] += n;
                true
            }
        }
    }

    /// The next wider counters, same values.
    fn widen(&mut self) {
        let wider = match self {
            Counts::W16(v) => Counts::W32(v.iter().map(|&c| c as u32).collect()),
            Counts::W32(v) => Counts::W64(v.iter().map(|&c| c as u64).collect()),
            Counts::W64(_) => unreachable!("64-bit counters are the widest"),
        };
        *self = wider;
    }

    /// Re-lays the counters out over `len` slots with the old ones starting at `front`.
    fn regrow(&mut self, front: usize, len: usize) {
        fn move_to<T: Copy + Default>(v: &mut Vec<T>, front: usize, len: usize) {
            let mut out = Vec::with_capacity(len);
            out.resize(front, T::default());
            out.extend_from_slice(v);
            out.resize(len, T::default());
            *v = out;
        }
        match self {
            Counts::W16(v) => move_to(v, front, len),
            Counts::W32(v) => move_to(v, front, len),
            Counts::W64(v) => move_to(v, front, len),
        }
    }
}

impl Store {
    /// A store holding the ascending, non-zero `(index, count)` list `list` (already checked).
    pub fn from_sorted(list: &[(i32, u64)], range: (i32, i32)) -> Store {
        let mut s = Store::Sparse(list.to_vec());
        s.densify_if_smaller(range);
        s
    }

    /// The non-zero buckets, ascending index (reversible).
    pub fn nonzero(&self) -> Box<dyn DoubleEndedIterator<Item = (i32, u64)> + '_> {
        match self {
            Store::Sparse(v) => Box::new(v.iter().copied()),
            Store::Dense { lo, counts } => {
                let lo = *lo;
                Box::new(
                    (0..counts.len())
                        .map(move |i| (lo + i as i32, counts.get(i)))
                        .filter(|&(_, c)| c > 0),
                )
            }
        }
    }

    /// Heap bytes held (capacity).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Store::Sparse(v) => v.capacity() * std::mem::size_of::<(i32, u64)>(),
            Store::Dense { counts, .. } => counts.heap_bytes(),
        }
    }

    /// Whether the store is dense (for tests and benches; never changes a result).
    pub fn is_dense(&self) -> bool {
        matches!(self, Store::Dense { .. })
    }

    /// Adds `n > 0` to bucket `k`, `k` within the sketch's fixed index range `range`.
    #[inline]
    pub fn add(&mut self, k: i32, n: u64, range: (i32, i32)) {
        match self {
            Store::Dense { lo, counts } => {
                let i = k.wrapping_sub(*lo) as u32 as usize;
                if i < counts.len() {
                    while !counts.try_add(i, n) {
                        counts.widen();
                    }
                    return;
                }
                self.cover(k, k, range);
                self.add(k, n, range);
            }
            Store::Sparse(v) => match v.binary_search_by_key(&k, |e| e.0) {
                Ok(i) => v[i].1 += n,
                Err(i) => {
                    v.insert(i, (k, n));
                    self.densify_if_smaller(range);
                }
            },
        }
    }

    /// Adds all of `other`'s counts.
    pub fn merge(&mut self, other: &Store, range: (i32, i32)) {
        let (Some((first, _)), Some((last, _))) =
            (other.nonzero().next(), other.nonzero().next_back())
        else {
            return;
        };
        if let (Store::Sparse(a), Store::Sparse(b)) = (&mut *self, other) {
            *a = merge_counted(a, b, i32::cmp);
            self.densify_if_smaller(range);
            return;
        }
        if !self.is_dense() {
            self.make_dense(range);
        }
        self.cover(first, last, range);
        for (k, c) in other.nonzero() {
            self.add(k, c, range);
        }
    }

    /// Turns a sparse store dense when the dense array over its span would be no larger.
    fn densify_if_smaller(&mut self, range: (i32, i32)) {
        if let Store::Sparse(v) = self
            && let (Some(f), Some(l)) = (v.first(), v.last())
        {
            let span = (l.0 as i64 - f.0 as i64 + 1) as usize;
            if v.len() >= DENSE_MIN && v.len() * DENSE_FACTOR > span {
                self.make_dense(range);
            }
        }
    }

    /// The dense form of the same counts, spanning exactly the buckets in use.
    fn make_dense(&mut self, range: (i32, i32)) {
        let Store::Sparse(v) = self else { return };
        let v = std::mem::take(v);
        let (Some(f), Some(l)) = (v.first().copied(), v.last().copied()) else {
            *self = Store::Dense {
                lo: 0,
                counts: Counts::W16(Vec::new()),
            };
            return;
        };
        *self = Store::Dense {
            lo: f.0,
            counts: Counts::W16(vec![0; (l.0 - f.0 + 1) as usize]),
        };
        for (k, c) in v {
            self.add(k, c, range);
        }
    }

    /// Grows a dense store's range to cover `[a, b]`, with room to spare on the side(s) it grows.
    fn cover(&mut self, a: i32, b: i32, range: (i32, i32)) {
        let Store::Dense { lo, counts } = self else {
            return;
        };
        let len = counts.len() as i64;
        let (old_lo, old_hi) = (*lo as i64, *lo as i64 + len - 1);
        if len > 0 && a as i64 >= old_lo && b as i64 <= old_hi {
            return;
        }
        let (mut new_lo, mut new_hi) = if len == 0 {
            (a as i64, b as i64)
        } else {
            (old_lo.min(a as i64), old_hi.max(b as i64))
        };
        let slack = ((new_hi - new_lo + 1) / 8).max(16);
        if len > 0 && new_lo < old_lo {
            new_lo = (new_lo - slack).max(range.0 as i64);
        }
        if len > 0 && new_hi > old_hi {
            new_hi = (new_hi + slack).min(range.1 as i64);
        }
        let front = if len == 0 {
            0
        } else {
            (old_lo - new_lo) as usize
        };
        counts.regrow(front, (new_hi - new_lo + 1) as usize);
        *lo = new_lo as i32;
    }
}

/// The union of two lists of (key, count) sorted by `cmp`, the counts of equal keys added (the
/// sketch's sparse buckets, and the exact values of [`super::quantiles`]).
pub(crate) fn merge_counted<K: Copy>(
    a: &[(K, u64)],
    b: &[(K, u64)],
    cmp: impl Fn(&K, &K) -> Ordering,
) -> Vec<(K, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match cmp(&a[i].0, &b[j].0) {
            Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
