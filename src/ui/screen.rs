//! The real terminal: raw mode and the alternate screen, undone on every exit path (drop and
//! this thread's panics), a panic hook that keeps other threads' panics off the screen, and
//! the thread that forwards key presses over a channel (and says when the terminal is gone).

use super::App;
use crossbeam_channel::{Receiver, Sender};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::mem::ManuallyDrop;
use std::panic::{self, PanicHookInfo};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Panic messages from threads other than the UI's, kept while the screen is taken.
#[derive(Debug, Clone, Default)]
pub struct PanicLog(Arc<Mutex<Vec<String>>>);

impl PanicLog {
    fn push(&self, s: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }
    pub fn first(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .first()
            .cloned()
    }
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// `panicked at src/x.rs:1:2: boom`.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let msg = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    match info.location() {
        Some(l) => format!("panicked at {}:{}: {msg}", l.file(), l.line()),
        None => format!("panicked: {msg}"),
    }
}

/// Whether mouse capture is on (only while the drawing pad is open).
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Undo mouse capture, raw mode and the alternate screen; safe to call twice.
fn leave() {
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
    }
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// The taken terminal. Dropping it gives the terminal back and reinstalls the previous hook.
pub struct Screen {
    /// Taken apart by hand in `drop` (see there).
    terminal: ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
    previous: Option<Arc<Hook>>,
}

impl Screen {
    pub fn enter(panics: PanicLog) -> io::Result<Self> {
        let previous: Arc<Hook> = Arc::new(panic::take_hook());
        let ui: ThreadId = thread::current().id();
        let chained = previous.clone();
        panic::set_hook(Box::new(move |info| {
            if thread::current().id() == ui {
                leave();
                chained(info);
            } else {
                panics.push(format!(
                    "thread '{}' {}",
                    thread::current().name().unwrap_or("<unnamed>"),
                    describe(info)
                ));
            }
        }));
        let guard = Restore(Some(previous));
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen)?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Self {
            terminal: ManuallyDrop::new(terminal),
            previous: guard.disarm(),
        })
    }

    /// Draw one frame with `draw` (another screen than the dashboard's: the sweep view).
    pub fn render(&mut self, draw: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        self.terminal.draw(draw).map(|_| ())
    }

    /// Draw one frame from the state, then mark the state as drawn.
    pub fn draw(&mut self, app: &mut App) -> io::Result<()> {
        let size = self.terminal.size()?;
        app.view.area = Rect::new(0, 0, size.width, size.height);
        self.terminal.draw(|f| f.render_widget(&*app, f.area()))?;
        app.drawn();
        Ok(())
    }

    /// Turn mouse capture on or off (a no-op when it already is). `leave` turns it off on
    /// every exit path, panics included.
    pub fn mouse(&mut self, on: bool) -> io::Result<()> {
        if MOUSE.load(Ordering::SeqCst) == on {
            return Ok(());
        }
        if on {
            execute!(io::stdout(), EnableMouseCapture)?;
        } else {
            execute!(io::stdout(), DisableMouseCapture)?;
        }
        MOUSE.store(on, Ordering::SeqCst);
        Ok(())
    }

    /// As `draw`, and return a copy of the frame drawn (for `x`).
    pub fn draw_and_copy(&mut self, app: &mut App) -> io::Result<ratatui::buffer::Buffer> {
        let size = self.terminal.size()?;
        app.view.area = Rect::new(0, 0, size.width, size.height);
        let done = self.terminal.draw(|f| f.render_widget(&*app, f.area()))?;
        let buf = done.buffer.clone();
        app.drawn();
        Ok(buf)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        drop(Restore(self.previous.take()));
        // SAFETY: `terminal` is taken once, here, and never used again.
        let mut terminal = unsafe { ManuallyDrop::take(&mut self.terminal) };
        // `leave` has shown the cursor. On a terminal that is gone (hung up) ratatui's own
        // drop would try again and print "Failed to show the cursor" on stderr: it is let go
        // of without its drop then (its buffers are not freed: once, as nothing draws on a
        // terminal that is gone).
        if terminal.show_cursor().is_err() {
            std::mem::forget(terminal);
        }
    }
}

/// Gives the terminal back and, unless unwinding, puts the previous panic hook back.
struct Restore(Option<Arc<Hook>>);

impl Restore {
    fn disarm(mut self) -> Option<Arc<Hook>> {
        self.0.take()
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        let Some(previous) = self.0.take() else {
            return;
        };
        leave();
        if !thread::panicking() {
            let _ = panic::take_hook();
            panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// How often the input thread checks whether it should stop (it blocks in between).
const INPUT_POLL: Duration = Duration::from_millis(100);

/// Terminal events, read on their own thread and forwarded over a channel. An `Err` is the
/// terminal gone (hung up, or reading it failed), after which the thread has ended: no
/// thread ever retries a failing read.
pub struct Input {
    pub rx: Receiver<io::Result<Event>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Input {
    pub fn spawn() -> io::Result<Self> {
        let (tx, rx) = crossbeam_channel::bounded(256);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let tty = crate::tty::Tty::open()?;
        let handle = thread::Builder::new()
            .name("convscope-input".into())
            .spawn(move || forward(&tty, &tx, &flag))?;
        Ok(Self {
            rx,
            stop,
            handle: Some(handle),
        })
    }

    /// The terminal is gone: tell the thread to end, without waiting for it (it may be
    /// blocked on the dead terminal; the process does not wait for it either).
    pub fn abandon(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take();
    }
}

/// Forward key presses and resizes until told to stop or the terminal is gone. crossterm
/// is asked only with a zero timeout after poll(2) saw input (or a timeout passed, for a
/// resize): on a hung-up terminal its reader loops forever, and poll(2) sees the hangup.
fn forward(tty: &crate::tty::Tty, tx: &Sender<io::Result<Event>>, stop: &AtomicBool) {
    use crate::tty::Ready;
    while !stop.load(Ordering::Relaxed) {
        let ready = tty.wait(INPUT_POLL);
        if let Ready::Gone(why) = ready {
            let _ = tx.send(Err(io::Error::other(why)));
            return;
        }
        match drain(tx) {
            Ok(0) if ready == Ready::Input => {
                // Input crossterm did not turn into an event (yet): wait a little rather
                // than asking poll(2) again at once.
                thread::sleep(INPUT_POLL);
            }
            Ok(_) => {}
            Err(()) => return,
        }
    }
}

/// Forward every event crossterm has now; how many. `Err` when the dashboard has gone or
/// reading failed (sent on as the channel's last message).
fn drain(tx: &Sender<io::Result<Event>>) -> Result<usize, ()> {
    let mut n = 0;
    loop {
        match event::poll(Duration::ZERO) {
            Ok(false) => return Ok(n),
            Ok(true) => {
                let ev = event::read();
                let failed = ev.is_err();
                if tx.send(ev).is_err() || failed {
                    return Err(());
                }
                n += 1;
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return Err(());
            }
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
