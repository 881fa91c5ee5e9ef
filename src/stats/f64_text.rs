//! Serde helpers that write `f64` as its shortest round-trip decimal text
//! (e.g. `"0.005"`, `"1e300"`, `"-inf"`), so that values survive a JSON round
//! trip bit-exactly regardless of the JSON library's float parsing precision
//! and non-finite values remain representable.

use serde::{Deserialize, Deserializer, Serializer};

/// Serializes `x` as text (Rust's `{:?}` formatting, which round-trips).
pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{x:?}"))
}

/// Parses text written by [`serialize`] (Rust's correctly rounded parser).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<f64>().map_err(serde::de::Error::custom)
}

/// The same for `Option<f64>` (`None` as `null`).
pub mod option {
    use super::*;

    /// Serializes `Some(x)` as text, `None` as none/null.
    pub fn serialize<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(v) => s.collect_str(&format_args!("{v:?}")),
            None => s.serialize_none(),
        }
    }

    /// Inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(t) => t.parse::<f64>().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct W {
        #[serde(with = "super")]
        x: f64,
        #[serde(with = "super::option")]
        y: Option<f64>,
    }

    fn roundtrip(w: &W) -> W {
        serde_json::from_str(&serde_json::to_string(w).unwrap()).unwrap()
    }

    #[test]
    fn readable_and_special_values() {
        let w = W { x: 0.005, y: None };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"x":"0.005","y":null}"#
        );
        for x in [f64::INFINITY, f64::NEG_INFINITY, -0.0, 5e-324, f64::MAX] {
            let back = roundtrip(&W { x, y: Some(x) });
            assert_eq!(back.x.to_bits(), x.to_bits());
            assert_eq!(back.y.unwrap().to_bits(), x.to_bits());
        }
        assert!(serde_json::from_str::<W>(r#"{"x":"abc","y":null}"#).is_err());
    }

    proptest! {
        #[test]
        fn any_finite_f64_roundtrips_bit_exactly(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(!x.is_nan());
            let back = roundtrip(&W { x, y: Some(x) });
            prop_assert_eq!(back.x.to_bits(), bits);
            prop_assert_eq!(back.y.map(f64::to_bits), Some(bits));
        }
    }
}
