//! Where SIGINT/SIGTERM/SIGHUP go. Before a run starts there is nothing to save, so a signal
//! exits at once (130; 129 for a hangup); once it runs, the first SIGINT/SIGTERM stops it
//! cleanly (the current batch finishes, the weights and summary are written; the dashboard
//! quits after that) and a second means "now" (the run folder's files are each written
//! atomically, and the temporary file of a write in flight is removed), exit 130 either way.
//! A SIGHUP (the terminal went away) detaches: the run goes on to its end without a
//! terminal, or with `ui.on_hangup = "stop"` stops cleanly (exit 129). A SIGHUP ignored when
//! the process started (`nohup`) stays ignored.

use crate::config::OnHangup;
use crate::events::{Control, Level};
use crate::exit::Exit;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub(super) enum SignalTarget {
    /// Nothing to save: exit, saying this (on SIGINT/SIGTERM).
    Exit(&'static str),
    Trainer(Running),
    /// A sweep: each SIGINT/SIGTERM is passed on (the sweep stops its trials); a hangup
    /// changes nothing (the trials have no terminal).
    Relay(Sender<()>),
    #[cfg(feature = "tui")]
    Dashboard(Sender<crate::ui::Signal>),
}

/// A run this process trains, as a signal sees it.
#[derive(Clone)]
pub(super) struct Running {
    pub(super) control: Sender<Control>,
    pub(super) run_dir: String,
    pub(super) on_hangup: OnHangup,
}

impl Running {
    /// The terminal is gone (`why`): put it in the run's log (and `metrics.jsonl`), then
    /// let the run go on to its end (unpaused), or stop it with `ui.on_hangup = "stop"`.
    pub(super) fn lost_terminal(&self, why: &str) {
        let at = crate::rundir::timestamp(std::time::SystemTime::now());
        let then = match self.on_hangup {
            OnHangup::Detach => format!(
                "the run goes on detached, as with --headless (follow it with `convscope watch {}`)",
                self.run_dir
            ),
            OnHangup::Stop => {
                "ui.on_hangup = \"stop\": stopping after the current batch (resumable)".into()
            }
        };
        let message = format!("terminal lost at {at} UTC ({why}): {then}");
        let _ = self.control.send(Control::Note {
            level: Level::Warn,
            message,
        });
        let _ = self.control.send(match self.on_hangup {
            OnHangup::Detach => Control::Resume,
            OnHangup::Stop => Control::Stop,
        });
    }
}

/// The process's signal handler and where it sends signals now.
pub struct Signals {
    target: Mutex<SignalTarget>,
    /// SIGINT/SIGTERM received so far.
    interrupts: AtomicUsize,
    hung_up: AtomicBool,
}

impl Signals {
    /// Install the process's handler (once).
    pub(super) fn install() -> Arc<Signals> {
        let s = Arc::new(Signals {
            target: Mutex::new(SignalTarget::Exit("interrupted before the run started")),
            interrupts: AtomicUsize::new(0),
            hung_up: AtomicBool::new(false),
        });
        listen(s.clone());
        s
    }

    fn on_signal(&self, hangup: bool) {
        if hangup && self.hung_up.swap(true, Ordering::SeqCst) {
            return;
        }
        let again = !hangup && self.interrupts.fetch_add(1, Ordering::SeqCst) > 0;
        let target = self.target.lock().unwrap_or_else(|e| e.into_inner());
        match &*target {
            SignalTarget::Exit(_) if hangup => std::process::exit(Exit::HangUp.code().into()),
            SignalTarget::Exit(why) => {
                eprintln!("convscope: {why}");
                std::process::exit(Exit::Interrupted.code().into());
            }
            SignalTarget::Trainer(run) if hangup => {
                crate::tty::disown();
                run.lost_terminal("SIGHUP");
            }
            SignalTarget::Trainer(_) if again => {
                // Exiting now: a file half written must not stay behind as `*.tmp`.
                crate::atomic::inflight::remove_all();
                std::process::exit(Exit::Interrupted.code().into())
            }
            SignalTarget::Trainer(run) => {
                let _ = run.control.send(Control::Stop);
            }
            SignalTarget::Relay(_) if hangup => {}
            SignalTarget::Relay(tx) => {
                let _ = tx.send(());
            }
            #[cfg(feature = "tui")]
            SignalTarget::Dashboard(ui) => {
                let s = if hangup {
                    crate::ui::Signal::HangUp
                } else {
                    crate::ui::Signal::Interrupt
                };
                let _ = ui.send(s);
            }
        }
    }

    pub(super) fn route(&self, to: SignalTarget) {
        *self.target.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }

    /// A receiver the dashboard reads signals from (routed there from now on).
    #[cfg(feature = "tui")]
    pub(super) fn to_dashboard(&self) -> crossbeam_channel::Receiver<crate::ui::Signal> {
        let (tx, rx) = crossbeam_channel::unbounded();
        self.route(SignalTarget::Dashboard(tx));
        rx
    }

    /// A SIGINT or SIGTERM was received.
    pub(super) fn received(&self) -> bool {
        self.interrupts() > 0
    }

    /// How many SIGINT/SIGTERM were received.
    pub(super) fn interrupts(&self) -> usize {
        self.interrupts.load(Ordering::SeqCst)
    }

    /// A SIGHUP was received (or the terminal was found gone: [`Signals::terminal_lost`]).
    pub(super) fn hung_up(&self) -> bool {
        self.hung_up.load(Ordering::SeqCst)
    }

    /// The terminal is known to be gone: a later SIGHUP has nothing left to do.
    #[cfg(feature = "tui")]
    pub(super) fn terminal_lost(&self) {
        self.hung_up.store(true, Ordering::SeqCst);
    }
}

/// Deliver SIGINT, SIGTERM and SIGHUP to `s` from a thread of their own (not in the
/// signal handler: what they do takes locks and writes).
#[cfg(unix)]
fn listen(s: Arc<Signals>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut wanted = vec![SIGINT, SIGTERM];
    if !ignored(SIGHUP) {
        wanted.push(SIGHUP);
    }
    let Ok(mut incoming) = signal_hook::iterator::Signals::new(&wanted) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("convscope-signals".into())
        .spawn(move || {
            for sig in incoming.forever() {
                s.on_signal(sig == SIGHUP);
            }
        });
}

/// The signal's disposition is "ignore" (as `nohup` leaves SIGHUP).
#[cfg(unix)]
fn ignored(sig: i32) -> bool {
    // SAFETY: an all-zero sigaction is a valid value of this plain C struct.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only reads the current one into `old`.
    let ok = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } == 0;
    ok && old.sa_sigaction == libc::SIG_IGN
}

#[cfg(not(unix))]
fn listen(s: Arc<Signals>) {
    let _ = ctrlc::set_handler(move || s.on_signal(false));
}
