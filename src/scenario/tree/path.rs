//! Paths into a tree: the steps ([`Seg`]) from a node to a child, following and editing them, and
//! their readable form (`actors.russia.budget`).

use super::{Kind, Node};
use std::fmt::Write as _;

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
