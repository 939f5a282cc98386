//! The dashboard in a real terminal (tmux): the actual `ui::run` loop over a fake trainer,
//! and (with the engine) the real binary. One test binary for all of it: every extra test
//! binary is another slow link of candle.

mod arch_editor;
mod binary;
mod detach;
mod editor;
mod exits;
mod fake;
mod flips;
mod inside;
mod layer_stats;
mod lr_find;
mod pty;
mod run;
mod sweep;
mod tmux;
mod views;

/// Not a test on its own: the entry point the terminal tests re-run this binary into (with
/// `CONVSCOPE_TUI_CHILD` set) inside a tmux pane. Without the variable it does nothing.
#[test]
fn pty_child() {
    if let Ok(mode) = std::env::var(fake::CHILD_ENV) {
        fake::child_main(&mode);
    }
}
