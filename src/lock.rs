//! A run folder's owner: the process that trains in a run folder holds `RUN/.lock` for the
//! whole run, so a second process (`--resume`, the dashboard's `R`, a sweep) cannot write into
//! the same folder at the same time, and `watch`/`report` can say the run is still going.
//!
//! The file is created atomically (`create_new`) and names its holder: program, pid, host,
//! when it was taken, the process's start time and the machine's boot id. It is removed when
//! the [`RunLock`] is dropped. A holder that died without removing it is recognised by what
//! the file says, never by its age: on this host a holder whose pid no longer exists, or now
//! belongs to another process (other start time or program), or that ran before a reboot, is
//! stale and the lock is taken over (with a note). A holder on another host cannot be checked
//! from here, so its lock is always respected; the error says who holds it and that deleting
//! the file is the way to override it. While held, the file is also `flock`ed, so two
//! processes taking over the same stale lock cannot both win.

mod proc;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The lock file's name inside a run folder.
pub const LOCK_FILE: &str = ".lock";

/// How often a lock file that is being written (or vanishes while read) is looked at again
/// before giving up, and how long between looks.
const ATTEMPTS: usize = 50;
const PAUSE: Duration = Duration::from_millis(10);

/// Who holds a run folder: the content of its `.lock` file (one JSON object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The holder's program name (`/proc/self/comm`), normally `convscope`.
    pub program: String,
    pub pid: u32,
    pub host: String,
    /// When the lock was taken, seconds since the Unix epoch.
    pub since: u64,
    /// The process's start time in clock ticks after boot (`/proc/PID/stat` field 22):
    /// tells the holder from a later process that was given the same pid.
    pub proc_start: Option<u64>,
    /// The machine's boot id when the lock was taken: another one means a reboot since.
    pub boot_id: Option<String>,
}

impl Holder {
    /// This process, now.
    pub fn this_process() -> Holder {
        let pid = std::process::id();
        Holder {
            program: proc::comm(pid).unwrap_or_else(|| "convscope".into()),
            pid,
            host: proc::hostname(),
            since: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            proc_start: proc::start_ticks(pid),
            boot_id: proc::boot_id(),
        }
    }

    /// Whether the holder is on the machine this process runs on.
    pub fn is_on_this_host(&self) -> bool {
        self.host == proc::hostname()
    }

    /// Whether the holder is this very process.
    pub fn is_this_process(&self) -> bool {
        self.is_on_this_host()
            && self.pid == std::process::id()
            && self.proc_start == proc::start_ticks(self.pid)
    }

    /// `Some(why)` when the holder is known to be gone; `None` when it is alive or cannot be
    /// checked from here (another host, no `/proc`).
    pub fn gone(&self) -> Option<String> {
        if !self.is_on_this_host() {
            return None;
        }
        let boot_now = proc::boot_id();
        if let (Some(then), Some(now)) = (&self.boot_id, &boot_now) {
            if then != now {
                return Some("the machine has restarted since".into());
            }
        }
        proc::gone(self.pid, self.proc_start, &self.program)
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A damaged file's time must not panic: past what SystemTime holds it shows as 1970.
        let when = UNIX_EPOCH.checked_add(Duration::from_secs(self.since));
        let t = crate::rundir::timestamp(when.unwrap_or(UNIX_EPOCH));
        write!(
            f,
            "{} pid {} on host {} since {}-{}-{} {}:{}:{} UTC",
            self.program,
            self.pid,
            self.host,
            &t[0..4],
            &t[4..6],
            &t[6..8],
            &t[9..11],
            &t[11..13],
            &t[13..15]
        )
    }
}

/// Why a run folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process (or one on another host, which cannot be checked) holds it.
    #[error("{}: the run is in use by {holder}{}", .run.display(), held_advice(.holder, .lock))]
    Held {
        run: PathBuf,
        lock: PathBuf,
        holder: Box<Holder>,
    },
    /// The lock file exists but does not say who holds it (being written, or damaged).
    #[error(
        "{}: the lock file cannot be read ({why}); if no convscope is using this run, delete it (rm {}) and try again",
        .lock.display(),
        .lock.display()
    )]
    Unreadable { lock: PathBuf, why: String },
    #[error("{}: cannot {what} the lock file: {source}", .lock.display())]
    Io {
        lock: PathBuf,
        what: &'static str,
        #[source]
        source: io::Error,
    },
}

/// What to do about a held lock, after the holder.
fn held_advice(holder: &Holder, lock: &Path) -> String {
    let lock = lock.display();
    if holder.is_this_process() {
        " (this process): it is already training there".to_string()
    } else if holder.is_on_this_host() {
        format!(
            ".\nWait for that run to end, or stop it. Only if no such process is running, delete {lock} (rm {lock}) and try again."
        )
    } else {
        format!(
            ".\nA process on another host cannot be checked from here, so this lock is kept however old it is. If that run has ended (or {} went down), delete {lock} (rm {lock}) and try again.",
            holder.host
        )
    }
}

/// The lock on one run folder, held until dropped (then the file is removed).
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    file: File,
    holder: Holder,
    took_over: Option<(Holder, String)>,
}

impl RunLock {
    /// Lock `run_dir` for this process: create `run_dir/.lock`, or take it over when its
    /// holder is known to be gone. Refused when someone else holds it (see [`LockError`]).
    pub fn acquire(run_dir: &Path) -> Result<RunLock, LockError> {
        let path = run_dir.join(LOCK_FILE);
        let me = Holder::this_process();
        let mut last = String::from("it vanished while being read");
        for _ in 0..ATTEMPTS {
            match create(&path, &me) {
                Ok(file) => return Ok(RunLock::new(path, file, me, None)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(io_error(&path, "create", source)),
            }
            match take_over(run_dir, &path, &me)? {
                Attempt::Taken(file, old, why) => {
                    return Ok(RunLock::new(path, file, me, Some((old, why))))
                }
                Attempt::Again(why) => last = why,
            }
            std::thread::sleep(PAUSE);
        }
        Err(LockError::Unreadable {
            lock: path,
            why: last,
        })
    }

    fn new(path: PathBuf, file: File, holder: Holder, took_over: Option<(Holder, String)>) -> Self {
        RunLock {
            path,
            file,
            holder,
            took_over,
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This process, as the lock file names it.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// The stale holder whose lock was taken over, and why it was stale.
    pub fn took_over(&self) -> Option<&(Holder, String)> {
        self.took_over.as_ref()
    }

    /// The note to log when the lock was taken over from a stale holder.
    pub fn note(&self) -> Option<String> {
        self.took_over.as_ref().map(|(old, why)| {
            format!(
                "{}: took over the lock of {old}, which is gone ({why})",
                self.path.display()
            )
        })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Remove the file only while it is still ours (a user may have deleted it and another
        // process locked the run since); the flock ends when the file is closed, after this.
        if same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Who holds `run_dir`, if anyone: `None` when there is no lock file, its holder is known to
/// be gone, or it cannot be read. For `watch`/`report` to say "still running".
pub fn is_held(run_dir: &Path) -> Option<Holder> {
    let text = fs::read_to_string(run_dir.join(LOCK_FILE)).ok()?;
    let holder: Holder = serde_json::from_str(&text).ok()?;
    holder.gone().is_none().then_some(holder)
}

/// Creates the lock file with `me` in it, or fails with `AlreadyExists`.
fn create(path: &Path, me: &Holder) -> io::Result<File> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)?;
    // Takers hold a lock only for a moment; a file system without flock still gets the
    // pid/host checks.
    let _ = file.lock();
    let written = write_holder(&mut file, me);
    if let Err(e) = written {
        let _ = fs::remove_file(path);
        return Err(e);
    }
    Ok(file)
}

fn write_holder(file: &mut File, me: &Holder) -> io::Result<()> {
    let json = serde_json::to_string(me).map_err(io::Error::other)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(format!("{json}\n").as_bytes())?;
    file.sync_data()
}

/// What one look at an existing lock file found.
enum Attempt {
    /// The holder was gone and the lock is now this process's: the file, the old holder and
    /// why it was stale.
    Taken(File, Holder, String),
    /// The file changed, vanished or is being written: look again (and why).
    Again(String),
}

/// Takes the lock at `path` over if its holder is gone; refuses it if the holder is alive or
/// cannot be checked.
fn take_over(run_dir: &Path, path: &Path, me: &Holder) -> Result<Attempt, LockError> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Attempt::Again("it vanished while being read".into()))
        }
        Err(source) => return Err(io_error(path, "open", source)),
    };
    let text = read_all(&mut file).map_err(|e| io_error(path, "read", e))?;
    let holder: Holder = match serde_json::from_str(&text) {
        Ok(h) => h,
        Err(e) if text.trim().is_empty() => return Ok(Attempt::Again(format!("it is empty: {e}"))),
        Err(e) => return Ok(Attempt::Again(format!("not a convscope lock: {e}"))),
    };
    let Some(why) = holder.gone() else {
        return Err(LockError::Held {
            run: run_dir.to_path_buf(),
            lock: path.to_path_buf(),
            holder: Box::new(holder),
        });
    };
    // Gone: take it under flock, so that of two processes doing this at once one wins.
    match file.try_lock() {
        Ok(()) | Err(fs::TryLockError::Error(_)) => {}
        Err(fs::TryLockError::WouldBlock) => {
            return Ok(Attempt::Again("another process is taking it over".into()))
        }
    }
    let unchanged = same_file(&file, path) && read_all(&mut file).is_ok_and(|t| t == text);
    if !unchanged {
        return Ok(Attempt::Again("it changed while being taken over".into()));
    }
    write_holder(&mut file, me).map_err(|e| io_error(path, "write", e))?;
    Ok(Attempt::Taken(file, holder, why))
}

fn read_all(file: &mut File) -> io::Result<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    // A lock file is one short line; anything longer is not one.
    Read::by_ref(file)
        .take(64 * 1024)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.is_file()
}

fn io_error(lock: &Path, what: &'static str, source: io::Error) -> LockError {
    LockError::Io {
        lock: lock.to_path_buf(),
        what,
        source,
    }
}
