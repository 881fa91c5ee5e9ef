//! Electoral institutions: from list votes to seats and a government. Pure functions on plain numbers
//! (no world, no randomness), so each rule can be checked against published results.
//!
//! Order (docs/model.md 7.15): thresholds (parties and alliances) and a minimum number of lists in
//! parliament; proportional allocation of the seats (D'Hondt, Sainte-Laguë, Hare largest remainder,
//! Hare with the seats left to the largest lists) and of reserved seats; government formation (a list
//! with a seat majority, else a minimal winning coalition, else a second round, else a minority
//! government of the list with the most votes); the stable-majority bonus; the opposition minimum.

use crate::scenario::schema::SeatMethod;

/// The allocation of `seats` among lists by `method`, on integer vote counts. Lists with 0 votes get no
/// seat. Ties go to the list listed first.
pub fn allocate(votes: &[u64], seats: u32, method: SeatMethod) -> Vec<u32> {
    let n = votes.len();
    let mut out = vec![0u32; n];
    let total: u64 = votes.iter().sum();
    if total == 0 || seats == 0 {
        return out;
    }
    match method {
        SeatMethod::DHondt | SeatMethod::SainteLague => {
            // Highest averages: each seat to the largest v / divisor(s), compared exactly as
            // v_a × d_b > v_b × d_a in 128-bit integers.
            let div = |s: u32| -> u128 {
                match method {
                    SeatMethod::DHondt => u128::from(s) + 1,
                    _ => 2 * u128::from(s) + 1,
                }
            };
            for _ in 0..seats {
                let mut best: Option<usize> = None;
                for k in 0..n {
                    if votes[k] == 0 {
                        continue;
                    }
                    best = match best {
                        None => Some(k),
                        Some(b) => {
                            let lhs = u128::from(votes[k]) * div(out[b]);
                            let rhs = u128::from(votes[b]) * div(out[k]);
                            if lhs > rhs { Some(k) } else { Some(b) }
                        }
                    };
                }
                match best {
                    Some(b) => out[b] += 1,
                    None => break,
                }
            }
        }
        SeatMethod::LargestRemainder | SeatMethod::HareLargestLists => {
            // Hare quota: exact integer parts of v × seats / total; remainders v × seats mod total.
            let mut rem = vec![0u128; n];
            let mut given = 0u32;
            for k in 0..n {
                let num = u128::from(votes[k]) * u128::from(seats);
                out[k] = (num / u128::from(total)) as u32;
                rem[k] = num % u128::from(total);
                given += out[k];
            }
            let mut order: Vec<usize> = (0..n).filter(|&k| votes[k] > 0).collect();
            match method {
                SeatMethod::LargestRemainder => order.sort_by(|&a, &b| rem[b].cmp(&rem[a])),
                _ => order.sort_by(|&a, &b| votes[b].cmp(&votes[a])),
            }
            // Stable sorts keep the listed order on ties. At most n seats are left over.
            for &k in order.iter().cycle().take((seats - given) as usize) {
                out[k] += 1;
            }
        }
    }
    out
}

/// Which lists take part in the seat distribution: those at or above their own threshold, then, if
/// fewer than `min_lists` did, the lists with the most votes (ties: listed first) until `min_lists`
/// take part. Lists with no votes never take part.
pub fn entering(shares: &[f64], thresholds: &[f64], min_lists: usize) -> Vec<bool> {
    let mut entered: Vec<bool> = shares
        .iter()
        .zip(thresholds)
        .map(|(&s, &t)| s > 0.0 && s >= t)
        .collect();
    let mut order: Vec<usize> = (0..shares.len()).filter(|&k| shares[k] > 0.0).collect();
    order.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]));
    for k in order {
        if entered.iter().filter(|&&e| e).count() >= min_lists {
            break;
        }
        entered[k] = true;
    }
    entered
}

/// The threshold of a list: the party threshold, or for an alliance of `members` parties the alliance
/// entry with the largest `members` not above it (`by_size`: (members, threshold)); none applies: the
/// party threshold.
pub fn threshold_for(members: u32, party: f64, by_size: &[(u32, f64)]) -> f64 {
    if members < 2 {
        return party;
    }
    by_size
        .iter()
        .filter(|(m, _)| *m <= members)
        .max_by_key(|(m, _)| *m)
        .map_or(party, |(_, t)| *t)
}

/// Seats needed so that `side` (holding `side` of `total` seats) reaches at least `share` when the
/// seats are added to it: the smallest `k ≥ 0` with `(side + k) ≥ share × (total + k)` (`share < 1`).
pub fn seats_to_reach(side: u32, total: u32, share: f64) -> u32 {
    if share >= 1.0 || share.is_nan() || share <= 0.0 {
        return 0;
    }
    let need = (share * f64::from(total) - f64::from(side)) / (1.0 - share);
    if need <= 1e-9 {
        0
    } else {
        // A tolerance so that a share written as a rounded fraction (1/3) is met exactly.
        (need - 1e-9).ceil() as u32
    }
}

/// A coalition chosen by [`coalition`]: members (list indices) and its policy range.
#[derive(Debug, Clone, PartialEq)]
pub struct Coalition {
    pub members: Vec<usize>,
    pub range: f64,
}

/// The minimal winning coalition chosen among the lists with seats (`seats[k] > 0`): a seat majority
/// (more than half of `total`) that loses it when any member leaves (Riker 1962); with `position`
/// (minimal connected winning, Axelrod 1970) it must also be connected (no list with seats whose
/// position lies strictly between two members' is left out), and a member may stay if the rest
/// would be disconnected without it. At most `max_parties` members (0: any); every pair at most
/// `max_distance` apart (`distance(a, b)`). Coalitions with `formateur` come first (if any
/// qualifies); among them the smallest range (largest pairwise distance, or the span of positions
/// when connected), then the fewest seats, then the fewest members, then the first in enumeration
/// order. At most 20 lists with seats are considered (2^20 subsets); none qualifies: `None`.
#[allow(clippy::too_many_arguments)]
pub fn coalition(
    seats: &[u32],
    total: u32,
    formateur: usize,
    max_parties: usize,
    max_distance: f64,
    distance: &dyn Fn(usize, usize) -> f64,
    position: Option<&[f64]>,
) -> Option<Coalition> {
    let lists: Vec<usize> = (0..seats.len()).filter(|&k| seats[k] > 0).collect();
    if lists.len() > 20 {
        return None;
    }
    let winning =
        |m: &[usize]| 2 * u64::from(m.iter().map(|&k| seats[k]).sum::<u32>()) > u64::from(total);
    let connected = |m: &[usize]| match position {
        None => true,
        Some(pos) => {
            let lo = m.iter().map(|&k| pos[k]).fold(f64::INFINITY, f64::min);
            let hi = m.iter().map(|&k| pos[k]).fold(f64::NEG_INFINITY, f64::max);
            !lists
                .iter()
                .any(|&k| !m.contains(&k) && pos[k] > lo && pos[k] < hi)
        }
    };
    let mut best: Option<(bool, f64, u32, usize, Vec<usize>)> = None;
    for mask in 1u32..(1u32 << lists.len()) {
        let members: Vec<usize> = (0..lists.len())
            .filter(|&j| mask & (1 << j) != 0)
            .map(|j| lists[j])
            .collect();
        if max_parties > 0 && members.len() > max_parties {
            continue;
        }
        if !winning(&members) || !connected(&members) {
            continue;
        }
        let minimal = members.iter().all(|&k| {
            let rest: Vec<usize> = members.iter().copied().filter(|&j| j != k).collect();
            !(winning(&rest) && connected(&rest))
        });
        if !minimal {
            continue;
        }
        let mut range = 0.0f64;
        let mut ok = true;
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                let d = distance(a, b);
                ok &= d <= max_distance + 1e-12;
                range = range.max(d);
            }
        }
        if !ok {
            continue;
        }
        if let Some(pos) = position {
            let lo = members
                .iter()
                .map(|&k| pos[k])
                .fold(f64::INFINITY, f64::min);
            let hi = members
                .iter()
                .map(|&k| pos[k])
                .fold(f64::NEG_INFINITY, f64::max);
            range = hi - lo;
        }
        let sum: u32 = members.iter().map(|&k| seats[k]).sum();
        let with_formateur = members.contains(&formateur);
        let better = match &best {
            None => true,
            Some((f, r, s, m, _)) => {
                if with_formateur != *f {
                    with_formateur
                } else if range != *r {
                    range < *r
                } else if sum != *s {
                    sum < *s
                } else {
                    members.len() < *m
                }
            }
        };
        if better {
            best = Some((with_formateur, range, sum, members.len(), members));
        }
    }
    best.map(|(_, range, _, _, members)| Coalition { members, range })
}

/// Who governs after an election, and how.
#[derive(Debug, Clone, PartialEq)]
pub enum Government {
    /// A list with a seat majority.
    Majority(usize),
    /// A coalition (members; the first is the member with the most votes, who leads it).
    Coalition(Vec<usize>),
    /// A second round's winner.
    Runoff(usize),
    /// The list with the most votes, without a majority.
    Minority(usize),
    /// No list took part in the seat distribution.
    None,
}

impl Government {
    /// The leading list (whose party the state follows).
    pub fn lead(&self) -> Option<usize> {
        match self {
            Government::Majority(k) | Government::Runoff(k) | Government::Minority(k) => Some(*k),
            Government::Coalition(m) => m.first().copied(),
            Government::None => None,
        }
    }
    /// Every governing list.
    pub fn members(&self) -> Vec<usize> {
        match self {
            Government::Coalition(m) => m.clone(),
            g => g.lead().into_iter().collect(),
        }
    }
    /// Whether the government is backed by the stable-majority rule (a majority, a coalition or a
    /// second round), so that the bonus applies.
    pub fn stable(&self) -> bool {
        matches!(
            self,
            Government::Majority(_) | Government::Coalition(_) | Government::Runoff(_)
        )
    }
}

/// The list with the most votes among `among` (ties: listed first).
pub fn most_votes(votes: &[u64], among: impl Iterator<Item = usize>) -> Option<usize> {
    let mut best: Option<usize> = None;
    for k in among {
        if best.is_none_or(|b| votes[k] > votes[b]) {
            best = Some(k);
        }
    }
    best
}

/// The two lists with the most votes among the entered ones (ties: listed first).
pub fn top_two(votes: &[u64], entered: &[bool]) -> Option<(usize, usize)> {
    let a = most_votes(votes, (0..votes.len()).filter(|&k| entered[k]))?;
    let b = most_votes(votes, (0..votes.len()).filter(|&k| entered[k] && k != a))?;
    Some((a, b))
}

/// Adds the stable-majority bonus to the government's lead list: the fewest seats that bring the
/// governing lists to `share` of all seats. Returns the seats added.
pub fn add_bonus(seats: &mut [u32], government: &Government, share: f64) -> u32 {
    let Some(lead) = government.lead() else {
        return 0;
    };
    let side: u32 = government.members().iter().map(|&k| seats[k]).sum();
    let total: u32 = seats.iter().sum();
    let k = seats_to_reach(side, total, share);
    seats[lead] += k;
    k
}

/// Adds seats to the opposition (entered lists outside the government) so that it holds at least
/// `share` of all seats: its new total (current + the fewest seats needed) is divided among its lists
/// by `method` on their votes, and no list loses a seat. Returns the seats added.
pub fn add_opposition(
    seats: &mut [u32],
    votes: &[u64],
    entered: &[bool],
    government: &Government,
    share: f64,
    method: SeatMethod,
) -> u32 {
    let members = government.members();
    let opp: Vec<usize> = (0..seats.len())
        .filter(|&k| entered[k] && !members.contains(&k))
        .collect();
    if opp.is_empty() {
        return 0;
    }
    let side: u32 = opp.iter().map(|&k| seats[k]).sum();
    let total: u32 = seats.iter().sum();
    let k = seats_to_reach(side, total, share);
    if k == 0 {
        return 0;
    }
    let opp_votes: Vec<u64> = opp.iter().map(|&j| votes[j]).collect();
    let new = allocate(&opp_votes, side + k, method);
    let before: u32 = seats.iter().sum();
    for (i, &j) in opp.iter().enumerate() {
        seats[j] = seats[j].max(new[i]);
    }
    seats.iter().sum::<u32>() - before
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeatMethod::*;

    /// staatsrecht.honikel.de worked example (10 seats; A 6100, B 5000, C 900 votes):
    /// D'Hondt 6/4/0, Sainte-Laguë 5/4/1, largest remainder 5/4/1.
    #[test]
    fn worked_example_of_the_three_classic_methods() {
        let v = [6100, 5000, 900];
        assert_eq!(allocate(&v, 10, DHondt), vec![6, 4, 0]);
        assert_eq!(allocate(&v, 10, SainteLague), vec![5, 4, 1]);
        assert_eq!(allocate(&v, 10, LargestRemainder), vec![5, 4, 1]);
    }

    #[test]
    fn leftover_seats_go_to_the_largest_lists_under_hare_largest_lists() {
        // Quotas 5.08 / 4.17 / 0.75: one seat left, to A (most votes), not C (largest remainder).
        assert_eq!(
            allocate(&[6100, 5000, 900], 10, HareLargestLists),
            vec![6, 4, 0]
        );
    }

    #[test]
    fn alliance_thresholds_depend_on_size() {
        let by = [(2, 0.08), (4, 0.10)];
        assert_eq!(threshold_for(1, 0.04, &by), 0.04);
        assert_eq!(threshold_for(3, 0.04, &by), 0.08);
        assert_eq!(threshold_for(4, 0.04, &by), 0.10);
        assert_eq!(threshold_for(9, 0.04, &by), 0.10);
        assert_eq!(threshold_for(3, 0.04, &[]), 0.04);
    }

    #[test]
    fn a_party_passes_where_an_alliance_of_the_same_share_fails() {
        let shares = [0.5, 0.06, 0.06, 0.38];
        let th = [0.04, 0.04, threshold_for(3, 0.04, &[(2, 0.08)]), 0.04];
        assert_eq!(entering(&shares, &th, 0), vec![true, true, false, true]);
    }

    #[test]
    fn the_minimum_number_of_lists_admits_the_next_largest() {
        let shares = [0.54, 0.21, 0.052, 0.04];
        let th = [0.05, 0.07, 0.07, 0.05];
        assert_eq!(entering(&shares, &th, 0), vec![true, true, false, false]);
        assert_eq!(entering(&shares, &th, 3), vec![true, true, true, false]);
    }

    #[test]
    fn bonus_seats_bring_the_side_to_the_share() {
        // 55 of 101 seats: to reach 54% of 101 + k needs k with 55 + k ≥ 0.54 (101 + k): k = 0
        // (55/101 = 54.46%); 52 of 101 needs 52 + k ≥ 0.54 (101 + k): k = 5 (57/106 = 53.8% < 54%,
        // so 6: 58/107 = 54.2%).
        assert_eq!(seats_to_reach(55, 101, 0.54), 0);
        assert_eq!(seats_to_reach(52, 101, 0.54), 6);
        assert_eq!(seats_to_reach(34, 105, 1.0 / 3.0), 2);
    }

    #[test]
    fn minimal_winning_coalitions_prefer_the_formateur_then_the_closest() {
        // Seats 40 / 30 / 20 / 11 (101): no majority. Platforms on a line at 0, 1, 0.9, 0.1.
        let seats = [40, 30, 20, 11];
        let pos: [f64; 4] = [0.0, 1.0, 0.9, 0.1];
        let dist = |a: usize, b: usize| -> f64 { (pos[a] - pos[b]).abs() };
        // With the formateur (list 0) the minimal winning ones are {0,1} (range 1), {0,2} (0.9),
        // {0,3} (51 seats, range 0.1): the closest.
        let c = coalition(&seats, 101, 0, 0, 1.0, &dist, None).unwrap();
        assert_eq!(c.members, vec![0, 3]);
        // Lists 0 and 3 incompatible: {0,2} is the closest left with the formateur.
        let dist2 = |a: usize, b: usize| -> f64 {
            if (a.min(b), a.max(b)) == (0, 3) {
                2.0
            } else {
                (pos[a] - pos[b]).abs()
            }
        };
        let c = coalition(&seats, 101, 0, 0, 0.95, &dist2, None).unwrap();
        assert_eq!(c.members, vec![0, 2]);
        // Nothing with the formateur within 0.5: the others' {1,2,3} (61 seats) spans 0.9: none.
        assert_eq!(coalition(&seats, 101, 0, 0, 0.5, &dist2, None), None);
        // Within 0.9 and without list 0 in reach: {1,2,3} is the minority coalition.
        let dist3 = |a: usize, b: usize| -> f64 {
            if a == 0 || b == 0 {
                2.0
            } else {
                (pos[a] - pos[b]).abs()
            }
        };
        let c = coalition(&seats, 101, 0, 0, 0.9, &dist3, None).unwrap();
        assert_eq!(c.members, vec![1, 2, 3]);
        // At most two parties: none then.
        assert_eq!(coalition(&seats, 101, 0, 2, 0.9, &dist3, None), None);
    }

    #[test]
    fn minimal_connected_coalitions_keep_the_lists_in_between() {
        // Seats 45 / 30 / 22 / 4 at 0, 1, 0.6, 0.3. Closest platforms: {0,2} (67 seats, range 0.6).
        // Connected: {0,2} skips list 3 (0.3); {0,3,2} is minimal connected winning (without 3 it is
        // disconnected, without 0 or 2 it loses; Axelrod 1970).
        let seats = [45, 30, 22, 4];
        let pos: [f64; 4] = [0.0, 1.0, 0.6, 0.3];
        let dist = |a: usize, b: usize| -> f64 { (pos[a] - pos[b]).abs() };
        let c = coalition(&seats, 101, 0, 0, 1.0, &dist, None).unwrap();
        assert_eq!(c.members, vec![0, 2]);
        let c = coalition(&seats, 101, 0, 0, 1.0, &dist, Some(&pos)).unwrap();
        assert_eq!(c.members, vec![0, 2, 3]);
    }

    #[test]
    fn opposition_top_up_divides_the_new_total_by_votes() {
        // Armenia 2021 after the reserved seats: 71 / 28 / 6 (105); the government holds 67.6%.
        let mut seats = vec![71, 28, 6];
        let votes = [688_761, 269_481, 66_650];
        let added = add_opposition(
            &mut seats,
            &votes,
            &[true, true, true],
            &Government::Majority(0),
            1.0 / 3.0,
            LargestRemainder,
        );
        assert_eq!(added, 2);
        assert_eq!(seats, vec![71, 29, 7]);
    }

    #[test]
    fn the_bonus_goes_to_the_lead_of_a_coalition() {
        let mut seats = vec![30, 25, 46];
        let g = Government::Coalition(vec![2, 1]);
        let added = add_bonus(&mut seats, &g, 0.54);
        // side 71 of 101 already above 54%: nothing.
        assert_eq!(added, 0);
        let mut seats = vec![48, 5, 48];
        let g = Government::Runoff(2);
        let added = add_bonus(&mut seats, &g, 0.54);
        assert_eq!(seats[2], 48 + added);
        let total: u32 = seats.iter().sum();
        assert!(f64::from(seats[2]) >= 0.54 * f64::from(total));
        assert!(f64::from(seats[2] - 1) < 0.54 * f64::from(total - 1));
    }
}
