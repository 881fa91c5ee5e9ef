//! TODO(loader): see scenario/mod.rs
