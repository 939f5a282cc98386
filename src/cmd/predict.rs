//! The `predict` command: read each image (a file, or `-` for standard input), prepare it,
//! classify them together and print one line per image — or one JSON object per line with
//! `--json`. An image that cannot be read is reported on stderr with its name; the others
//! are still classified, and the command then fails (exit 2).

use super::{Error, Exit};
use crate::cli::PredictArgs;
use crate::predict::{image, line, prep, PredictError, Predictor};
use std::io::Read;
use std::path::PathBuf;

/// One image's bytes and the name its messages use.
fn read(path: &PathBuf) -> Result<(String, Vec<u8>), PredictError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| PredictError::Image {
                name: "stdin".into(),
                reason: format!("cannot read: {e}"),
            })?;
        return Ok(("stdin".into(), bytes));
    }
    let name = path.display().to_string();
    // The size limit is checked from the header; the file itself is capped well above what
    // a 16-megapixel PNG or PGM needs.
    let meta = std::fs::metadata(path).map_err(|e| PredictError::Image {
        name: name.clone(),
        reason: format!("cannot read: {e}"),
    })?;
    if meta.len() > 8 * image::MAX_PIXELS + 1024 {
        return Err(PredictError::Image {
            name,
            reason: format!(
                "{} bytes is too large for an image of at most {} pixels",
                meta.len(),
                image::MAX_PIXELS
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| PredictError::Image {
        name: name.clone(),
        reason: format!("cannot read: {e}"),
    })?;
    Ok((name, bytes))
}

/// A prepared digit, or why there is none.
fn load(path: &PathBuf) -> Result<(String, prep::Prepared), PredictError> {
    let (name, bytes) = read(path)?;
    let grey = image::decode(&name, &bytes)?;
    let digit = prep::prepare(&grey).map_err(|e| PredictError::Image {
        name: name.clone(),
        reason: e.to_string(),
    })?;
    Ok((name, digit))
}

/// Every failure is the user's to fix (the run, an image): exit 2.
pub fn run(args: &PredictArgs) -> Result<Exit, Error> {
    let dir = super::runs::resolve(&args.runs_dir(), &args.run, "predict")?;
    predict(args, &dir).map_err(Error::usage)
}

fn predict(args: &PredictArgs, dir: &std::path::Path) -> Result<Exit, PredictError> {
    if args.images.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(PredictError::Image {
            name: "stdin".into(),
            reason: "`-` may be given once (standard input holds one image)".into(),
        });
    }
    let mut predictor = Predictor::load(dir)?;
    let mut names = Vec::new();
    let mut digits = Vec::new();
    let mut failed = 0;
    for path in &args.images {
        match load(path) {
            Ok((name, d)) => {
                names.push(name);
                digits.push(d.pixels);
            }
            Err(e) => {
                eprintln!("convscope: error: {e}");
                failed += 1;
            }
        }
    }
    for (name, probs) in names.iter().zip(predictor.probabilities(&digits)?) {
        // A closed stdout ends the listing quietly, as every command does.
        if super::print(&format!("{}\n", line(name, &probs, args.json))).is_err() {
            return Ok(Exit::Done);
        }
    }
    if failed > 0 {
        return Err(PredictError::Failed {
            failed,
            total: args.images.len(),
        });
    }
    Ok(Exit::Done)
}
