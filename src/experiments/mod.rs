//! Experiments over many batches: parameter sweeps, global sensitivity analysis and scenario discovery.
//!
//! The numerical cores are pure functions (no IO, no model): [`design`] (grid, Latin hypercube,
//! scrambled Sobol points in the unit cube), [`dist`] (inverse CDFs mapping unit-cube points onto a
//! scenario's distributions), [`sensitivity`] (Saltelli design, Saltelli 2010 first-order and Jansen
//! total indices with bootstrap intervals), [`morris`] (elementary effects), [`prim`] (PRIM peeling),
//! and [`sweep`] (turning parameter ranges and a design into `--set` points). The CLI commands
//! (`crossroads sweep`, `sensitivity`, `discover`) run the model through these.

pub mod design;
pub mod dist;
pub mod morris;
pub mod prim;
pub mod sensitivity;
pub mod sweep;
