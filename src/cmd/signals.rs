//! Where SIGINT/SIGTERM go. Before a run starts there is nothing to save, so a signal
//! exits 130 at once; once it runs, the first stops it cleanly (the current batch finishes,
//! the weights and summary are written; the dashboard quits after that) and a second means
//! "now" (the run folder's files are each written atomically, and the temporary file of a
//! write in flight is removed). Exit code 130 either way.

use crate::exit::Exit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub(super) enum SignalTarget {
    Exit,
    Trainer(crossbeam_channel::Sender<crate::events::Control>),
    #[cfg(feature = "tui")]
    Dashboard(crossbeam_channel::Sender<()>),
}

/// The process's signal handler and where it sends signals now.
pub struct Signals {
    target: Mutex<SignalTarget>,
    received: AtomicBool,
}

impl Signals {
    /// Install the process's handler (once: `ctrlc` allows one per process).
    pub(super) fn install() -> Arc<Signals> {
        let s = Arc::new(Signals {
            target: Mutex::new(SignalTarget::Exit),
            received: AtomicBool::new(false),
        });
        let handler = s.clone();
        let _ = ctrlc::set_handler(move || handler.on_signal());
        s
    }

    fn on_signal(&self) {
        let again = self.received.swap(true, Ordering::SeqCst);
        let code = Exit::Interrupted.code() as i32;
        match &*self.target.lock().unwrap_or_else(|e| e.into_inner()) {
            SignalTarget::Exit => {
                eprintln!("convscope: interrupted before the run started");
                std::process::exit(code);
            }
            SignalTarget::Trainer(_) if again => {
                // Exiting now: a file half written must not stay behind as `*.tmp`.
                crate::rundir::inflight::remove_all();
                std::process::exit(code)
            }
            SignalTarget::Trainer(control) => {
                let _ = control.send(crate::events::Control::Stop);
            }
            #[cfg(feature = "tui")]
            SignalTarget::Dashboard(ui) => {
                let _ = ui.send(());
            }
        }
    }

    pub(super) fn route(&self, to: SignalTarget) {
        *self.target.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }

    /// A receiver the dashboard reads signals from (routed there from now on).
    #[cfg(feature = "tui")]
    pub(super) fn to_dashboard(&self) -> crossbeam_channel::Receiver<()> {
        let (tx, rx) = crossbeam_channel::unbounded();
        self.route(SignalTarget::Dashboard(tx));
        rx
    }

    pub(super) fn received(&self) -> bool {
        self.received.load(Ordering::SeqCst)
    }
}
