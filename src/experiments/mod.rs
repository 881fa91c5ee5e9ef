//! Experiments built on the batch runner:
//!
//! - [`compare`] runs several scenarios on common random numbers (run `i` of every scenario uses the
//!   streams of `(seed, i)`) and folds paired differences of their outcomes as the runs arrive, so memory
//!   stays flat in the number of runs;
//! - parameter sweeps, global sensitivity analysis and scenario discovery, whose numerical cores are pure
//!   functions (no IO, no model): [`design`] (grid, Latin hypercube, scrambled Sobol points in the unit
//!   cube), [`dist`] (inverse CDFs mapping unit-cube points onto a scenario's distributions),
//!   [`sensitivity`] (Saltelli design, Saltelli 2010 first-order and Jansen total indices with bootstrap
//!   intervals), [`morris`] (elementary effects), [`pawn`] (given-data PAWN indices of a run folder's
//!   runs with bootstrap intervals and a dummy threshold), [`prim`] (PRIM peeling and pasting), and [`sweep`] (turning
//!   parameter ranges and a design into `--set` points);
//! - [`runner`]: the orchestration of each command (`compare`, `sweep`, `sensitivity`, `discover`,
//!   `drivers`, `score`; [`calibrate`] for `calibrate`), which runs the model through these and writes
//!   the output folder; the CLI maps arguments onto a runner, draws the charts and prints.

pub mod abc;
pub mod calibrate;
pub mod compare;
pub mod design;
pub mod dist;
pub mod morris;
pub mod observe;
pub mod pawn;
pub mod posterior;
pub mod prim;
pub mod runner;
pub mod score;
pub mod sensitivity;
pub mod sweep;
pub mod verify;
