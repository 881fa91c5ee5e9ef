//! outputs (in progress)
