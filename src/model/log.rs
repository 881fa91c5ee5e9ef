//! The run's event log: the typed events the mechanisms emit ([`RunEvent`]), and the one place
//! that turns them into the rows of events.csv and of a trace ([`super::Event`], by [`row`]).
//!
//! A mechanism names what happened with a variant and the indices it concerns; the words of the
//! `action` and `result` columns are written here once, so a typo in a mechanism is a compile error,
//! not a silent new event kind. The model keeps the log only when events are recorded
//! ([`super::RunOptions::events`]); ids are looked up at the end of the run.

use super::Event;
use super::compile::Ix;
use crate::scenario::schema::{ACTION_NAMES, Scenario};

/// Something that happened in a run, as the mechanism that made it happen says it.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    /// An actor's action resolved (schedule step 3): `kind` indexes [`ACTION_NAMES`], `target` is
    /// the id the action names in the log, `result` the action's own word (`ok`, `detected`, ...).
    Acted {
        actor: Ix,
        kind: usize,
        target: String,
        magnitude: f64,
        result: &'static str,
    },
    /// An actor chose whether a decided event fires (expected utility `utility`).
    DecidedEvent {
        actor: Ix,
        event: Ix,
        utility: f64,
        taken: bool,
    },
    /// An actor chose whether a decided transition moves the process to `phase`.
    DecidedPhase {
        actor: Ix,
        phase: Ix,
        utility: f64,
        taken: bool,
    },
    /// A scenario event fired.
    EventFired(Ix),
    /// The process entered a phase.
    PhaseEntered(Ix),
    /// An election was held; `share` is the leading list's vote share (0 without a winner).
    Election {
        election: Ix,
        share: f64,
        outcome: ElectionOutcome,
    },
    /// A referendum effect was held in a country.
    Referendum {
        country: Ix,
        yes: f64,
        result: ReferendumVerdict,
    },
    /// A bargaining round on an issue; `forecast` after the round, `moved` if any position moved.
    Bargaining {
        issue: Ix,
        forecast: f64,
        moved: bool,
    },
    /// A project became operational.
    ProjectOperational(Ix),
}

/// How an election ended for the government.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionOutcome {
    /// The leading list already governed.
    SameGovernment,
    /// A new party (actor index) leads the government.
    NewGovernment(Ix),
    /// No government forms.
    NoWinner,
}

/// How a referendum ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferendumVerdict {
    Passed,
    Failed,
    NoQuorum,
}

/// The events.csv row of an event at `tick` (docs/outputs.md describes the columns).
pub fn row(s: &Scenario, tick: u32, e: &RunEvent) -> Event {
    let actor = |a: Ix| s.actors[a].id.clone();
    let taken = |t: bool| if t { "taken" } else { "declined" };
    let (actor, action, target, magnitude, result): (String, &str, String, f64, &str) = match e {
        RunEvent::Acted {
            actor: a,
            kind,
            target,
            magnitude,
            result,
        } => (
            actor(*a),
            ACTION_NAMES[*kind],
            target.clone(),
            *magnitude,
            result,
        ),
        RunEvent::DecidedEvent {
            actor: a,
            event,
            utility,
            taken: t,
        } => (
            actor(*a),
            "decide",
            s.events[*event].id.clone(),
            *utility,
            taken(*t),
        ),
        RunEvent::DecidedPhase {
            actor: a,
            phase,
            utility,
            taken: t,
        } => (
            actor(*a),
            "decide",
            s.process.phases[*phase].id.clone(),
            *utility,
            taken(*t),
        ),
        RunEvent::EventFired(ev) => (
            String::new(),
            "event",
            s.events[*ev].id.clone(),
            1.0,
            "fired",
        ),
        RunEvent::PhaseEntered(p) => (
            String::new(),
            "phase",
            s.process.phases[*p].id.clone(),
            0.0,
            "entered",
        ),
        RunEvent::Election {
            election,
            share,
            outcome,
        } => {
            let id = s.elections[*election].id.clone();
            let result = match outcome {
                ElectionOutcome::SameGovernment => "same_government",
                ElectionOutcome::NewGovernment(p) => s.actors[*p].id.as_str(),
                ElectionOutcome::NoWinner => "no_winner",
            };
            (String::new(), "election", id, *share, result)
        }
        RunEvent::Referendum {
            country,
            yes,
            result,
        } => {
            let result = match result {
                ReferendumVerdict::Passed => "passed",
                ReferendumVerdict::Failed => "failed",
                ReferendumVerdict::NoQuorum => "no_quorum",
            };
            (
                String::new(),
                "referendum",
                s.countries[*country].id.clone(),
                *yes,
                result,
            )
        }
        RunEvent::Bargaining {
            issue,
            forecast,
            moved,
        } => (
            String::new(),
            "bargaining",
            s.issues[*issue].id.clone(),
            *forecast,
            if *moved { "moved" } else { "stuck" },
        ),
        RunEvent::ProjectOperational(p) => (
            String::new(),
            "project",
            s.projects[*p].id.clone(),
            1.0,
            "operational",
        ),
    };
    Event {
        tick,
        actor,
        action: action.to_string(),
        target,
        magnitude,
        result: result.to_string(),
    }
}
