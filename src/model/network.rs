//! Citizens' social networks: who can meet whom.
//!
//! A network is either [`Network::Complete`] (complete mixing: everyone can meet everyone, no edges
//! stored) or a flat, undirected CSR adjacency ([`Csr`]): the neighbours of `i` are
//! `neighbours[offsets[i]..offsets[i + 1]]`, sorted ascending, each undirected edge stored in both
//! directions. Isolated nodes are allowed; they have no neighbours and simply never interact.
//!
//! Builders draw from an explicitly passed `&mut ChaCha8Rng` (in a run: the `network/<country>`
//! stream) through the portable samplers of [`super::rng`], so a network is a pure function of its
//! parameters and the stream.

use rand_chacha::ChaCha8Rng;

use super::rng::{below, bernoulli, ln, uniform01};

/// Why a network could not be built.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkError(pub String);

impl std::fmt::Display for NetworkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "network: {}", self.0)
    }
}

impl std::error::Error for NetworkError {}

/// An undirected social network over citizens `0..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    /// Complete mixing over `n` citizens; no edges are stored.
    Complete(u32),
    /// A stored adjacency (see [`Csr`]).
    Csr(Csr),
}

/// A CSR adjacency whose invariants hold by construction (the fields are private; every builder
/// checks or guarantees them): `offsets.len() == n + 1`, `offsets[0] == 0`, `offsets` non-decreasing,
/// `offsets[n] == neighbours.len()`, every neighbour `< n`; each list sorted, no self-loops, no
/// duplicates, symmetric. The hot loops rely on the first five to index without bounds checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    offsets: Vec<u32>,
    neighbours: Vec<u32>,
    /// Whether some node has no neighbour (computed once).
    isolated: bool,
}

impl Csr {
    /// `offsets` (length `n + 1`): the neighbours of `i` are `neighbours[offsets[i]..offsets[i + 1]]`.
    #[inline]
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// Every neighbour list, concatenated.
    #[inline]
    pub fn neighbours(&self) -> &[u32] {
        &self.neighbours
    }

    /// Number of nodes.
    #[inline]
    pub fn n(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// Whether some node has no neighbour.
    #[inline]
    pub fn has_isolated(&self) -> bool {
        self.isolated
    }

    fn new(offsets: Vec<u32>, neighbours: Vec<u32>) -> Csr {
        let isolated = offsets.windows(2).any(|w| w[0] == w[1]);
        Csr {
            offsets,
            neighbours,
            isolated,
        }
    }

    /// A uniformly random neighbour of `i < n` (`i` not isolated), drawn with one [`below`], without
    /// bounds checks.
    #[inline(always)]
    pub fn draw_neighbour(&self, i: usize, rng: &mut ChaCha8Rng) -> usize {
        debug_assert!(i < self.offsets.len() - 1);
        // SAFETY: i < n (callers draw i below n, the number of nodes), so i + 1 < offsets.len();
        // offsets are non-decreasing and offsets[n] == neighbours.len(), so start + k with
        // k < deg indexes neighbours (the struct's invariants, established by every builder).
        unsafe {
            let start = *self.offsets.get_unchecked(i);
            let deg = *self.offsets.get_unchecked(i + 1) - start;
            *self
                .neighbours
                .get_unchecked((start + below(rng, deg)) as usize) as usize
        }
    }

    /// Degree of `i < n`, without bounds checks.
    #[inline(always)]
    pub fn degree_of(&self, i: usize) -> u32 {
        debug_assert!(i < self.offsets.len() - 1);
        // SAFETY: as in `draw_neighbour`.
        unsafe { *self.offsets.get_unchecked(i + 1) - *self.offsets.get_unchecked(i) }
    }
}

impl Network {
    /// Complete mixing over `n` citizens.
    pub fn complete(n: u32) -> Self {
        Network::Complete(n)
    }

    /// Number of citizens.
    pub fn n(&self) -> u32 {
        match self {
            Network::Complete(n) => *n,
            Network::Csr(c) => c.n(),
        }
    }

    /// Degree of `i`.
    #[inline]
    pub fn degree(&self, i: u32) -> u32 {
        match self {
            Network::Complete(n) => n.saturating_sub(1),
            Network::Csr(c) => c.offsets[i as usize + 1] - c.offsets[i as usize],
        }
    }

    /// Number of undirected edges (`n(n-1)/2` for complete mixing).
    pub fn edge_count(&self) -> u64 {
        match self {
            Network::Complete(n) => u64::from(*n) * u64::from(n.saturating_sub(1)) / 2,
            Network::Csr(c) => c.neighbours.len() as u64 / 2,
        }
    }

    /// The sorted neighbour list of `i`, or `None` for complete mixing (nothing is stored).
    #[inline]
    pub fn neighbours(&self, i: u32) -> Option<&[u32]> {
        match self {
            Network::Complete(_) => None,
            Network::Csr(c) => Some(
                &c.neighbours[c.offsets[i as usize] as usize..c.offsets[i as usize + 1] as usize],
            ),
        }
    }

    /// A uniformly random neighbour of `i`, `None` if `i` is isolated (then nothing is drawn).
    /// Complete mixing: a uniform `j != i` (one draw of `below(n - 1)`, shifted past `i`).
    #[inline]
    pub fn random_neighbour(&self, i: u32, rng: &mut ChaCha8Rng) -> Option<u32> {
        match self {
            Network::Complete(n) => {
                if *n < 2 {
                    return None;
                }
                let j = below(rng, n - 1);
                Some(if j >= i { j + 1 } else { j })
            }
            Network::Csr(c) => {
                let start = c.offsets[i as usize];
                let deg = c.offsets[i as usize + 1] - start;
                if deg == 0 {
                    return None;
                }
                Some(c.neighbours[(start + below(rng, deg)) as usize])
            }
        }
    }

    /// A CSR network from undirected adjacency lists (`lists[i]` = neighbours of `i`). The lists
    /// must be symmetric, without self-loops or duplicates (checked); they are sorted here.
    pub fn from_adjacency(lists: &[Vec<u32>]) -> Result<Self, NetworkError> {
        let net = Self::from_lists(lists)?;
        for i in 0..lists.len() as u32 {
            for &j in net.neighbours(i).unwrap_or(&[]) {
                if net.neighbours(j).unwrap_or(&[]).binary_search(&i).is_err() {
                    return Err(NetworkError(format!("edge {i}-{j} not symmetric")));
                }
            }
        }
        Ok(net)
    }

    /// [`Network::from_adjacency`] without the symmetry check (for builders whose lists are
    /// symmetric by construction; still sorted, and checked for bounds, self-loops and duplicates).
    fn from_lists(lists: &[Vec<u32>]) -> Result<Self, NetworkError> {
        let n = lists.len();
        let total: usize = lists.iter().map(Vec::len).sum();
        if n >= u32::MAX as usize || total > u32::MAX as usize {
            return Err(NetworkError("too large for u32 indices".into()));
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbours = Vec::with_capacity(total);
        offsets.push(0u32);
        for (i, l) in lists.iter().enumerate() {
            let start = neighbours.len();
            neighbours.extend_from_slice(l);
            let s = &mut neighbours[start..];
            s.sort_unstable();
            if s.windows(2).any(|w| w[0] == w[1]) {
                return Err(NetworkError(format!("duplicate edge at node {i}")));
            }
            if s.iter().any(|&j| j as usize == i || j as usize >= n) {
                return Err(NetworkError(format!("self-loop or bad index at node {i}")));
            }
            offsets.push(neighbours.len() as u32);
        }
        Ok(Network::Csr(Csr::new(offsets, neighbours)))
    }

    /// A CSR network from a list of undirected edges `(u, v)`, `u != v`, each listed once.
    /// Counting sort: O(n + m).
    pub fn from_edges(n: u32, edges: &[(u32, u32)]) -> Result<Self, NetworkError> {
        if edges.len() > (u32::MAX / 2) as usize || n == u32::MAX {
            return Err(NetworkError("too large for u32 indices".into()));
        }
        let mut offsets = vec![0u32; n as usize + 1];
        for &(u, v) in edges {
            if u == v || u >= n || v >= n {
                return Err(NetworkError(format!("bad edge ({u}, {v})")));
            }
            offsets[u as usize + 1] += 1;
            offsets[v as usize + 1] += 1;
        }
        for i in 0..n as usize {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut neighbours = vec![0u32; edges.len() * 2];
        for &(u, v) in edges {
            neighbours[fill[u as usize] as usize] = v;
            fill[u as usize] += 1;
            neighbours[fill[v as usize] as usize] = u;
            fill[v as usize] += 1;
        }
        for i in 0..n as usize {
            let s = &mut neighbours[offsets[i] as usize..offsets[i + 1] as usize];
            s.sort_unstable();
            if s.windows(2).any(|w| w[0] == w[1]) {
                return Err(NetworkError(format!("duplicate edge at node {i}")));
            }
        }
        Ok(Network::Csr(Csr::new(offsets, neighbours)))
    }

    /// Watts–Strogatz small world (Watts & Strogatz 1998, Nature 393:440): a ring lattice of `n`
    /// nodes each joined to its `k/2` nearest neighbours on either side (`k` even, `k < n`), then
    /// rewired exactly as in the paper: lap `s = 1..=k/2` goes clockwise round the ring and, for
    /// each node `i`, with probability `p` reconnects the lattice edge `(i, i+s)` from `i` to a node
    /// chosen uniformly over the whole ring, excluding `i` itself and `i`'s current neighbours (no
    /// self-loops, no duplicates; rejection sampling). If `i` is already joined to everyone the
    /// edge is left alone. One `bernoulli(p)` draw per lattice edge, plus the draws of the new end.
    /// The degree sum stays `n k`; `p = 0` gives the lattice, `p = 1` a random graph.
    pub fn watts_strogatz(
        n: u32,
        k: u32,
        p: f64,
        rng: &mut ChaCha8Rng,
    ) -> Result<Self, NetworkError> {
        if k % 2 != 0 || k >= n.max(1) {
            return Err(NetworkError(format!(
                "watts_strogatz: k = {k} must be even and < n = {n}"
            )));
        }
        if !(0.0..=1.0).contains(&p) {
            return Err(NetworkError(format!(
                "watts_strogatz: p = {p} not in [0, 1]"
            )));
        }
        let half = k / 2;
        let mut adj = FlatAdj::lattice(n, half);
        for s in 1..=half {
            for i in 0..n {
                if !bernoulli(rng, p) {
                    continue;
                }
                let old = wrap(i + s, n);
                if adj.list(i).len() as u32 >= n - 1 {
                    continue;
                }
                let new = loop {
                    let c = below(rng, n);
                    if c != i && !adj.list(i).contains(&c) {
                        break c;
                    }
                };
                adj.replace(i, old, new);
                adj.remove(old, i);
                adj.push(new, i);
            }
        }
        // symmetric, without self-loops or duplicates by construction (every rewiring moves both
        // ends of an edge, to a node that is neither `i` nor one of its neighbours)
        Ok(adj.into_network())
    }

    /// Erdős–Rényi `G(n, p)`: every one of the `n(n-1)/2` pairs is an edge independently with
    /// probability `p`. Generated in O(n + m) by geometric skipping (Batagelj & Brandes 2005,
    /// "Efficient generation of large random networks", Phys. Rev. E 71:036113, algorithm G(n,p)):
    /// walking the lower triangle `(v, w)`, `w < v`, in row order, the gap to the next edge is
    /// `1 + floor(ln(1 - r) / ln(1 - p))` with `r` uniform in `[0, 1)` (portable `ln`).
    /// `p = 0` gives no edges, `p = 1` all edges, without drawing.
    pub fn erdos_renyi(n: u32, p: f64, rng: &mut ChaCha8Rng) -> Result<Self, NetworkError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(NetworkError(format!("erdos_renyi: p = {p} not in [0, 1]")));
        }
        let mut edges: Vec<(u32, u32)> = Vec::new();
        if p >= 1.0 {
            for v in 1..n {
                for w in 0..v {
                    edges.push((v, w));
                }
            }
        } else if p > 0.0 && n > 1 {
            let expected = p * f64::from(n) * f64::from(n - 1) / 2.0;
            edges.reserve((expected + 4.0 * expected.sqrt() + 16.0) as usize);
            let log_q = ln(1.0 - p);
            let n64 = i64::from(n);
            let (mut v, mut w): (i64, i64) = (1, -1);
            while v < n64 {
                let r = uniform01(rng);
                let skip = (ln(1.0 - r) / log_q).floor();
                // a skip past the end of the triangle ends the walk (also guards the i64 cast)
                if skip >= (n64 * n64) as f64 {
                    break;
                }
                w += 1 + skip as i64;
                while w >= v && v < n64 {
                    w -= v;
                    v += 1;
                }
                if v < n64 {
                    edges.push((v as u32, w as u32));
                }
            }
        }
        Self::from_edges(n, &edges)
    }
}

/// `v mod n` for `v < 2n` (without a division).
#[inline]
fn wrap(v: u32, n: u32) -> u32 {
    if v >= n { v - n } else { v }
}

/// Adjacency lists in one flat buffer with a fixed capacity per node (doubled, and the lists
/// moved, in the rare case a node outgrows it), for building networks edge by edge without one
/// allocation per node. Lists are sets: their order is not kept.
struct FlatAdj {
    cap: usize,
    len: Vec<u32>,
    data: Vec<u32>,
}

impl FlatAdj {
    /// The ring lattice: `i` joined to `i ± s` for `s = 1..=half` (`2 half < n`).
    fn lattice(n: u32, half: u32) -> FlatAdj {
        let cap = 2 * half as usize + 4;
        let mut data = vec![0u32; n as usize * cap];
        for i in 0..n {
            let row = &mut data[i as usize * cap..];
            for s in 1..=half {
                row[2 * (s as usize - 1)] = wrap(i + s, n);
                row[2 * (s as usize - 1) + 1] = wrap(i + n - s, n);
            }
        }
        FlatAdj {
            cap,
            len: vec![2 * half; n as usize],
            data,
        }
    }

    #[inline]
    fn list(&self, i: u32) -> &[u32] {
        let start = i as usize * self.cap;
        &self.data[start..start + self.len[i as usize] as usize]
    }

    #[inline]
    fn list_mut(&mut self, i: u32) -> &mut [u32] {
        let start = i as usize * self.cap;
        &mut self.data[start..start + self.len[i as usize] as usize]
    }

    fn push(&mut self, i: u32, v: u32) {
        if self.len[i as usize] as usize == self.cap {
            self.grow();
        }
        let at = i as usize * self.cap + self.len[i as usize] as usize;
        self.data[at] = v;
        self.len[i as usize] += 1;
    }

    /// Replaces `old` by `new` in `i`'s list (`old` must be there).
    fn replace(&mut self, i: u32, old: u32, new: u32) {
        let l = self.list_mut(i);
        let pos = l.iter().position(|&x| x == old).expect("edge present");
        l[pos] = new;
    }

    /// Removes `v` from `i`'s list (`v` must be there).
    fn remove(&mut self, i: u32, v: u32) {
        let l = self.list_mut(i);
        let last = l.len() - 1;
        let pos = l.iter().position(|&x| x == v).expect("edge present");
        l.swap(pos, last);
        self.len[i as usize] -= 1;
    }

    fn grow(&mut self) {
        let (old, cap) = (self.cap, self.cap * 2);
        let mut data = vec![0u32; self.len.len() * cap];
        for (i, &l) in self.len.iter().enumerate() {
            data[i * cap..i * cap + l as usize]
                .copy_from_slice(&self.data[i * old..i * old + l as usize]);
        }
        self.cap = cap;
        self.data = data;
    }

    /// The CSR network (each list sorted). The lists must be symmetric, without self-loops or
    /// duplicates (checked in debug builds).
    fn into_network(self) -> Network {
        let n = self.len.len();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        let mut neighbours = Vec::with_capacity(self.len.iter().map(|&l| l as usize).sum());
        for i in 0..n {
            let start = neighbours.len();
            neighbours.extend_from_slice(self.list(i as u32));
            let s = &mut neighbours[start..];
            s.sort_unstable();
            debug_assert!(s.windows(2).all(|w| w[0] < w[1]) && !s.contains(&(i as u32)));
            offsets.push(neighbours.len() as u32);
        }
        Network::Csr(Csr::new(offsets, neighbours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::Streams;

    fn rng(name: &str) -> ChaCha8Rng {
        Streams::new(11, 0).get(name)
    }

    fn check_simple(net: &Network) {
        let n = net.n();
        for i in 0..n {
            let l = net.neighbours(i).unwrap();
            assert!(l.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
            assert!(!l.contains(&i), "no self-loop");
            for &j in l {
                assert!(
                    net.neighbours(j).unwrap().binary_search(&i).is_ok(),
                    "symmetric"
                );
            }
        }
    }

    #[test]
    fn ws_p0_is_the_ring_lattice() {
        let net = Network::watts_strogatz(20, 4, 0.0, &mut rng("t")).unwrap();
        check_simple(&net);
        for i in 0..20u32 {
            let mut want = [(i + 1) % 20, (i + 2) % 20, (i + 19) % 20, (i + 18) % 20];
            want.sort();
            assert_eq!(net.neighbours(i).unwrap(), &want[..]);
        }
    }

    /// The flat builder gives the same network as the plain algorithm on `Vec<Vec<u32>>` lists (the
    /// draws and the rewiring are the same; only the storage differs), also when nodes outgrow the
    /// flat buffer's first capacity.
    #[test]
    fn ws_flat_builder_equals_the_plain_algorithm() {
        fn plain(n: u32, k: u32, p: f64, rng: &mut ChaCha8Rng) -> Network {
            let half = k / 2;
            let mut adj: Vec<Vec<u32>> = (0..n)
                .map(|i| {
                    (1..=half)
                        .flat_map(|s| [(i + s) % n, (i + n - s) % n])
                        .collect()
                })
                .collect();
            for s in 1..=half {
                for i in 0..n {
                    if !bernoulli(rng, p) || adj[i as usize].len() as u32 >= n - 1 {
                        continue;
                    }
                    let old = (i + s) % n;
                    let new = loop {
                        let c = below(rng, n);
                        if c != i && !adj[i as usize].contains(&c) {
                            break c;
                        }
                    };
                    let a = &mut adj[i as usize];
                    let pos = a.iter().position(|&x| x == old).unwrap();
                    a[pos] = new;
                    let b = &mut adj[old as usize];
                    let pos = b.iter().position(|&x| x == i).unwrap();
                    b.swap_remove(pos);
                    adj[new as usize].push(i);
                }
            }
            Network::from_adjacency(&adj).unwrap()
        }
        let mut grew = false;
        for (n, k, p) in [
            (300, 6, 0.1),
            (300, 6, 1.0),
            (60, 2, 1.0),
            (40, 4, 0.7),
            (7, 6, 1.0),
        ] {
            for seed in 0..4 {
                let a =
                    Network::watts_strogatz(n, k, p, &mut Streams::new(seed, 0).get("w")).unwrap();
                let b = plain(n, k, p, &mut Streams::new(seed, 0).get("w"));
                assert_eq!(a, b, "n {n} k {k} p {p} seed {seed}");
                grew |= (0..n).any(|i| a.degree(i) > k + 4);
            }
        }
        assert!(grew, "no case exercised the flat buffer's growth");
    }

    #[test]
    fn ws_rewired_keeps_degree_sum_and_is_simple() {
        for p in [0.1, 0.5, 1.0] {
            let net = Network::watts_strogatz(1000, 6, p, &mut rng("ws")).unwrap();
            check_simple(&net);
            let sum: u64 = (0..1000).map(|i| u64::from(net.degree(i))).sum();
            assert_eq!(sum, 6000);
            assert_eq!(net.edge_count(), 3000);
            // the fraction of rewired edges is about p (edges no longer of lattice length <= 3)
            let mut long = 0;
            for i in 0..1000u32 {
                for &j in net.neighbours(i).unwrap() {
                    let d = i.abs_diff(j);
                    if d.min(1000 - d) > 3 {
                        long += 1;
                    }
                }
            }
            let frac = f64::from(long) / 6000.0;
            // a rewired edge lands on a lattice distance <= 3 with prob ~6/1000
            assert!((frac - p).abs() < 0.05, "p {p} long fraction {frac}");
        }
        // k = n - 1 rejected for odd k; small complete lattice with k = n - 2 rewires nothing
        assert!(Network::watts_strogatz(10, 3, 0.1, &mut rng("x")).is_err());
        assert!(Network::watts_strogatz(4, 4, 0.1, &mut rng("x")).is_err());
        let net = Network::watts_strogatz(5, 4, 1.0, &mut rng("x")).unwrap();
        assert_eq!(net.edge_count(), 10);
    }

    #[test]
    fn er_mean_degree_close_to_expected() {
        let n = 2000u32;
        let p = 0.005;
        let net = Network::erdos_renyi(n, p, &mut rng("er")).unwrap();
        check_simple(&net);
        let expected = p * f64::from(n - 1); // 9.995
        let mean = 2.0 * net.edge_count() as f64 / f64::from(n);
        // sd of the edge count is sqrt(N p (1-p)) ~ 100 of ~ 10,000 edges: 1% of the mean
        assert!(
            (mean - expected).abs() < 0.05 * expected,
            "{mean} vs {expected}"
        );
        // edge presence is uniform over pairs: the two halves of the node set get equal shares
        let low: u64 = (0..n / 2).map(|i| u64::from(net.degree(i))).sum();
        let high: u64 = (n / 2..n).map(|i| u64::from(net.degree(i))).sum();
        let r = low as f64 / high as f64;
        assert!((r - 1.0).abs() < 0.05, "{r}");
        assert_eq!(
            Network::erdos_renyi(50, 0.0, &mut rng("er"))
                .unwrap()
                .edge_count(),
            0
        );
        assert_eq!(
            Network::erdos_renyi(50, 1.0, &mut rng("er"))
                .unwrap()
                .edge_count(),
            1225
        );
    }

    #[test]
    fn random_neighbour_uniform_and_isolated() {
        let net = Network::from_edges(4, &[(0, 1), (0, 2), (0, 3)]).unwrap();
        let mut r = rng("nb");
        let mut counts = [0u32; 4];
        for _ in 0..30_000 {
            counts[net.random_neighbour(0, &mut r).unwrap() as usize] += 1;
        }
        assert_eq!(counts[0], 0);
        for c in &counts[1..] {
            assert!((9_500..10_500).contains(c), "{counts:?}");
        }
        let iso = Network::from_edges(3, &[(0, 1)]).unwrap();
        assert_eq!(iso.random_neighbour(2, &mut r), None);
        let comp = Network::complete(5);
        let mut counts = [0u32; 5];
        for _ in 0..40_000 {
            counts[comp.random_neighbour(2, &mut r).unwrap() as usize] += 1;
        }
        assert_eq!(counts[2], 0);
        assert!(
            counts
                .iter()
                .enumerate()
                .all(|(k, &c)| k == 2 || (9_500..10_500).contains(&c))
        );
        assert_eq!(Network::complete(1).random_neighbour(0, &mut r), None);
        assert!(Network::from_adjacency(&[vec![1], vec![]]).is_err());
    }

    #[test]
    fn builders_are_deterministic() {
        let a = Network::watts_strogatz(500, 6, 0.2, &mut rng("d")).unwrap();
        let b = Network::watts_strogatz(500, 6, 0.2, &mut rng("d")).unwrap();
        assert_eq!(a, b);
        let a = Network::erdos_renyi(500, 0.02, &mut rng("d")).unwrap();
        let b = Network::erdos_renyi(500, 0.02, &mut rng("d")).unwrap();
        assert_eq!(a, b);
    }
}
