//! The worker pool and the bounded reorder window between workers and the in-order consumer.

use super::{BatchEnd, BatchSpec, Failure, FailureKind, Simulate, Stop};
use crate::model::RunOutput;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A finished run, a failed one, or one abandoned when the stop flag was raised (`None`).
type Slot = Result<Option<RunOutput>, Failure>;

struct State {
    /// Next run index a worker may take.
    next: u64,
    /// Next run index the consumer waits for.
    delivered: u64,
    /// Finished runs waiting for their turn.
    done: BTreeMap<u64, Slot>,
    /// Set by the consumer when it stops early: workers take nothing more.
    closed: bool,
    max_in_flight: usize,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when the window moves (or closes): workers wait on it.
    space: Condvar,
    /// Signalled when a run finishes: the consumer waits on it.
    ready: Condvar,
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

fn worker<S: Simulate + ?Sized>(
    sim: &S,
    spec: &BatchSpec,
    window: u64,
    sh: &Shared,
    stop: &AtomicBool,
) {
    loop {
        let i = {
            let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if st.closed || st.next >= spec.end || stop.load(Ordering::SeqCst) {
                    return;
                }
                if st.next < st.delivered + window {
                    break;
                }
                st = sh.space.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            let i = st.next;
            st.next += 1;
            st.max_in_flight = st.max_in_flight.max((st.next - st.delivered) as usize);
            i
        };
        let stopped = || stop.load(Ordering::SeqCst);
        let ran = catch_unwind(AssertUnwindSafe(|| {
            sim.run_until(spec.seed, i, &spec.opts, &stopped)
        }));
        let slot = match ran {
            Ok(Ok(None)) => Ok(None),
            Ok(Ok(Some(out))) if out.series.len() != sim.ticks() as usize * sim.layout().len() => {
                Err(Failure {
                    run: i,
                    seed: spec.seed,
                    kind: FailureKind::Model,
                    message: format!(
                        "the run recorded {} series values, expected {} ({} ticks × {} series)",
                        out.series.len(),
                        sim.ticks() as usize * sim.layout().len(),
                        sim.ticks(),
                        sim.layout().len()
                    ),
                })
            }
            Ok(Ok(Some(out))) => match super::non_finite(&out, sim.layout(), sim.ticks()) {
                Some(what) => Err(Failure {
                    run: i,
                    seed: spec.seed,
                    kind: FailureKind::Model,
                    message: format!(
                        "a value is not finite (NaN or infinite): {what}; a scenario value may be \
                         too large for the model"
                    ),
                }),
                None => Ok(Some(out)),
            },
            Ok(Err(e)) => Err(Failure {
                run: i,
                seed: spec.seed,
                kind: FailureKind::Model,
                message: e.0,
            }),
            Err(p) => Err(Failure {
                run: i,
                seed: spec.seed,
                kind: FailureKind::Panic,
                message: panic_message(p.as_ref()),
            }),
        };
        let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
        st.done.insert(i, slot);
        drop(st);
        sh.ready.notify_one();
    }
}

fn consumer<F>(spec: &BatchSpec, sh: &Shared, stop: &AtomicBool, mut consume: F) -> Stop
where
    F: FnMut(u64, RunOutput) -> Result<(), String>,
{
    let mut i = spec.first;
    while i < spec.end {
        let slot = {
            let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(s) = st.done.remove(&i) {
                    // An abandoned run is not delivered: the batch ends before it.
                    if !matches!(s, Ok(None)) {
                        st.delivered = i + 1;
                    }
                    break s;
                }
                // Interrupted and the run we wait for was never started: finished runs are all in.
                if stop.load(Ordering::SeqCst) && st.next <= i {
                    return Stop::Interrupted;
                }
                let (g, _) = sh
                    .ready
                    .wait_timeout(st, Duration::from_millis(50))
                    .unwrap_or_else(|e| e.into_inner());
                st = g;
                if stop.load(Ordering::SeqCst) {
                    sh.space.notify_all();
                }
            }
        };
        sh.space.notify_all();
        match slot {
            // Abandoned at the stop flag: the runs before it are all delivered.
            Ok(None) => return Stop::Interrupted,
            Ok(Some(out)) => {
                if let Err(message) = consume(i, out) {
                    return Stop::Failed(Failure {
                        run: i,
                        seed: spec.seed,
                        kind: FailureKind::Consumer,
                        message,
                    });
                }
            }
            Err(f) => return Stop::Failed(f),
        }
        i += 1;
    }
    Stop::Complete
}

pub(super) fn run<S, F>(sim: &S, spec: &BatchSpec, stop: &AtomicBool, consume: F) -> BatchEnd
where
    S: Simulate + ?Sized,
    F: FnMut(u64, RunOutput) -> Result<(), String>,
{
    let threads = spec.threads.max(1);
    let window = if spec.window == 0 {
        4 * threads
    } else {
        spec.window
    };
    let sh = Shared {
        state: Mutex::new(State {
            next: spec.first,
            delivered: spec.first,
            done: BTreeMap::new(),
            closed: false,
            max_in_flight: 0,
        }),
        space: Condvar::new(),
        ready: Condvar::new(),
    };
    let body = |sh: &Shared| {
        let stop_reason = consumer(spec, sh, stop, consume);
        let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
        st.closed = true;
        drop(st);
        sh.space.notify_all();
        stop_reason
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("crossroads-run-{i}"))
        .build();
    let stop_reason = match pool {
        Ok(pool) => pool.in_place_scope(|s| {
            for _ in 0..threads {
                s.spawn(|_| worker(sim, spec, window as u64, &sh, stop));
            }
            body(&sh)
        }),
        // No pool (resource limits): plain scoped threads do the same job.
        Err(_) => std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| worker(sim, spec, window as u64, &sh, stop));
            }
            body(&sh)
        }),
    };
    let st = sh.state.into_inner().unwrap_or_else(|e| e.into_inner());
    let completed = match &stop_reason {
        Stop::Failed(f) => f.run - spec.first,
        _ => st.delivered - spec.first,
    };
    BatchEnd {
        stop: stop_reason,
        completed,
        window,
        max_in_flight: st.max_in_flight,
    }
}
