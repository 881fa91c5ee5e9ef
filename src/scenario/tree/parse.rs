//! The spanned RON parser: source text to a [`Node`] tree with the `line:col` of every value, or
//! the first [`SyntaxError`].

use super::{Field, Kind, Node, Span};

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
        // `#![enable(name, ...)]`, as `ron` reads it: whitespace and comments between the tokens, one
        // or more of `ron`'s extension names (a trailing comma allowed); anything else is an error
        // at its place, as `ron` rejects it too
        const EXTENSIONS: [&str; 4] = [
            "unwrap_newtypes",
            "implicit_some",
            "unwrap_variant_newtypes",
            "explicit_struct_names",
        ];
        let header = "a header `#![enable(..)]`";
        self.expect('#', header)?;
        self.expect('!', header)?;
        self.expect('[', header)?;
        self.skip_ws()?;
        let at = self.span();
        let word = self.ident();
        if word != "enable" {
            return Err(self.err_at(
                at,
                format!("expected `enable` in a header `#![enable(..)]`, found `{word}`"),
            ));
        }
        self.expect('(', "`(` after `#![enable`")?;
        loop {
            self.skip_ws()?;
            let at = self.span();
            let name = self.ident();
            if !EXTENSIONS.contains(&name.as_str()) {
                return Err(self.err_at(
                    at,
                    format!(
                        "expected a RON extension name ({}), found {}",
                        EXTENSIONS.join(", "),
                        if name.is_empty() {
                            self.found()
                        } else {
                            format!("`{name}`")
                        }
                    ),
                ));
            }
            self.skip_ws()?;
            if self.peek() == Some(',') {
                self.bump();
                self.skip_ws()?;
            } else if self.peek() != Some(')') {
                return Err(self.err(format!(
                    "expected `,` or `)` in `#![enable(..)]`, found {}",
                    self.found()
                )));
            }
            if self.peek() == Some(')') {
                self.bump();
                break;
            }
        }
        self.expect(']', "`]` closing `#![enable(..)]`")
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
                // a line continuation, as in Rust and `ron`: `\` at the end of a line skips the
                // line break and the whitespace that follows
                Some('\\')
                    if self.peek() == Some('\n')
                        || (self.peek() == Some('\r') && self.peek_at(1) == Some('\n')) =>
                {
                    while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                        self.bump();
                    }
                }
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
