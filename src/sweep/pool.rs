//! The trials' processes: up to J children of this same binary at once, each with its own
//! `RAYON_NUM_THREADS`, its output in the trial's `trial.log`, in a process group of its own
//! (a Ctrl-C at the terminal reaches only the sweep, which passes it on once, so every trial
//! stops cleanly instead of counting two signals). On Linux a child also gets SIGTERM if the
//! sweep dies, so no trial trains on unwatched.

use super::outcome::LOG_FILE;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often running children are looked at.
const POLL: Duration = Duration::from_millis(100);

/// One trial to run: the binary's arguments, in the trial's folder `dir`.
#[derive(Debug, Clone)]
pub struct Job {
    pub index: usize,
    pub dir: PathBuf,
    pub args: Vec<OsString>,
}

/// What the pool reports as it goes.
pub enum Event<'a> {
    Started(&'a Job),
    /// The exit code (128 + N for a child a signal killed) and the time it ran.
    Ended(&'a Job, i32, f64),
}

/// How the children run: this many at once, each with this many threads.
#[derive(Debug, Clone, Copy)]
pub struct Slots {
    pub jobs: usize,
    pub threads: usize,
}

/// Run `jobs` with `exe`, in order, `slots.jobs` at a time. Each message on `stop` (a
/// SIGINT/SIGTERM of the sweep) is passed to every running child as SIGINT, and no new
/// child starts after the first. Returns whether a stop came.
pub fn run(
    exe: &Path,
    jobs: Vec<Job>,
    slots: Slots,
    stop: &Receiver<()>,
    mut on: impl FnMut(Event),
) -> bool {
    let mut queue: VecDeque<Job> = jobs.into();
    let mut running: Vec<(Job, Child, Instant)> = Vec::new();
    let mut stopping = false;
    loop {
        while !stopping && running.len() < slots.jobs.max(1) {
            let Some(job) = queue.pop_front() else { break };
            match spawn(exe, &job, slots.threads) {
                Ok(child) => {
                    on(Event::Started(&job));
                    running.push((job, child, Instant::now()));
                }
                Err(e) => {
                    note(
                        &job.dir,
                        &format!("convscope: error: cannot start the trial's process: {e}"),
                    );
                    on(Event::Ended(&job, 1, 0.0));
                }
            }
        }
        if running.is_empty() {
            return stopping;
        }
        match stop.recv_timeout(POLL) {
            Ok(()) => {
                stopping = true;
                running.iter().for_each(|(_, child, _)| interrupt(child));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(POLL),
        }
        reap(&mut running, &mut on);
    }
}

/// Report and forget the children that have ended.
fn reap(running: &mut Vec<(Job, Child, Instant)>, on: &mut impl FnMut(Event)) {
    let mut i = 0;
    while i < running.len() {
        let ended = match running[i].1.try_wait() {
            Ok(Some(status)) => Some(code(status)),
            Ok(None) => None,
            Err(_) => Some(1),
        };
        match ended {
            Some(code) => {
                let (job, _, since) = running.remove(i);
                on(Event::Ended(&job, code, since.elapsed().as_secs_f64()));
            }
            None => i += 1,
        }
    }
}

fn spawn(exe: &Path, job: &Job, threads: usize) -> std::io::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(job.dir.join(LOG_FILE))?;
    let mut cmd = Command::new(exe);
    cmd.args(&job.args)
        .env("RAYON_NUM_THREADS", threads.max(1).to_string())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    detach(&mut cmd);
    cmd.spawn()
}

/// Append a line to the trial's log (what the sweep itself has to say about it).
fn note(dir: &Path, line: &str) {
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(LOG_FILE))
    {
        let _ = writeln!(f, "{line}");
    }
}

#[cfg(unix)]
fn detach(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn detach(_: &mut Command) {}

#[cfg(unix)]
fn interrupt(child: &Child) {
    // SAFETY: kill(2) with a pid this process spawned and has not reaped yet.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
}

#[cfg(not(unix))]
fn interrupt(_: &Child) {}

fn code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    status.code().unwrap_or(1)
}
