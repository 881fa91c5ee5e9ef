//! Spanned RON document tree: a small RON parser that keeps the `line:col` of every value (ron's own
//! `Value` loses spans and struct names), and a printer that writes a tree back as pretty RON.
//!
//! Supported syntax: `()`, `true`/`false`, integers (decimal, `0x`, `0o`, `0b`, `_` separators),
//! floats (including `inf`, `-inf`, `NaN`, kept so validation can reject them), strings (escapes and raw
//! strings `r"…"`, `r#"…"#`), chars, bare identifiers (unit enum variants such as `Complete`), `Some(x)`,
//! lists `[..]`, maps `{k: v}`, structs `(a: 1)` and named structs `Name(a: 1)`, tuples `(1, 2)` and
//! named tuples `Name(1, 2)`; trailing commas; `//` and `/* */` comments (nested); `#![enable(..)]`
//! headers (ignored).
//!
//! Equality of nodes ignores spans: two trees are equal when they say the same thing.
//!
//! This module owns the tree's types ([`Node`], [`Kind`], [`Field`], [`Span`], [`Problem`]); the
//! parser is in [`parse`], the printer in [`print`](mod@print), paths into a tree and their edits in
//! [`path`].

mod parse;
mod path;
mod print;

pub use parse::{MAX_DEPTH, SyntaxError, parse, parse_value};
pub use path::{Seg, display_path, path_safe_id};
pub use print::{fmt_float, print, print_inline, quote};

/// Where a value starts: index of its file in the loader's file table, 1-based line and column
/// (columns count characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

/// A value in a RON document with its location.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

/// A struct field: its name (with the name's own span) and value.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub name_span: Span,
    pub value: Node,
}

/// The kinds of RON values.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `()`
    Unit,
    Bool(bool),
    /// Any integer literal that fits in `i128` (range checks happen when deserializing).
    Int(i128),
    Float(f64),
    Str(String),
    Char(char),
    /// A bare identifier: a unit enum variant (`Complete`, `Up`, `None`).
    Ident(String),
    /// `Some(x)`
    Some(Box<Node>),
    /// `[a, b]`
    List(Vec<Node>),
    /// `{k: v}`
    Map(Vec<(Node, Node)>),
    /// `(a: 1)` or `Name(a: 1)`
    Struct {
        name: Option<String>,
        fields: Vec<Field>,
    },
    /// `(1, 2)` or `Name(1, 2)` (also `Name()`)
    Tuple {
        name: Option<String>,
        items: Vec<Node>,
    },
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl PartialEq for Field {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.value == other.value
    }
}

impl Node {
    pub fn new(kind: Kind, span: Span) -> Self {
        Node { kind, span }
    }

    /// The field `name` of a struct node (named or not).
    pub fn field(&self, name: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Struct { fields, .. } => fields.iter().find(|f| f.name == name).map(|f| &f.value),
            _ => None,
        }
    }

    /// The `id` of a struct node whose `id` field is a string.
    pub fn id(&self) -> Option<&str> {
        match &self.field("id")?.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short description of the value for error messages ("a string", "the integer 5", ...).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Unit => "`()`".into(),
            Kind::Bool(b) => format!("the boolean `{b}`"),
            Kind::Int(i) => format!("the integer `{i}`"),
            Kind::Float(f) => format!("the number `{}`", fmt_float(*f)),
            Kind::Str(s) => format!("the string {}", quote(&truncate(s, 40))),
            Kind::Char(c) => format!("the char {c:?}"),
            Kind::Ident(i) => format!("the identifier `{i}`"),
            Kind::Some(_) => "`Some(..)`".into(),
            Kind::List(_) => "a list `[..]`".into(),
            Kind::Map(_) => "a map `{..}`".into(),
            Kind::Struct { name: Some(n), .. } | Kind::Tuple { name: Some(n), .. } => {
                format!("`{n}(..)`")
            }
            Kind::Struct { name: None, .. } => "a struct `(..)`".into(),
            Kind::Tuple { name: None, .. } => "a tuple `(..)`".into(),
        }
    }

    /// Visits every node depth-first in document order.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match &self.kind {
            Kind::Some(x) => x.walk(f),
            Kind::List(v) | Kind::Tuple { items: v, .. } => v.iter().for_each(|n| n.walk(f)),
            Kind::Map(v) => v.iter().for_each(|(k, n)| {
                k.walk(f);
                n.walk(f)
            }),
            Kind::Struct { fields, .. } => fields.iter().for_each(|fl| fl.value.walk(f)),
            _ => {}
        }
    }

    /// Sets the file index of every span in the tree.
    pub fn set_file(&mut self, file: u32) {
        self.span.file = file;
        match &mut self.kind {
            Kind::Some(x) => x.set_file(file),
            Kind::List(v) | Kind::Tuple { items: v, .. } => {
                v.iter_mut().for_each(|n| n.set_file(file))
            }
            Kind::Map(v) => v.iter_mut().for_each(|(k, n)| {
                k.set_file(file);
                n.set_file(file)
            }),
            Kind::Struct { fields, .. } => fields.iter_mut().for_each(|fl| {
                fl.name_span.file = file;
                fl.value.set_file(file)
            }),
            _ => {}
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// A located problem before it is rendered as a [`super::Diag`] (the loader maps span files to names).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

impl Problem {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node {
        parse(s, 0).unwrap()
    }

    #[test]
    fn parses_all_kinds() {
        let n = p(r##"#![enable(implicit_some)]
            // comment
            (a: 1, b: -2.5e3, c: "x\n\"y\"", d: 'q', e: [Up, None, Some(3)], f: {"k": (1, 2)},
             g: Name(x: 1,), h: Uniform(0.1, 0.2), i: inf, j: -inf, k: NaN, l: (), m: 0x1F, /* c */ n: true,
             o: Empty(), p: r#"raw "x""#,)"##);
        let Kind::Struct { fields, .. } = &n.kind else {
            panic!()
        };
        assert_eq!(fields.len(), 16);
        assert_eq!(n.field("a").unwrap().kind, Kind::Int(1));
        assert_eq!(n.field("b").unwrap().kind, Kind::Float(-2500.0));
        assert_eq!(n.field("c").unwrap().kind, Kind::Str("x\n\"y\"".into()));
        assert_eq!(n.field("m").unwrap().kind, Kind::Int(31));
        assert!(matches!(n.field("k").unwrap().kind, Kind::Float(f) if f.is_nan()));
        let h = n.field("h").unwrap();
        assert_eq!(h.span.line, 4);
        assert!(
            matches!(&h.kind, Kind::Tuple { name: Some(n), items } if n == "Uniform" && items.len() == 2)
        );
    }

    #[test]
    fn spans_are_one_based() {
        let n = p("(\n  a: [1,\n    \"x\"])");
        let a = n.field("a").unwrap();
        assert_eq!((a.span.line, a.span.col), (2, 6));
        let Kind::List(v) = &a.kind else { panic!() };
        assert_eq!((v[1].span.line, v[1].span.col), (3, 5));
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("(a: 1,\n b 2)", 0).unwrap_err();
        assert_eq!((e.line, e.col), (2, 4), "{e:?}");
        let e = parse("(a: \"abc)", 0).unwrap_err();
        assert_eq!((e.line, e.col), (1, 5));
        assert!(parse("", 0).is_err());
        assert!(parse("[1 2]", 0).is_err());
        assert!(parse(&"[".repeat(1000), 0).is_err());
    }

    #[test]
    fn print_round_trips() {
        let src = r#"(a: 1, b: -2.5e-7, c: "x\n\"y\" é", d: 'q', e: [Up, None, Some(3), Some((a: 1))],
            f: {"k": (1, 2)}, g: Name(x: 1), h: Uniform(0.1, 0.2), i: inf, l: (), n: true, o: Empty(),
            t: (1,), long: [(id: "aaaaaaaaaaaaaaa", value: 1.0), (id: "bbbbbbbbbbbbbbbbbbbbbbb", value: 2.0),
            (id: "ccccccccccccccccccccccccc", value: 3.0, deep: Some(Named(x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28])))])"#;
        let n = p(src);
        let printed = print(&n);
        assert_eq!(p(&printed), n, "{printed}");
        assert_eq!(print(&p(&printed)), printed);
    }
}
