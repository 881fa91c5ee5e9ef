//! Spanned RON document tree (skeleton; the loader work fills this in).

/// A value in a RON document with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node;
