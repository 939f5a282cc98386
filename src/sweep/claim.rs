//! Who runs a trial: before a process starts trial K it creates `<trial>/claim` with
//! `create_new` (O_EXCL), holding its host, pid and time ([`crate::lock::Holder`]). Of many
//! machines sharing the sweep folder exactly one wins; the others are refused, naming the
//! holder. The file stays after the trial ends (who ran it). A claim whose holder is gone
//! (this host: the pid is gone; another host: `--resume` says so) can be taken over.
//! Two processes writing the same trial at once are also kept apart by the run's own
//! `.lock` ([`crate::lock`]), which the trial's training process holds.

use crate::lock::Holder;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The claim's file name inside a trial's folder.
pub const CLAIM_FILE: &str = "claim";

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("{}: trial {index} is already claimed by {holder}{}", .dir.display(), advice(.index, .holder, .gone))]
    Claimed {
        dir: PathBuf,
        index: usize,
        holder: Box<Holder>,
        /// Why the holder is known to be gone, when it is.
        gone: Option<String>,
    },
    #[error("{}: trial {index} is claimed by {holder}, which is still running; it cannot be taken over", .dir.display())]
    Alive {
        dir: PathBuf,
        index: usize,
        holder: Box<Holder>,
    },
    #[error("{}: cannot claim the trial: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn advice(index: &usize, holder: &Holder, gone: &Option<String>) -> String {
    match gone {
        Some(why) => format!(" ({why}); `convscope sweep --trial {index} --resume SWEEP_DIR` takes it over"),
        None if holder.is_on_this_host() => " (still running)".into(),
        None => format!(" (on another host; if that machine died, `convscope sweep --trial {index} --resume SWEEP_DIR` takes it over)"),
    }
}

/// How the claim was had.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    Fresh,
    /// This process already held it.
    Own,
    /// Taken over from a holder that is gone (or on another host), with why.
    TookOver {
        from: Holder,
        why: String,
    },
}

/// The holder named by `dir/claim`, if the file is there and readable.
pub fn holder(dir: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(dir.join(CLAIM_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Claim trial `index` in `dir` (made if missing) for this process. Without `takeover`
/// an existing claim is refused; with it, one whose holder is gone or on another host is
/// taken over (a live holder on this host never is).
pub fn claim(dir: &Path, index: usize, takeover: bool) -> Result<Claimed, ClaimError> {
    let path = dir.join(CLAIM_FILE);
    let io = |source| ClaimError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let me = Holder::this_process();
    let json = serde_json::to_string(&me).unwrap_or_default();
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut f) => {
            f.write_all(json.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(io)?;
            return Ok(Claimed::Fresh);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let Some(holder) = holder(dir) else {
        // Written by a process killed mid-write, or damaged: nobody can be asked.
        return take(
            &path,
            &json,
            takeover,
            dir,
            index,
            unreadable_holder(),
            "its claim file is unreadable".into(),
        );
    };
    if holder.is_this_process() {
        return Ok(Claimed::Own);
    }
    let gone = holder.gone();
    if takeover && gone.is_none() && holder.is_on_this_host() {
        return Err(ClaimError::Alive {
            dir: dir.to_path_buf(),
            index,
            holder: Box::new(holder),
        });
    }
    let why = gone
        .clone()
        .unwrap_or_else(|| format!("held on host {}; taken over with --resume", holder.host));
    if !takeover {
        return Err(ClaimError::Claimed {
            dir: dir.to_path_buf(),
            index,
            holder: Box::new(holder),
            gone,
        });
    }
    take(&path, &json, takeover, dir, index, holder, why)
}

fn take(
    path: &Path,
    json: &str,
    takeover: bool,
    dir: &Path,
    index: usize,
    from: Holder,
    why: String,
) -> Result<Claimed, ClaimError> {
    if !takeover {
        return Err(ClaimError::Claimed {
            dir: dir.to_path_buf(),
            index,
            holder: Box::new(from),
            gone: Some(why),
        });
    }
    crate::atomic::write_atomic(path, json.as_bytes()).map_err(|source| ClaimError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Claimed::TookOver { from, why })
}

fn unreadable_holder() -> Holder {
    Holder {
        program: "?".into(),
        pid: 0,
        host: "?".into(),
        since: 0,
        proc_start: None,
        boot_id: None,
    }
}
