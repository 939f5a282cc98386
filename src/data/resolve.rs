//! Decides where MNIST comes from. A folder the user named (`--data-dir`, else config
//! `data.dir`) is the only place tried: if it lacks the data that is an error naming it, never
//! a quiet switch to another data set. Only when nothing was named are the fallbacks tried in
//! the documented order (`MNIST_DIR`, `./data/mnist`, the hub), skipping places without the
//! data, stopping at data that is there but broken, and otherwise returning one error naming
//! every place tried.

use std::path::Path;

use super::error::{Attempt, DataError};
use super::{dir, DataSource, LoadOptions, Mnist};

/// [`super::load`] with every input explicit.
pub fn load_with(opts: &LoadOptions) -> Result<Mnist, DataError> {
    match (&opts.cli_dir, &opts.config_dir) {
        (Some(path), _) => load_named(DataSource::Cli(path.clone()), path),
        (None, Some(path)) => load_named(DataSource::Config(path.clone()), path),
        (None, None) => load_fallbacks(opts),
    }
}

/// The folder the user named (`source`, at `path`), and no other.
fn load_named(source: DataSource, path: &Path) -> Result<Mnist, DataError> {
    match dir::load(path, source.to_string()) {
        Err(DataError::Absent { reason, .. }) => Err(DataError::NamedAbsent {
            place: source.to_string(),
            reason,
        }),
        other => other,
    }
}

/// Nothing named: `MNIST_DIR`, `./data/mnist`, then the hub.
fn load_fallbacks(opts: &LoadOptions) -> Result<Mnist, DataError> {
    let mut attempts: Vec<Attempt> = ["--data-dir", "config data.dir"]
        .map(|place| Attempt {
            place: place.into(),
            why: "not set".into(),
        })
        .into();
    // Places that were set but lacked the data; a successful source mentions them.
    let mut skipped: Vec<String> = Vec::new();
    let folders = [
        ("env MNIST_DIR", opts.env_dir.clone().map(DataSource::Env)),
        (
            super::DEFAULT_DIR,
            Some(DataSource::Default(opts.default_dir.clone())),
        ),
    ];
    for (name, source) in folders {
        let Some(source) = source else {
            attempts.push(Attempt {
                place: name.into(),
                why: "not set".into(),
            });
            continue;
        };
        let (DataSource::Env(path) | DataSource::Default(path)) = &source else {
            continue;
        };
        match dir::load(path, with_skipped(source.to_string(), &skipped)) {
            Ok(m) => return Ok(m),
            Err(DataError::Absent { reason, .. }) => {
                if !matches!(source, DataSource::Default(_)) {
                    skipped.push(format!("{source}: {reason}"));
                }
                attempts.push(Attempt {
                    place: source.to_string(),
                    why: reason,
                });
            }
            Err(e) => return Err(e),
        }
    }
    let place = DataSource::Hub.to_string();
    match &opts.hub {
        None => attempts.push(Attempt {
            place,
            why: "skipped (hub loading is turned off)".into(),
        }),
        Some(hub_opts) => match hub(hub_opts) {
            Ok((train, test, where_)) => {
                let source = with_skipped(format!("{place}, {where_}"), &skipped);
                return Ok(Mnist {
                    train,
                    test,
                    source,
                });
            }
            Err(why) => attempts.push(Attempt { place, why }),
        },
    }
    Err(DataError::NotFound { attempts })
}

#[cfg(feature = "hub")]
fn hub(opts: &super::HubOptions) -> Result<(super::Split, super::Split, String), String> {
    super::hub::load(opts)
}

#[cfg(not(feature = "hub"))]
fn hub(_: &super::HubOptions) -> Result<(super::Split, super::Split, String), String> {
    Err("not available: convscope was built without the `hub` cargo feature".into())
}

/// `source`, followed by the places that were set but did not have the data.
fn with_skipped(source: String, skipped: &[String]) -> String {
    if skipped.is_empty() {
        source
    } else {
        format!("{source} (skipped: {})", skipped.join("; "))
    }
}
