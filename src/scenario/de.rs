//! A serde `Deserializer` over the spanned tree ([`Node`]), so that the typed schema is read with every
//! error located at the offending value.
//!
//! Mapping (as ron does it): a struct `(a: 1)` or named struct `Name(a: 1)` is a struct (the name is not
//! checked); a bare identifier is a unit enum variant; `Name(..)` is a newtype, tuple or struct variant;
//! a newtype variant whose content is a struct may be written with the struct's fields directly
//! (`Disinformation(countries: [..])`, like ron's `unwrap_variant_newtypes`); `Option` takes `Some(x)`,
//! `None` or a bare value (implicit `Some`); integers are range-checked; integers are accepted where
//! numbers are expected. `deserialize_any` on a named tuple or struct visits an enum (how [`Param`]
//! recognises `Uniform(0.1, 0.2)`).
//!
//! [`scenario_from_tree`] collects as many errors as it can: after an unknown field it drops the field
//! and tries again; after another error it drops the list element holding the bad value and tries
//! again (so one error per entity, and every unknown field, are reported).
//!
//! [`Param`]: super::Param

use super::Scenario;
use super::tree::{Field, Kind, Node, Problem, Seg, Span, display_path};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use std::fmt;

/// A deserialization error, located once it leaves the node it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub message: String,
    pub span: Option<Span>,
    /// Where in the tree (for recovery and the path in the message).
    pub segs: Option<Vec<Seg>>,
    pub unknown_field: bool,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            span: None,
            segs: None,
            unknown_field: false,
        }
    }
    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!("expected {exp}, found {unexp}"))
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let mut e = Self::custom(match super::replaced::hint(field) {
            Some(hint) => format!("unknown field `{field}`: {hint}"),
            None => format!(
                "unknown field `{field}`, expected one of {}",
                one_of(expected)
            ),
        });
        e.unknown_field = true;
        e
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown variant `{variant}`, expected one of {}",
            one_of(expected)
        ))
    }
}

fn one_of(names: &[&str]) -> String {
    if names.is_empty() {
        return "nothing (no fields)".into();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

type R<T> = Result<T, DeError>;

/// A deserializer for one node.
pub struct De<'a> {
    node: &'a Node,
    segs: Vec<Seg>,
    /// The node is a named struct standing for a newtype variant's struct content.
    unwrap_name: bool,
}

impl<'a> De<'a> {
    pub fn new(node: &'a Node) -> Self {
        De {
            node,
            segs: vec![],
            unwrap_name: false,
        }
    }
    fn child(&self, node: &'a Node, seg: Seg) -> De<'a> {
        let mut segs = self.segs.clone();
        segs.push(seg);
        De {
            node,
            segs,
            unwrap_name: false,
        }
    }
    fn locate(&self, mut e: DeError) -> DeError {
        if e.span.is_none() {
            e.span = Some(self.node.span);
            e.segs = Some(self.segs.clone());
        }
        e
    }
    fn err(&self, msg: impl fmt::Display) -> DeError {
        self.locate(de::Error::custom(msg))
    }
    fn expected(&self, what: &str) -> DeError {
        let mut m = format!("expected {what}, found {}", self.node.describe());
        if let Kind::Ident(i) = &self.node.kind {
            if what.contains("string") {
                m.push_str(&format!(" (strings are quoted: \"{i}\")"));
            }
        }
        self.err(m)
    }
    fn int(&self, what: &str) -> R<i128> {
        match self.node.kind {
            Kind::Int(i) => Ok(i),
            _ => Err(self.expected(what)),
        }
    }
    fn ranged(&self, lo: i128, hi: i128, what: &str) -> R<i128> {
        let i = self.int(what)?;
        if i < lo || i > hi {
            return Err(self.err(format!(
                "expected {what} in {lo}..={hi}, found the integer `{i}`"
            )));
        }
        Ok(i)
    }
}

macro_rules! de_int {
    ($($m:ident $v:ident $t:ty, $what:expr;)*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
            let i = self.ranged(<$t>::MIN as i128, <$t>::MAX as i128, $what)?;
            visitor.$v(i as $t).map_err(|e| self.locate(e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let n = self.node;
        let r = match &n.kind {
            Kind::Unit => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(*b),
            Kind::Int(i) => {
                if let Ok(u) = u64::try_from(*i) {
                    visitor.visit_u64(u)
                } else if let Ok(s) = i64::try_from(*i) {
                    visitor.visit_i64(s)
                } else {
                    return Err(self.err(format!("integer `{i}` is too large")));
                }
            }
            Kind::Float(f) => visitor.visit_f64(*f),
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            Kind::Char(c) => visitor.visit_char(*c),
            Kind::Ident(_) => visitor.visit_enum(EnumDe { de: &self }),
            Kind::Some(x) => visitor.visit_some(self.child(x, Seg::Inner)),
            Kind::List(v) => visitor.visit_seq(Seq::new(&self, v)),
            Kind::Map(v) => visitor.visit_map(MapDe {
                de: &self,
                entries: v,
                i: 0,
            }),
            Kind::Tuple { name: None, items } => visitor.visit_seq(Seq::new(&self, items)),
            Kind::Struct { fields, .. } if self.unwrap_name || struct_name(n).is_none() => {
                visitor.visit_map(StructDe::new(&self, fields)?)
            }
            Kind::Struct { .. } | Kind::Tuple { .. } => visitor.visit_enum(EnumDe { de: &self }),
        };
        r.map_err(|e| self.locate(e))
    }

    de_int! {
        deserialize_i8 visit_i8 i8, "an integer";
        deserialize_i16 visit_i16 i16, "an integer";
        deserialize_i32 visit_i32 i32, "an integer";
        deserialize_i64 visit_i64 i64, "an integer";
        deserialize_u8 visit_u8 u8, "a non-negative integer";
        deserialize_u16 visit_u16 u16, "a non-negative integer";
        deserialize_u32 visit_u32 u32, "a non-negative integer";
        deserialize_u64 visit_u64 u64, "a non-negative integer";
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node.kind {
            Kind::Bool(b) => visitor.visit_bool(b).map_err(|e| self.locate(e)),
            _ => Err(self.expected("`true` or `false`")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let v = match self.node.kind {
            Kind::Int(i) => i as f64,
            Kind::Float(f) => f,
            _ => return Err(self.expected("a number")),
        };
        visitor.visit_f64(v).map_err(|e| self.locate(e))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node.kind {
            Kind::Char(c) => visitor.visit_char(c).map_err(|e| self.locate(e)),
            _ => Err(self.expected("a char 'c'")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match &self.node.kind {
            Kind::Str(s) => visitor.visit_borrowed_str(s).map_err(|e| self.locate(e)),
            _ => Err(self.expected("a string \"..\"")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> R<V::Value> {
        Err(self.err("byte strings are not supported"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let r = match &self.node.kind {
            Kind::Ident(i) if i == "None" => visitor.visit_none(),
            Kind::Some(x) => visitor.visit_some(self.child(x, Seg::Inner)),
            _ => {
                let d = De {
                    node: self.node,
                    segs: self.segs.clone(),
                    unwrap_name: self.unwrap_name,
                };
                visitor.visit_some(d)
            }
        };
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match self.node.kind {
            Kind::Unit => visitor.visit_unit().map_err(|e| self.locate(e)),
            _ => Err(self.expected("`()`")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        match self.node.kind {
            Kind::Unit | Kind::Ident(_) => visitor.visit_unit().map_err(|e| self.locate(e)),
            _ => Err(self.expected("`()`")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        let d = De {
            node: self.node,
            segs: self.segs.clone(),
            unwrap_name: self.unwrap_name,
        };
        visitor.visit_newtype_struct(d).map_err(|e| self.locate(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match &self.node.kind {
            Kind::List(v)
            | Kind::Tuple {
                name: None,
                items: v,
            } => visitor
                .visit_seq(Seq::new(&self, v))
                .map_err(|e| self.locate(e)),
            Kind::Unit => visitor
                .visit_seq(Seq::new(&self, &[]))
                .map_err(|e| self.locate(e)),
            _ => Err(self.expected("a list `[..]`")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> R<V::Value> {
        match &self.node.kind {
            Kind::List(v) | Kind::Tuple { items: v, .. } => {
                if v.len() != len {
                    return Err(self.err(format!("expected {len} values, found {}", v.len())));
                }
                visitor
                    .visit_seq(Seq::new(&self, v))
                    .map_err(|e| self.locate(e))
            }
            _ => Err(self.expected(&format!("a tuple of {len} values `(..)`"))),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> R<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let r = match &self.node.kind {
            Kind::Map(v) => visitor.visit_map(MapDe {
                de: &self,
                entries: v,
                i: 0,
            }),
            Kind::Struct { fields, .. } => visitor.visit_map(StructDe::new(&self, fields)?),
            Kind::Unit => visitor.visit_map(StructDe::new(&self, &[])?),
            _ => return Err(self.expected("a map `{..}`")),
        };
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        let r = match &self.node.kind {
            Kind::Struct { fields, .. } => visitor.visit_map(StructDe::new(&self, fields)?),
            Kind::Unit => visitor.visit_map(StructDe::new(&self, &[])?),
            Kind::Tuple { items, .. } if items.is_empty() => {
                visitor.visit_map(StructDe::new(&self, &[])?)
            }
            _ => {
                return Err(self.expected(&format!("a struct `(field: value, ..)` ({name})")));
            }
        };
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        match &self.node.kind {
            Kind::Ident(_)
            | Kind::Struct { name: Some(_), .. }
            | Kind::Tuple { name: Some(_), .. } => visitor
                .visit_enum(EnumDe { de: &self })
                .map_err(|e| self.locate(e)),
            _ => Err(self.expected(&format!("{name} (one of {})", one_of(variants)))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        match &self.node.kind {
            Kind::Ident(s) | Kind::Str(s) => {
                visitor.visit_borrowed_str(s).map_err(|e| self.locate(e))
            }
            _ => Err(self.expected("an identifier")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        visitor.visit_unit()
    }
}

fn struct_name(n: &Node) -> Option<&str> {
    match &n.kind {
        Kind::Struct { name, .. } | Kind::Tuple { name, .. } => name.as_deref(),
        Kind::Ident(i) => Some(i),
        _ => None,
    }
}

/// A field name or variant name with its own span.
struct KeyDe<'a> {
    name: &'a str,
    span: Span,
    segs: Vec<Seg>,
}

impl KeyDe<'_> {
    fn locate(&self, mut e: DeError) -> DeError {
        if e.span.is_none() {
            e.span = Some(self.span);
            e.segs = Some(self.segs.clone());
        }
        e
    }
}

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> R<V::Value> {
        let name = self.name;
        visitor.visit_borrowed_str(name).map_err(|e| self.locate(e))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Seq<'a, 'b> {
    de: &'b De<'a>,
    items: &'a [Node],
    i: usize,
}

impl<'a, 'b> Seq<'a, 'b> {
    fn new(de: &'b De<'a>, items: &'a [Node]) -> Self {
        Seq { de, items, i: 0 }
    }
}

impl<'de> SeqAccess<'de> for Seq<'de, '_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> R<Option<T::Value>> {
        let Some(item) = self.items.get(self.i) else {
            return Ok(None);
        };
        let d = self.de.child(item, Seg::Index(self.i));
        self.i += 1;
        seed.deserialize(d).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.i)
    }
}

struct StructDe<'a, 'b> {
    de: &'b De<'a>,
    fields: &'a [Field],
    i: usize,
}

impl<'a, 'b> StructDe<'a, 'b> {
    fn new(de: &'b De<'a>, fields: &'a [Field]) -> R<Self> {
        for (k, f) in fields.iter().enumerate() {
            if fields[..k].iter().any(|g| g.name == f.name) {
                let mut segs = de.segs.clone();
                segs.push(Seg::Field(f.name.clone()));
                return Err(DeError {
                    message: format!("duplicate field `{}`", f.name),
                    span: Some(f.name_span),
                    segs: Some(segs),
                    unknown_field: false,
                });
            }
        }
        Ok(StructDe { de, fields, i: 0 })
    }
}

impl<'de> MapAccess<'de> for StructDe<'de, '_> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let Some(f) = self.fields.get(self.i) else {
            return Ok(None);
        };
        let mut segs = self.de.segs.clone();
        segs.push(Seg::Field(f.name.clone()));
        seed.deserialize(KeyDe {
            name: &f.name,
            span: f.name_span,
            segs,
        })
        .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> R<V::Value> {
        let f = &self.fields[self.i];
        self.i += 1;
        seed.deserialize(self.de.child(&f.value, Seg::Field(f.name.clone())))
    }
}

struct MapDe<'a, 'b> {
    de: &'b De<'a>,
    entries: &'a [(Node, Node)],
    i: usize,
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> R<Option<K::Value>> {
        let Some((k, _)) = self.entries.get(self.i) else {
            return Ok(None);
        };
        seed.deserialize(self.de.child(k, Seg::MapVal(self.i)))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> R<V::Value> {
        let (_, v) = &self.entries[self.i];
        let d = self.de.child(v, Seg::MapVal(self.i));
        self.i += 1;
        seed.deserialize(d)
    }
}

struct EnumDe<'a, 'b> {
    de: &'b De<'a>,
}

impl<'de, 'b> EnumAccess<'de> for EnumDe<'de, 'b> {
    type Error = DeError;
    type Variant = EnumDe<'de, 'b>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> R<(V::Value, Self::Variant)> {
        let name = struct_name(self.de.node).unwrap_or("");
        let v = seed.deserialize(KeyDe {
            name,
            span: self.de.node.span,
            segs: self.de.segs.clone(),
        })?;
        Ok((v, self))
    }
}

impl<'de> VariantAccess<'de> for EnumDe<'de, '_> {
    type Error = DeError;

    fn unit_variant(self) -> R<()> {
        match &self.de.node.kind {
            Kind::Ident(_) => Ok(()),
            Kind::Tuple { items, .. } if items.is_empty() => Ok(()),
            _ => Err(self.de.err(format!(
                "`{}` takes no values; write it as `{0}`",
                struct_name(self.de.node).unwrap_or("")
            ))),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> R<T::Value> {
        let d = self.de;
        let name = struct_name(d.node).unwrap_or("");
        match &d.node.kind {
            Kind::Tuple { items, .. } if items.len() == 1 => {
                seed.deserialize(d.child(&items[0], Seg::Index(0)))
            }
            Kind::Tuple { items, .. } => Err(d.err(format!(
                "`{name}` takes one value `{name}(..)`, found {}",
                items.len()
            ))),
            Kind::Struct { .. } => seed.deserialize(De {
                node: d.node,
                segs: d.segs.clone(),
                unwrap_name: true,
            }),
            _ => Err(d.err(format!("`{name}` takes a value: write `{name}(..)`"))),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> R<V::Value> {
        let d = self.de;
        let name = struct_name(d.node).unwrap_or("");
        match &d.node.kind {
            Kind::Tuple { items, .. } if items.len() == len => {
                visitor.visit_seq(Seq::new(d, items))
            }
            Kind::Tuple { items, .. } => Err(d.err(format!(
                "`{name}` takes {len} values `{name}(..)`, found {}",
                items.len()
            ))),
            _ => Err(d.err(format!(
                "`{name}` takes {len} values: write `{name}(a, b, ..)`"
            ))),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        let d = self.de;
        let name = struct_name(d.node).unwrap_or("");
        match &d.node.kind {
            Kind::Struct { fields, .. } => visitor.visit_map(StructDe::new(d, fields)?),
            Kind::Tuple { items, .. } if items.is_empty() => {
                visitor.visit_map(StructDe::new(d, &[])?)
            }
            _ => Err(d.err(format!(
                "`{name}` takes named fields: write `{name}(field: value, ..)`"
            ))),
        }
    }
}

/// Deserializes any schema type from a node (one error, located).
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, DeError> {
    T::deserialize(De::new(node))
}

/// Renders a located error as a problem: the message with the path it concerns.
fn problem(root: &Node, e: &DeError) -> Problem {
    let path = e
        .segs
        .as_deref()
        .map(|s| display_path(root, s))
        .unwrap_or_default();
    let message = if path.is_empty() {
        e.message.clone()
    } else {
        format!("{} (at {path})", e.message)
    };
    Problem::new(e.span.unwrap_or_default(), message)
}

/// Maximum number of errors reported for one scenario.
pub const MAX_ERRORS: usize = 100;

/// Deserializes the typed scenario, collecting as many located errors as possible.
pub fn scenario_from_tree(tree: &Node) -> Result<Scenario, Vec<Problem>> {
    collect(tree)
}

/// Deserializes any type, collecting as many located errors as possible (see the module doc).
pub fn collect<T: DeserializeOwned>(tree: &Node) -> Result<T, Vec<Problem>> {
    match collect_recovering(tree) {
        (Some(v), p) if p.is_empty() => Ok(v),
        (_, p) => Err(p),
    }
}

/// Like [`collect`], also returning the value deserialized once every unknown field was dropped, if
/// unknown fields were the only problems (so semantic checks can still run on it).
pub fn collect_recovering<T: DeserializeOwned>(tree: &Node) -> (Option<T>, Vec<Problem>) {
    let mut problems: Vec<Problem> = Vec::new();
    let mut exact = true;
    let mut t = std::borrow::Cow::Borrowed(tree);
    loop {
        match from_node::<T>(&t) {
            Ok(v) => return (exact.then_some(v), problems),
            Err(e) => {
                let p = problem(&t, &e);
                if !problems.contains(&p) {
                    problems.push(p);
                }
                exact &= e.unknown_field;
                if problems.len() >= MAX_ERRORS || !recover(t.to_mut(), &e) {
                    return (None, problems);
                }
            }
        }
    }
}

/// Removes what caused `e` from the tree so that deserialization can go on; false if it cannot.
fn recover(t: &mut Node, e: &DeError) -> bool {
    let Some(segs) = &e.segs else { return false };
    if e.unknown_field {
        if let Some((Seg::Field(name), parent)) = segs.split_last() {
            if let Some(p) = t.at_mut(parent) {
                let p = match &mut p.kind {
                    Kind::Tuple { items, .. } if items.len() == 1 => &mut items[0],
                    _ => p,
                };
                if let Kind::Struct { fields, .. } = &mut p.kind {
                    if let Some(k) = fields.iter().position(|f| &f.name == name) {
                        fields.remove(k);
                        return true;
                    }
                }
            }
        }
    }
    // Drop the innermost list element that holds the bad value.
    for k in (0..segs.len()).rev() {
        if let Seg::Index(i) = segs[k] {
            if let Some(p) = t.at_mut(&segs[..k]) {
                if let Kind::List(v) = &mut p.kind {
                    if i < v.len() {
                        v.remove(i);
                        return true;
                    }
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree::parse;
    use crate::scenario::{Dist, Param, schema::*};

    fn node(s: &str) -> Node {
        parse(s, 0).unwrap()
    }

    #[test]
    fn params_and_enums() {
        let p: Param = from_node(&node("Uniform(1, 2.5)")).unwrap();
        assert_eq!(p, Param::Dist(Dist::Uniform(1.0, 2.5)));
        let p: Param = from_node(&node("3")).unwrap();
        assert_eq!(p, Param::Fixed(3.0));
        let p: Param = from_node(&node("Choice([1, 2])")).unwrap();
        assert_eq!(p, Param::Dist(Dist::Choice(vec![1.0, 2.0])));
        let a: ActionSpec = from_node(&node(
            "Disinformation(countries: [\"a\"], dimension: \"d\", direction: Up)",
        ))
        .unwrap();
        assert!(matches!(a, ActionSpec::Disinformation(_)));
        let a: ActionSpec =
            from_node(&node("Mediation((issues: [\"a\"], cost: Normal(1, 2)))")).unwrap();
        assert!(matches!(a, ActionSpec::Mediation(_)));
        let c: Condition = from_node(&node("Above(Tension, 0.5)")).unwrap();
        assert_eq!(c, Condition::Above(Indicator::Tension, Param::Fixed(0.5)));
        let c: Condition = from_node(&node("Converged(issue: \"x\", within: 5)")).unwrap();
        assert!(matches!(c, Condition::Converged { .. }));
        let k: OutcomeKind = from_node(&node("Count(event: \"e\")")).unwrap();
        assert_eq!(
            k,
            OutcomeKind::Count {
                event: Some("e".into()),
                action: None,
                actor: None
            }
        );
        let k: OutcomeKind =
            from_node(&node("PhaseReached(phase: \"p\", by: Some(\"2027-01\"))")).unwrap();
        assert!(matches!(k, OutcomeKind::PhaseReached { by: Some(_), .. }));
    }

    #[test]
    fn errors_are_located() {
        let e = from_node::<Reach>(&node("(country: \"a\",\n reach: 0.5, rech: 1)")).unwrap_err();
        assert!(e.unknown_field);
        assert_eq!(e.span.map(|s| (s.line, s.col)), Some((2, 14)));
        let e = from_node::<Reach>(&node("(country: \"a\",\n reach: \"x\")")).unwrap_err();
        assert!(e.message.starts_with("expected a number"), "{}", e.message);
        assert_eq!(e.span.map(|s| (s.line, s.col)), Some((2, 9)));
        let e = from_node::<Reach>(&node("(country: \"a\")")).unwrap_err();
        assert_eq!(e.message, "missing field `reach`");
        assert_eq!(e.span.map(|s| (s.line, s.col)), Some((1, 1)));
        let e = from_node::<Population>(&node("(size: -1)")).unwrap_err();
        assert!(e.message.contains("non-negative"), "{}", e.message);
    }

    #[test]
    fn collects_several_errors() {
        let t = node(
            "[(country: \"a\", reach: 1, x: 1), (country: \"b\", reach: 1, y: 2), (country: 3, reach: 1)]",
        );
        let errs = collect::<Vec<Reach>>(&t).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
    }
}
