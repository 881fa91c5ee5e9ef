//! The mutation corpus: random byte-level edits of a scenario text (flips, deletions, insertions of
//! RON punctuation, swapped lines, truncation), as a proptest strategy. Used by tests/loader.rs
//! (mutated scenarios never panic the loader) and tests/ron_differential.rs (our reader and the
//! `ron` crate agree on them).

use proptest::prelude::*;

/// A mutation of a text's bytes.
#[derive(Debug, Clone)]
pub enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    SwapLines(usize, usize),
    Truncate(usize),
}

/// `text` with the mutations applied in order (invalid UTF-8 replaced, as a file read lossily).
pub fn apply(text: &str, muts: &[Mutation]) -> String {
    let mut b = text.as_bytes().to_vec();
    for m in muts {
        let n = b.len().max(1);
        match m {
            Mutation::Flip(i, x) => {
                if !b.is_empty() {
                    b[i % n] ^= x;
                }
            }
            Mutation::Delete(i, len) => {
                let s = (i % n).min(b.len());
                let e = (s + len).min(b.len());
                b.drain(s..e);
            }
            Mutation::Insert(i, bytes) => {
                let s = (i % n).min(b.len());
                b.splice(s..s, bytes.iter().copied());
            }
            Mutation::SwapLines(i, j) => {
                let s = String::from_utf8_lossy(&b).into_owned();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let k = lines.len();
                lines.swap(i % k, j % k);
                b = lines.join("\n").into_bytes();
            }
            Mutation::Truncate(i) => b.truncate(i % n),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// One random mutation.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<usize>(), 1usize..40).prop_map(|(i, l)| Mutation::Delete(i, l)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![
                    Just(b'('),
                    Just(b')'),
                    Just(b'['),
                    Just(b']'),
                    Just(b','),
                    Just(b':'),
                    Just(b'"'),
                    Just(b'-'),
                    Just(b'9'),
                    Just(b'.'),
                    Just(b'e'),
                    Just(b'\\'),
                    Just(b'/'),
                    Just(b'*'),
                    any::<u8>()
                ],
                1..8
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}
