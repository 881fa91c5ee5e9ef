//! The printer: a [`Node`] tree back to pretty RON (lines up to 100 columns), and the literal
//! formatting of floats, strings and chars it shares with error messages.

use super::{Kind, Node};
use std::fmt::Write as _;

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
