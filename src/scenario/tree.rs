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

use std::fmt::Write as _;

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

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// Maximum nesting depth accepted (deeper input is an error, never a stack overflow).
pub const MAX_DEPTH: usize = 128;

/// Parses a whole RON document (one value, optionally preceded by `#![enable(..)]` headers).
/// Spans get file index `file`.
pub fn parse(src: &str, file: u32) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
        file,
        depth: 0,
    };
    p.skip_ws()?;
    while p.peek() == Some('#') {
        p.header()?;
        p.skip_ws()?;
    }
    if p.peek().is_none() {
        return Err(p.err("expected a value, found the end of the file"));
    }
    let v = p.value()?;
    p.skip_ws()?;
    if let Some(c) = p.peek() {
        return Err(p.err(format!(
            "expected the end of the file after the value, found {}",
            show(c)
        )));
    }
    Ok(v)
}

/// Parses a single value (e.g. the VALUE of `--set PATH=VALUE`).
pub fn parse_value(src: &str, file: u32) -> Result<Node, SyntaxError> {
    parse(src, file)
}

fn show(c: char) -> String {
    match c {
        '\n' => "a line break".into(),
        c if c.is_control() => format!("the control character {:?}", c),
        c => format!("`{c}`"),
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    file: u32,
    depth: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
    fn span(&self) -> Span {
        Span {
            file: self.file,
            line: self.line,
            col: self.col,
        }
    }
    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: self.line,
            col: self.col,
            message: message.into(),
        }
    }
    fn err_at(&self, s: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: s.line,
            col: s.col,
            message: message.into(),
        }
    }
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the file".into(),
            Some(c) => show(c),
        }
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some('/') if self.peek_at(1) == Some('*') => {
                    let start = self.span();
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 {
                        match self.peek() {
                            None => {
                                return Err(
                                    self.err_at(start, "unterminated block comment `/* */`")
                                );
                            }
                            Some('*') if self.peek_at(1) == Some('/') => {
                                self.bump();
                                self.bump();
                                depth -= 1;
                            }
                            Some('/') if self.peek_at(1) == Some('*') => {
                                self.bump();
                                self.bump();
                                depth += 1;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn header(&mut self) -> Result<(), SyntaxError> {
        // `#![enable(...)]`
        let start = self.span();
        for expected in ['#', '!', '['] {
            if self.peek() != Some(expected) {
                return Err(self.err(format!("expected `#![enable(..)]`, found {}", self.found())));
            }
            self.bump();
        }
        let mut depth = 1;
        while depth > 0 {
            match self.bump() {
                None => return Err(self.err_at(start, "unterminated `#![..]` header")),
                Some('[') => depth += 1,
                Some(']') => depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), SyntaxError> {
        self.skip_ws()?;
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(format!("expected {what}, found {}", self.found())))
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        self.skip_ws()?;
        if self.depth >= MAX_DEPTH {
            return Err(self.err(format!("values nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let r = self.value_inner();
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self) -> Result<Node, SyntaxError> {
        let span = self.span();
        let Some(c) = self.peek() else {
            return Err(self.err("expected a value, found the end of the file"));
        };
        let kind = match c {
            '(' => self.paren(None, span)?,
            '[' => {
                self.bump();
                Kind::List(self.seq(']', "`]`")?)
            }
            '{' => {
                self.bump();
                Kind::Map(self.map()?)
            }
            '"' => Kind::Str(self.string()?),
            'r' if matches!(self.peek_at(1), Some('"') | Some('#')) => {
                Kind::Str(self.raw_string()?)
            }
            '\'' => Kind::Char(self.char_lit()?),
            '0'..='9' | '+' | '-' | '.' => self.number()?,
            c if is_ident_start(c) => {
                let id = self.ident();
                match id.as_str() {
                    "true" => Kind::Bool(true),
                    "false" => Kind::Bool(false),
                    "inf" => Kind::Float(f64::INFINITY),
                    "NaN" => Kind::Float(f64::NAN),
                    "Some" => {
                        self.skip_ws()?;
                        if self.peek() == Some('(') {
                            self.bump();
                            let inner = self.value()?;
                            self.skip_ws()?;
                            if self.peek() == Some(',') {
                                self.bump();
                            }
                            self.expect(')', "`)` closing `Some(`")?;
                            Kind::Some(Box::new(inner))
                        } else {
                            Kind::Ident(id)
                        }
                    }
                    _ => {
                        // A name directly followed by `(` (spaces allowed) is a named struct/tuple.
                        let save = (self.pos, self.line, self.col);
                        self.skip_ws()?;
                        if self.peek() == Some('(') {
                            self.paren(Some(id), span)?
                        } else {
                            (self.pos, self.line, self.col) = save;
                            Kind::Ident(id)
                        }
                    }
                }
            }
            c => {
                return Err(self.err(format!("expected a value, found {}", show(c))));
            }
        };
        Ok(Node::new(kind, span))
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if is_ident_char(c) {
                s.push(c);
                self.bump();
            } else {
                break;
            }
        }
        s
    }

    /// After the `(` of a struct or tuple (the `(` not yet consumed).
    fn paren(&mut self, name: Option<String>, span: Span) -> Result<Kind, SyntaxError> {
        self.bump(); // (
        self.skip_ws()?;
        if self.peek() == Some(')') {
            self.bump();
            return Ok(match name {
                None => Kind::Unit,
                Some(n) => Kind::Tuple {
                    name: Some(n),
                    items: vec![],
                },
            });
        }
        // Struct if it starts with `ident :` (but not `::`).
        let is_struct = {
            let mut i = self.pos;
            if self.chars.get(i).is_some_and(|c| is_ident_start(*c)) {
                while self.chars.get(i).is_some_and(|c| is_ident_char(*c)) {
                    i += 1;
                }
                while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
                self.chars.get(i) == Some(&':')
            } else {
                false
            }
        };
        let _ = span;
        if is_struct {
            let mut fields = Vec::new();
            loop {
                self.skip_ws()?;
                if self.peek() == Some(')') {
                    self.bump();
                    break;
                }
                let name_span = self.span();
                if !self.peek().is_some_and(is_ident_start) {
                    return Err(self.err(format!(
                        "expected a field name or `)`, found {}",
                        self.found()
                    )));
                }
                let fname = self.ident();
                self.expect(':', &format!("`:` after the field name `{fname}`"))?;
                let value = self.value()?;
                fields.push(Field {
                    name: fname,
                    name_span,
                    value,
                });
                self.skip_ws()?;
                match self.peek() {
                    Some(',') => {
                        self.bump();
                    }
                    Some(')') => {
                        self.bump();
                        break;
                    }
                    _ => {
                        return Err(self.err(format!(
                            "expected `,` or `)` after a field, found {}",
                            self.found()
                        )));
                    }
                }
            }
            Ok(Kind::Struct { name, fields })
        } else {
            let items = self.seq(')', "`)`")?;
            Ok(Kind::Tuple { name, items })
        }
    }

    /// Comma-separated values up to `close` (the opener already consumed).
    fn seq(&mut self, close: char, what: &str) -> Result<Vec<Node>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(close) {
                self.bump();
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_ws()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(c) if c == close => {
                    self.bump();
                    return Ok(items);
                }
                _ => {
                    return Err(self.err(format!("expected `,` or {what}, found {}", self.found())));
                }
            }
        }
    }

    fn map(&mut self) -> Result<Vec<(Node, Node)>, SyntaxError> {
        let mut entries = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek() == Some('}') {
                self.bump();
                return Ok(entries);
            }
            let k = self.value()?;
            self.expect(':', "`:` after a map key")?;
            let v = self.value()?;
            entries.push((k, v));
            self.skip_ws()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(entries);
                }
                _ => {
                    return Err(self.err(format!("expected `,` or `}}`, found {}", self.found())));
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let at = self.span();
        let Some(c) = self.bump() else {
            return Err(self.err("unterminated escape at the end of the file"));
        };
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'x' => {
                let mut v = 0u32;
                for _ in 0..2 {
                    let d = self.bump().and_then(|c| c.to_digit(16));
                    let Some(d) = d else {
                        return Err(
                            self.err_at(at, "invalid `\\x` escape: expected two hex digits")
                        );
                    };
                    v = v * 16 + d;
                }
                char::from_u32(v)
                    .filter(|c| c.is_ascii())
                    .ok_or_else(|| self.err_at(at, "invalid `\\x` escape: must be at most \\x7F"))?
            }
            'u' => {
                if self.bump() != Some('{') {
                    return Err(self.err_at(at, "invalid `\\u` escape: expected `\\u{XXXX}`"));
                }
                let mut v = 0u32;
                let mut n = 0;
                loop {
                    match self.bump() {
                        Some('}') if n > 0 => break,
                        Some(c) if c.is_ascii_hexdigit() && n < 6 => {
                            v = v * 16 + c.to_digit(16).unwrap_or(0);
                            n += 1;
                        }
                        _ => {
                            return Err(
                                self.err_at(at, "invalid `\\u` escape: expected `\\u{XXXX}`")
                            );
                        }
                    }
                }
                char::from_u32(v).ok_or_else(|| {
                    self.err_at(
                        at,
                        format!("invalid `\\u` escape: {v:#x} is not a character"),
                    )
                })?
            }
            c => {
                return Err(self.err_at(at, format!("unknown escape `\\{c}` in a string")));
            }
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.span();
        self.bump(); // "
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err_at(start, "unterminated string (missing `\"`)")),
                Some('"') => return Ok(s),
                Some('\\') => s.push(self.escape()?),
                Some(c) => s.push(c),
            }
        }
    }

    fn raw_string(&mut self) -> Result<String, SyntaxError> {
        let start = self.span();
        self.bump(); // r
        let mut hashes = 0;
        while self.peek() == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.peek() != Some('"') {
            return Err(self.err(format!(
                "expected `\"` to start a raw string, found {}",
                self.found()
            )));
        }
        self.bump();
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err_at(start, "unterminated raw string")),
                Some('"') => {
                    let mut n = 0;
                    while n < hashes && self.peek_at(n) == Some('#') {
                        n += 1;
                    }
                    if n == hashes {
                        for _ in 0..n {
                            self.bump();
                        }
                        return Ok(s);
                    }
                    s.push('"');
                }
                Some(c) => s.push(c),
            }
        }
    }

    fn char_lit(&mut self) -> Result<char, SyntaxError> {
        let start = self.span();
        self.bump(); // '
        let c = match self.bump() {
            None => return Err(self.err_at(start, "unterminated char literal")),
            Some('\\') => self.escape()?,
            Some('\'') => return Err(self.err_at(start, "empty char literal `''`")),
            Some(c) => c,
        };
        if self.bump() != Some('\'') {
            return Err(self.err_at(start, "expected `'` closing the char literal"));
        }
        Ok(c)
    }

    fn number(&mut self) -> Result<Kind, SyntaxError> {
        let start = self.span();
        let mut neg = false;
        if let Some(c @ ('+' | '-')) = self.peek() {
            neg = c == '-';
            self.bump();
        }
        // inf / NaN with a sign
        if self.peek().is_some_and(is_ident_start) {
            let id = self.ident();
            return match id.as_str() {
                "inf" => Ok(Kind::Float(if neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                })),
                "NaN" => Ok(Kind::Float(f64::NAN)),
                _ => Err(self.err_at(start, format!("expected a number, found `{id}`"))),
            };
        }
        let radix = if self.peek() == Some('0') {
            match self.peek_at(1) {
                Some('x') => 16,
                Some('o') => 8,
                Some('b') => 2,
                _ => 10,
            }
        } else {
            10
        };
        if radix != 10 {
            self.bump();
            self.bump();
            let mut digits = String::new();
            while let Some(c) = self.peek() {
                if c.is_digit(radix) {
                    digits.push(c);
                } else if c != '_' {
                    break;
                }
                self.bump();
            }
            if self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
            {
                return Err(self.err(format!("invalid digit {} in a number", self.found())));
            }
            let v = i128::from_str_radix(&digits, radix)
                .map_err(|_| self.err_at(start, "invalid or too large integer literal"))?;
            return Ok(Kind::Int(if neg { -v } else { v }));
        }
        let mut text = String::new();
        let mut is_float = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                text.push(c);
            } else if c == '_' {
            } else if c == '.' && !is_float && self.peek_at(1).is_none_or(|d| d != '.') {
                is_float = true;
                text.push(c);
            } else if (c == 'e' || c == 'E') && !text.is_empty() {
                is_float = true;
                text.push('e');
                self.bump();
                if let Some(s @ ('+' | '-')) = self.peek() {
                    text.push(s);
                    self.bump();
                }
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(self.err(format!(
                        "expected the exponent's digits, found {}",
                        self.found()
                    )));
                }
                continue;
            } else {
                break;
            }
            self.bump();
        }
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Err(self.err_at(start, "expected a number"));
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '.')
        {
            return Err(self.err(format!("invalid character {} in a number", self.found())));
        }
        if is_float {
            let v: f64 = text
                .parse()
                .map_err(|_| self.err_at(start, format!("invalid number `{text}`")))?;
            Ok(Kind::Float(if neg { -v } else { v }))
        } else {
            let v: i128 = text
                .parse()
                .map_err(|_| self.err_at(start, format!("integer `{text}` is too large")))?;
            Ok(Kind::Int(if neg { -v } else { v }))
        }
    }
}

/// Formats a float so that it reads back as the same float (and as a float, not an integer).
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        let s = format!("{f:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// A RON string literal.
pub fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(o, "\\u{{{:x}}}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        '\n' => "'\\n'".into(),
        '\t' => "'\\t'".into(),
        '\r' => "'\\r'".into(),
        c if c.is_control() => format!("'\\u{{{:x}}}'", c as u32),
        c => format!("'{c}'"),
    }
}

const WIDTH: usize = 100;

/// Prints a tree as pretty RON (4-space indents, one field per line for structs that do not fit on a
/// line, trailing commas). [`parse`] reads the output back to an equal tree.
pub fn print(node: &Node) -> String {
    let mut out = String::new();
    print_into(node, 0, &mut out);
    out.push('\n');
    out
}

/// The value on one line (used by `--list-params` and in messages).
pub fn print_inline(node: &Node) -> String {
    inline(node, usize::MAX).unwrap_or_default()
}

/// One-line rendering if it fits in `budget` characters.
fn inline(node: &Node, budget: usize) -> Option<String> {
    let s = match &node.kind {
        Kind::Unit => "()".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) => fmt_float(*f),
        Kind::Str(s) => quote(s),
        Kind::Char(c) => quote_char(*c),
        Kind::Ident(i) => i.clone(),
        Kind::Some(x) => format!("Some({})", inline(x, budget)?),
        Kind::List(v) => format!("[{}]", inline_items(v, budget)?),
        Kind::Tuple { name, items } => {
            let n = name.as_deref().unwrap_or("");
            if items.len() == 1 && name.is_none() {
                format!("({},)", inline_items(items, budget)?)
            } else {
                format!("{n}({})", inline_items(items, budget)?)
            }
        }
        Kind::Map(v) => {
            let mut parts = Vec::new();
            for (k, x) in v {
                parts.push(format!("{}: {}", inline(k, budget)?, inline(x, budget)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Kind::Struct { name, fields } => {
            let n = name.as_deref().unwrap_or("");
            let mut parts = Vec::new();
            for f in fields {
                parts.push(format!("{}: {}", f.name, inline(&f.value, budget)?));
            }
            if fields.is_empty() && name.is_none() {
                // `()` would read back as unit; an empty struct is written as unit anyway.
                "()".into()
            } else {
                format!("{n}({})", parts.join(", "))
            }
        }
    };
    (s.chars().count() <= budget).then_some(s)
}

fn inline_items(v: &[Node], budget: usize) -> Option<String> {
    let mut parts = Vec::new();
    for x in v {
        parts.push(inline(x, budget)?);
    }
    Some(parts.join(", "))
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn print_into(node: &Node, level: usize, out: &mut String) {
    let budget = WIDTH.saturating_sub(level * 4 + 20).max(30);
    if let Some(s) = inline(node, budget) {
        out.push_str(&s);
        return;
    }
    match &node.kind {
        Kind::Some(x) => {
            out.push_str("Some(");
            print_into(x, level, out);
            out.push(')');
        }
        Kind::List(v) => {
            out.push_str("[\n");
            for x in v {
                indent(out, level + 1);
                print_into(x, level + 1, out);
                out.push_str(",\n");
            }
            indent(out, level);
            out.push(']');
        }
        Kind::Tuple { name, items } => {
            out.push_str(name.as_deref().unwrap_or(""));
            out.push_str("(\n");
            for x in items {
                indent(out, level + 1);
                print_into(x, level + 1, out);
                out.push_str(",\n");
            }
            indent(out, level);
            out.push(')');
        }
        Kind::Map(v) => {
            out.push_str("{\n");
            for (k, x) in v {
                indent(out, level + 1);
                print_into(k, level + 1, out);
                out.push_str(": ");
                print_into(x, level + 1, out);
                out.push_str(",\n");
            }
            indent(out, level);
            out.push('}');
        }
        Kind::Struct { name, fields } => {
            out.push_str(name.as_deref().unwrap_or(""));
            out.push_str("(\n");
            for f in fields {
                indent(out, level + 1);
                out.push_str(&f.name);
                out.push_str(": ");
                print_into(&f.value, level + 1, out);
                out.push_str(",\n");
            }
            indent(out, level);
            out.push(')');
        }
        // Leaves always fit inline.
        _ => out.push_str(&print_inline(node)),
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

/// One step from a node to a child, used to name a place in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A struct field.
    Field(String),
    /// An element of a list or an item of a tuple.
    Index(usize),
    /// The inside of `Some(..)`.
    Inner,
    /// The value of the i-th map entry.
    MapVal(usize),
}

/// Whether an id can stand for its list element in a path (`actors.russia`).
pub fn path_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !id.chars().all(|c| c.is_ascii_digit())
}

impl Node {
    /// The child one step down.
    pub fn child(&self, seg: &Seg) -> Option<&Node> {
        match (seg, &self.kind) {
            (Seg::Field(f), Kind::Struct { .. }) => self.field(f),
            (
                Seg::Field(f),
                Kind::Tuple {
                    items,
                    name: Some(_),
                },
            ) if items.len() == 1 => items[0].field(f),
            (Seg::Index(i), Kind::List(v) | Kind::Tuple { items: v, .. }) => v.get(*i),
            (Seg::Inner, Kind::Some(x)) => Some(x),
            (Seg::MapVal(i), Kind::Map(v)) => v.get(*i).map(|e| &e.1),
            _ => None,
        }
    }

    /// The node at the end of `segs` (if it exists).
    pub fn at(&self, segs: &[Seg]) -> Option<&Node> {
        let mut n = self;
        for s in segs {
            n = n.child(s)?;
        }
        Some(n)
    }

    /// Mutable child one step down.
    pub fn child_mut(&mut self, seg: &Seg) -> Option<&mut Node> {
        if let (
            Seg::Field(_),
            Kind::Tuple {
                items,
                name: Some(_),
            },
        ) = (seg, &self.kind)
        {
            if items.len() == 1 {
                let Kind::Tuple { items, .. } = &mut self.kind else {
                    return None;
                };
                return items[0].child_mut(seg);
            }
        }
        match (seg, &mut self.kind) {
            (Seg::Field(f), Kind::Struct { fields, .. }) => fields
                .iter_mut()
                .find(|x| &x.name == f)
                .map(|x| &mut x.value),
            (Seg::Index(i), Kind::List(v) | Kind::Tuple { items: v, .. }) => v.get_mut(*i),
            (Seg::Inner, Kind::Some(x)) => Some(x),
            (Seg::MapVal(i), Kind::Map(v)) => v.get_mut(*i).map(|e| &mut e.1),
            _ => None,
        }
    }

    pub fn at_mut(&mut self, segs: &[Seg]) -> Option<&mut Node> {
        let mut n = self;
        for s in segs {
            n = n.child_mut(s)?;
        }
        Some(n)
    }
}

/// The readable path of `segs` from `root`: fields joined by dots, list elements by their `id` when
/// they have a path-safe one (`actors.russia.budget`), else by index (`actors.russia.actions[0].cost`).
/// The same syntax is accepted by `--set` and [`super::merge::node_at`].
pub fn display_path(root: &Node, segs: &[Seg]) -> String {
    let mut out = String::new();
    let mut n = Some(root);
    for s in segs {
        let cur = n;
        match s {
            Seg::Field(f) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(f);
            }
            Seg::Index(i) => {
                let id = cur.and_then(|c| match &c.kind {
                    Kind::List(v) => v.get(*i).and_then(|e| e.id()).filter(|id| path_safe_id(id)),
                    _ => None,
                });
                match id {
                    Some(id) => {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(id);
                    }
                    None => {
                        let _ = write!(out, "[{i}]");
                    }
                }
            }
            Seg::Inner => {}
            Seg::MapVal(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
        n = cur.and_then(|c| c.child(s));
    }
    out
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
