//! crossroads: an agent-based geopolitical scenario simulator.
//!
//! Data flows one way, one module per stage:
//! `scenario` (RON -> validated [`scenario::Scenario`]) -> `model` (one run, tick by tick, no IO)
//! -> `batch` (many seeded runs in parallel) -> `stats` (streaming, mergeable aggregates)
//! -> `outputs` (CSV/JSON + manifest) -> `charts` + `report`. `cli` wires them to the command line.
//! `portable` (numerics and samplers that give the same bits everywhere) sits below them all.
//! See ARCHITECTURE.md for the codemap and the invariants.

pub mod batch;
pub mod charts;
pub mod cli;
pub mod experiments;
pub mod model;
pub mod outputs;
pub mod portable;
pub mod report;
pub mod scenario;
pub mod stats;
