//! The `crossroads` binary: a thin shell around [`crossroads::cli::main`].
fn main() {
    std::process::exit(crossroads::cli::main());
}
