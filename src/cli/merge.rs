//! `crossroads merge`: combine shard folders into one, byte-identical to the batch run whole. Every
//! shard is verified against its manifest first (`outputs::verify`); the merged folder may not be,
//! hold or lie inside a shard.

use super::{CliError, MergeArgs, output_error, render_extras, term};
use crate::outputs::merge::merge_to;
use crate::outputs::{FolderKind, Target};

pub fn exec(args: MergeArgs) -> Result<(), CliError> {
    super::check_out(&args.out, &args.dirs)?;
    let command = crate::outputs::lock::this_command();
    term::install_signal_handler();
    let (m, dir) = merge_to(
        &args.dirs,
        &Target {
            path: &args.out,
            kind: FolderKind::Batch,
            force: args.force,
            inputs: &args.dirs,
            command: &command,
        },
    )
    .map_err(output_error)?;
    for n in dir.notes() {
        term::errln(n);
    }
    if !args.no_charts {
        render_extras(&dir)?;
    }
    term::outln(&format!(
        "merged {} shards: {} runs in {}",
        args.dirs.len(),
        m.completed_runs,
        args.out.display()
    ))
}
