//! `crossroads merge`: combine shard folders into one, byte-identical to the batch run whole.

use super::run::{output_error, render_extras};
use super::{CliError, MergeArgs};
use crate::outputs::merge_folders;

pub fn exec(args: MergeArgs) -> Result<(), CliError> {
    let m = merge_folders(&args.dirs, &args.out, args.force).map_err(output_error)?;
    if !args.no_charts {
        render_extras(&args.out).map_err(CliError::failure)?;
    }
    println!(
        "merged {} shards: {} runs in {}",
        args.dirs.len(),
        m.completed_runs,
        args.out.display()
    );
    Ok(())
}
