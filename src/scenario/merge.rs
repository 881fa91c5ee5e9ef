//! Variants without copying, on the document tree: `extends` merging, `--set PATH=VALUE` overrides and
//! path lookup.
//!
//! Merge rules ([`merge`]): a struct in the variant overrides the base field by field, recursively
//! (fields the variant does not state are kept); a list whose elements are all structs with a string
//! `id` (countries, actors, events, ...) is merged by id: an element with an id the base has is merged
//! into it recursively, a new id is appended; any other list, and every scalar, replaces the base value.
//! A variant may delete entities with a top-level `remove: ["actors.turkey", "events.quake"]` (paths as
//! below), applied after merging.
//!
//! Paths ([`parse_path`]): fields joined by dots; a list element by its `id` (`actors.russia.budget`) or
//! by index, either `.0` or `[0]` (`actors.russia.actions[0].cost`); tuple items by index
//! (`events.quake.trigger[0]`). A named tuple with one struct inside (a newtype variant) is transparent.

use super::tree::{Field, Kind, Node, Seg, path_safe_id};

/// One key of a `--set` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Name(String),
    Index(usize),
}

/// Splits a path into keys; an error says what is wrong with its syntax.
pub fn parse_path(path: &str) -> Result<Vec<Key>, String> {
    if path.trim().is_empty() {
        return Err("empty path".into());
    }
    let mut keys = Vec::new();
    for part in path.split('.') {
        let (head, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if head.is_empty() && (rest.is_empty() || keys.is_empty()) {
            return Err(format!("empty key in the path `{path}`"));
        }
        if !head.is_empty() {
            keys.push(match head.parse::<usize>() {
                Ok(i) => Key::Index(i),
                Err(_) => Key::Name(head.to_string()),
            });
        }
        while !rest.is_empty() {
            let Some(end) = rest.find(']') else {
                return Err(format!("missing `]` in the path `{path}`"));
            };
            let inner = &rest[1..end];
            if inner.is_empty() {
                return Err(format!("empty `[]` in the path `{path}`"));
            }
            keys.push(match inner.parse::<usize>() {
                Ok(i) => Key::Index(i),
                Err(_) => Key::Name(inner.to_string()),
            });
            rest = &rest[end + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("unexpected `{rest}` in the path `{path}`"));
            }
        }
    }
    Ok(keys)
}

fn show_key(k: &Key) -> String {
    match k {
        Key::Name(n) => n.clone(),
        Key::Index(i) => i.to_string(),
    }
}

/// The struct inside a node, looking through a newtype variant `Name((..))`.
fn as_struct(n: &Node) -> Option<&[Field]> {
    match &n.kind {
        Kind::Struct { fields, .. } => Some(fields),
        Kind::Tuple {
            items,
            name: Some(_),
        } if items.len() == 1 => as_struct(&items[0]),
        _ => None,
    }
}

/// What can follow a node in a path (for error messages).
fn available(n: &Node) -> String {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    if let Some(fields) = as_struct(n) {
        return format!(
            "its fields: {}",
            list(fields.iter().map(|f| f.name.clone()).collect())
        );
    }
    match &n.kind {
        Kind::List(v) => {
            if !v.is_empty() && v.iter().all(|e| e.id().is_some()) {
                format!(
                    "its ids: {}",
                    list(
                        v.iter()
                            .filter_map(|e| e.id().map(str::to_string))
                            .collect()
                    )
                )
            } else {
                format!("{} elements, by index 0..{}", v.len(), v.len())
            }
        }
        Kind::Tuple { items, .. } => format!("{} items, by index", items.len()),
        Kind::Some(x) => available(x),
        _ => format!("it is {}, which has no parts", n.describe()),
    }
}

/// One step down from `n` along `key`: the tree segments taken (more than one through `Some`).
fn step(n: &Node, key: &Key) -> Option<Vec<Seg>> {
    match (&n.kind, key) {
        (Kind::Some(x), _) => {
            let mut s = vec![Seg::Inner];
            s.extend(step(x, key)?);
            Some(s)
        }
        (Kind::Struct { .. }, Key::Name(f)) => n.field(f).map(|_| vec![Seg::Field(f.clone())]),
        (Kind::Tuple { items, .. }, Key::Index(i)) if *i < items.len() => {
            Some(vec![Seg::Index(*i)])
        }
        (
            Kind::Tuple {
                items,
                name: Some(_),
            },
            Key::Name(f),
        ) if items.len() == 1 => items[0].field(f).map(|_| vec![Seg::Field(f.clone())]),
        (Kind::List(v), Key::Index(i)) if *i < v.len() => Some(vec![Seg::Index(*i)]),
        (Kind::List(v), Key::Name(id)) => v
            .iter()
            .position(|e| e.id() == Some(id))
            .map(|i| vec![Seg::Index(i)]),
        _ => None,
    }
}

/// Resolves a path to tree segments, or says which key is unknown and what is available there.
pub fn resolve(root: &Node, path: &str) -> Result<Vec<Seg>, String> {
    let keys = parse_path(path)?;
    let mut segs = Vec::new();
    let mut n = root;
    for (k, key) in keys.iter().enumerate() {
        match step(n, key) {
            Some(s) => {
                for seg in &s {
                    n = n.child(seg).unwrap_or(n);
                }
                segs.extend(s);
            }
            None => {
                let at = keys[..k].iter().map(show_key).collect::<Vec<_>>().join(".");
                let at = if at.is_empty() {
                    "the scenario".to_string()
                } else {
                    format!("`{at}`")
                };
                return Err(format!(
                    "unknown path `{path}`: {at} has no `{}` ({})",
                    show_key(key),
                    available(n)
                ));
            }
        }
    }
    Ok(segs)
}

/// The node at a path (syntax of [`parse_path`]), if there is one.
pub fn node_at<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    root.at(&resolve(root, path).ok()?)
}

/// Replaces the node at `path` by `value` (`--set`). A missing last field is created when its parent
/// is a struct (whether the schema has such a field is checked when the tree is deserialized).
pub fn set(root: &mut Node, path: &str, value: Node) -> Result<(), String> {
    match resolve(root, path) {
        Ok(segs) => {
            if let Some(n) = root.at_mut(&segs) {
                *n = value;
            }
            Ok(())
        }
        Err(e) => {
            // Create a missing field under an existing struct.
            let keys = parse_path(path)?;
            let Some((Key::Name(last), parent)) = keys.split_last() else {
                return Err(e);
            };
            let parent_path = parent
                .iter()
                .map(|k| match k {
                    Key::Name(n) => n.clone(),
                    Key::Index(i) => format!("[{i}]"),
                })
                .collect::<Vec<_>>()
                .join(".")
                .replace(".[", "[");
            let segs = if parent.is_empty() {
                vec![]
            } else {
                match resolve(root, &parent_path) {
                    Ok(s) => s,
                    // A missing struct on the way (e.g. `world` in a file that leaves the whole block
                    // to its defaults) is created empty; typed deserialization then checks the names.
                    Err(_) if matches!(parent.last(), Some(Key::Name(_))) => {
                        let empty = Node {
                            kind: Kind::Struct {
                                name: None,
                                fields: Vec::new(),
                            },
                            span: value.span,
                        };
                        if set(root, &parent_path, empty).is_err() {
                            return Err(e);
                        }
                        match resolve(root, &parent_path) {
                            Ok(s) => s,
                            Err(_) => return Err(e),
                        }
                    }
                    Err(_) => return Err(e),
                }
            };
            let Some(p) = root.at_mut(&segs) else {
                return Err(e);
            };
            let p = match &mut p.kind {
                Kind::Tuple { items, .. } if items.len() == 1 => &mut items[0],
                _ => p,
            };
            match &mut p.kind {
                Kind::Struct { fields, .. } => {
                    let name_span = value.span;
                    fields.push(Field {
                        name: last.clone(),
                        name_span,
                        value,
                    });
                    Ok(())
                }
                _ => Err(e),
            }
        }
    }
}

/// Whether a list is merged by id: every element (of both lists) is a struct with a string `id`.
fn by_id(a: &[Node], b: &[Node]) -> bool {
    a.iter().chain(b).all(|e| e.id().is_some()) && !(a.is_empty() && b.is_empty())
}

/// Merges `over` (a variant) onto `base` (see the module doc).
pub fn merge(base: Node, over: Node) -> Node {
    let span = over.span;
    match (base.kind, over.kind) {
        (
            Kind::Struct {
                name: bn,
                fields: mut bf,
            },
            Kind::Struct {
                name: on,
                fields: of,
            },
        ) if bn == on || on.is_none() => {
            for f in of {
                match bf.iter().position(|g| g.name == f.name) {
                    Some(i) => {
                        let g = bf.remove(i);
                        bf.insert(
                            i,
                            Field {
                                name: f.name,
                                name_span: f.name_span,
                                value: merge(g.value, f.value),
                            },
                        );
                    }
                    None => bf.push(f),
                }
            }
            Node::new(
                Kind::Struct {
                    name: bn,
                    fields: bf,
                },
                span,
            )
        }
        (Kind::List(mut bl), Kind::List(ol)) if by_id(&bl, &ol) => {
            for o in ol {
                let id = o.id().map(str::to_string);
                match bl.iter().position(|b| b.id().map(str::to_string) == id) {
                    Some(i) => {
                        let b = bl.remove(i);
                        bl.insert(i, merge(b, o));
                    }
                    None => bl.push(o),
                }
            }
            Node::new(Kind::List(bl), span)
        }
        (_, ok) => Node::new(ok, span),
    }
}

/// Removes the entity at `path` (a list element); an error names the path.
pub fn remove(root: &mut Node, path: &str) -> Result<(), String> {
    let segs = resolve(root, path)?;
    if let Some((Seg::Index(i), parent)) = segs.split_last() {
        if let Some(Node {
            kind: Kind::List(v),
            ..
        }) = root.at_mut(parent)
        {
            v.remove(*i);
            return Ok(());
        }
    }
    Err(format!(
        "`remove` takes paths of list elements (such as `actors.turkey`), not `{path}`"
    ))
}

/// The readable path of an element list index (`actors.russia` or `actors[3]`), for messages.
pub fn element_path(list: &str, node: &Node, index: usize) -> String {
    match node.id().filter(|id| path_safe_id(id)) {
        Some(id) => format!("{list}.{id}"),
        None => format!("{list}[{index}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree::parse;

    fn n(s: &str) -> Node {
        parse(s, 0).unwrap()
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("actors.russia.actions[0].cost").unwrap(),
            vec![
                Key::Name("actors".into()),
                Key::Name("russia".into()),
                Key::Name("actions".into()),
                Key::Index(0),
                Key::Name("cost".into())
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[0").is_err());
        let t = n(
            r#"(actors: [(id: "ru", budget: 1, actions: [Mediation(issues: [], cost: 3)])],
                     c: Some((x: 1)), e: [(id: "q", trigger: Hazard(0.1))])"#,
        );
        assert_eq!(node_at(&t, "actors.ru.budget").unwrap().kind, Kind::Int(1));
        assert_eq!(
            node_at(&t, "actors.ru.actions.0.cost").unwrap().kind,
            Kind::Int(3)
        );
        assert_eq!(
            node_at(&t, "actors[0].actions[0].cost").unwrap().kind,
            Kind::Int(3)
        );
        assert_eq!(node_at(&t, "c.x").unwrap().kind, Kind::Int(1));
        assert_eq!(
            node_at(&t, "e.q.trigger[0]").unwrap().kind,
            Kind::Float(0.1)
        );
        let e = resolve(&t, "actors.rx.budget").unwrap_err();
        assert!(e.contains("its ids: ru"), "{e}");
    }

    #[test]
    fn merging() {
        let base =
            n(r#"(a: 1, l: [(id: "x", v: 1, w: 2), (id: "y", v: 3)], p: [1, 2], s: (k: 1, m: 2))"#);
        let over = n(r#"(a: 2, l: [(id: "y", v: 4), (id: "z", v: 5)], p: [3], s: (m: 3), new: 1)"#);
        let m = merge(base, over);
        assert_eq!(
            m,
            n(
                r#"(a: 2, l: [(id: "x", v: 1, w: 2), (id: "y", v: 4), (id: "z", v: 5)], p: [3], s: (k: 1, m: 3), new: 1)"#
            )
        );
    }

    #[test]
    fn setting() {
        let mut t = n(r#"(a: (b: 1), l: [(id: "x", v: 1)])"#);
        set(&mut t, "a.b", n("Uniform(1, 2)")).unwrap();
        set(&mut t, "l.x.w", n("5")).unwrap();
        set(&mut t, "a.c", n("\"s\"")).unwrap();
        assert!(set(&mut t, "l.y.w", n("5")).is_err());
        // A missing struct on the way is created (typed deserialization then judges the names).
        set(&mut t, "q.r", n("5")).unwrap();
        assert!(set(&mut t, "l.x.v.deeper", n("5")).is_err());
        assert_eq!(
            t,
            n(r#"(a: (b: Uniform(1, 2), c: "s"), l: [(id: "x", v: 1, w: 5)], q: (r: 5))"#)
        );
        remove(&mut t, "l.x").unwrap();
        assert_eq!(t, n(r#"(a: (b: Uniform(1, 2), c: "s"), l: [], q: (r: 5))"#));
    }
}
