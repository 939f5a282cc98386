//! `convscope summary`: the configured model's layer table (torchsummary's format) and its
//! receptive-field table; needs no data.

use super::{Error, Exit};
use crate::cli::ConfigArgs;

pub fn run(args: &ConfigArgs) -> Result<Exit, Error> {
    let config = super::load_config(args, &crate::config::Override::sets(&args.sets))?;
    let s = config
        .preset()
        .summarize()
        .map_err(|e| Error::usage(format!("model '{}': {e}", config.model)))?;
    super::print(&format!(
        "{}\nReceptive field per layer ({}):\n{}",
        s.torchsummary(),
        config.model,
        s.rf_table()
    ))?;
    Ok(Exit::Done)
}
