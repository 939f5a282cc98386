//! Checkpoints as safetensors, written atomically so a crash mid-write never destroys the
//! previous good one.

use crate::model::Model;
use crate::rundir::write_atomic_with;
use std::path::Path;

pub fn save_checkpoint(model: &Model, path: &Path) -> Result<(), String> {
    let state = model.state_dict().map_err(|e| e.to_string())?;
    write_atomic_with(path, |tmp| {
        candle_core::safetensors::save(&state, tmp).map_err(std::io::Error::other)?;
        if crate::fault::active(crate::fault::Fault::SlowCheckpoint) {
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
        Ok(())
    })
    .map_err(|e| e.to_string())
}

pub fn load_checkpoint(model: &mut Model, path: &Path) -> Result<(), String> {
    let state = candle_core::safetensors::load(path, model.device())
        .map_err(|e| format!("{}: cannot read checkpoint: {e}", path.display()))?;
    model
        .load_state_dict(&state)
        .map_err(|e| format!("{}: {e}", path.display()))
}
