//! `convscope runs [--compare A B …]`: the run history, or some runs side by side. Needs
//! no config and no data.

use super::{Error, Exit};
use crate::cli::RunsArgs;

pub fn run(args: &RunsArgs) -> Result<Exit, Error> {
    let text = crate::history::output(&args.runs_dir(), &args.compare).map_err(Error::usage)?;
    super::print(&text)?;
    Ok(Exit::Done)
}
