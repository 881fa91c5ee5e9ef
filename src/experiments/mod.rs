//! Experiments built on the batch runner: [`compare`] runs several scenarios on common random numbers
//! (run `i` of every scenario uses the streams of `(seed, i)`) and folds paired differences of their
//! outcomes as the runs arrive, so memory stays flat in the number of runs.

pub mod compare;
