//! Prints the number of Deffuant–Weisbuch encounters (pair draws) one run of a scenario makes:
//! the sum over countries with `Deffuant` dynamics of `size × encounters × horizon` (`encounters` at its
//! nominal value when uncertain). Used by `scripts/bench-engine.sh` to price a whole run in encounters.
//!
//! Usage: `cargo run --release --example encounters -- FILE [--set PATH=VALUE]...`

use std::path::Path;

use crossroads::scenario::{self, schema::Dynamics};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: encounters FILE [--set PATH=VALUE]...");
        std::process::exit(2);
    };
    let mut sets = Vec::new();
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--set", Some(v)) => sets.push(v.clone()),
            _ => {
                eprintln!("usage: encounters FILE [--set PATH=VALUE]...");
                std::process::exit(2);
            }
        }
    }
    let r = match scenario::load(Path::new(file), &sets) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let s = &r.scenario;
    let per_tick: f64 = s
        .countries
        .iter()
        .map(|c| match &c.population.dynamics {
            Dynamics::Deffuant { encounters, .. } => {
                f64::from(c.population.size) * encounters.value()
            }
            _ => 0.0,
        })
        .sum();
    println!("{}", (per_tick * f64::from(s.run.horizon)).round() as u64);
}
