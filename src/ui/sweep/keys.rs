//! The sweep view's keys as one table: the help overlay and the hint line are drawn from it
//! and [`on_key`] dispatches through it, so the help cannot list a key that does nothing.

use super::state::SweepView;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Open,
    Group,
    Sort,
    Band,
    XKey,
    Help,
    Quit,
    /// Ctrl-C: stop the sweep (its trials, when this view's caller runs them) and leave.
    Interrupt,
}

/// One line of the help: the keys as shown, the hint's word, what it does, its keys.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub label: &'static str,
    /// Shown in the hint line when not empty.
    pub word: &'static str,
    pub what: &'static str,
    pub codes: &'static [KeyCode],
    pub ctrl: bool,
    pub action: Action,
}

const fn b(
    label: &'static str,
    word: &'static str,
    what: &'static str,
    codes: &'static [KeyCode],
    action: Action,
) -> Binding {
    Binding {
        label,
        word,
        what,
        codes,
        ctrl: false,
        action,
    }
}

use KeyCode as K;

/// Every key of the sweep view, in the order the help lists them.
pub const KEYS: [Binding; 10] = [
    b(
        "↑ k",
        "",
        "select the row above",
        &[K::Up, K::Char('k')],
        Action::Up,
    ),
    b(
        "↓ j",
        "",
        "select the row below",
        &[K::Down, K::Char('j')],
        Action::Down,
    ),
    b(
        "Enter",
        "open",
        "the trial's own watch view (q returns); on a group: its first trial",
        &[K::Enter],
        Action::Open,
    ),
    b(
        "g",
        "group",
        "trials ⇄ groups (mean ± std over seeds)",
        &[K::Char('g')],
        Action::Group,
    ),
    b(
        "s",
        "sort",
        "sort by best, last test accuracy, gap, wall time",
        &[K::Char('s')],
        Action::Sort,
    ),
    b(
        "b",
        "band",
        "the curve's band: ± std ⇄ min–max",
        &[K::Char('b')],
        Action::Band,
    ),
    b(
        "x",
        "x axis",
        "the hyperparameter on the scatter chart's x axis",
        &[K::Char('x')],
        Action::XKey,
    ),
    b(
        "?",
        "help",
        "this help (any key closes it)",
        &[K::Char('?')],
        Action::Help,
    ),
    b(
        "q",
        "quit",
        "leave the sweep view",
        &[K::Char('q')],
        Action::Quit,
    ),
    Binding {
        label: "Ctrl-C",
        word: "",
        what: "stop the sweep and leave",
        codes: &[K::Char('c')],
        ctrl: true,
        action: Action::Interrupt,
    },
];

/// The action `key` stands for, if any.
pub fn action(key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    KEYS.iter()
        .find(|k| k.codes.contains(&key.code) && k.ctrl == ctrl && !alt)
        .map(|k| k.action)
}

/// One key press; with the help open, any key but Ctrl-C only closes it.
pub fn on_key(view: &mut SweepView, key: KeyEvent) {
    if key.kind != KeyEventKind::Press {
        return;
    }
    let action = action(&key);
    view.note = None;
    if view.help && action != Some(Action::Interrupt) {
        view.help = false;
        view.dirty = true;
        return;
    }
    if let Some(a) = action {
        apply(view, a);
    }
}

/// Do what `action` says.
pub fn apply(view: &mut SweepView, action: Action) {
    view.dirty = true;
    match action {
        Action::Up => view.move_cursor(false),
        Action::Down => view.move_cursor(true),
        Action::Open => view.enter(),
        Action::Group => view.toggle_mode(),
        Action::Sort => view.next_sort(),
        Action::Band => view.toggle_band(),
        Action::XKey => view.next_x_key(),
        Action::Help => view.help = true,
        Action::Quit => view.quit = true,
        Action::Interrupt => {
            view.interrupted = true;
            view.quit = true;
        }
    }
}

/// The hint line: `Enter open  g group  …`.
pub fn hint() -> String {
    let words: Vec<String> = KEYS
        .iter()
        .filter(|k| !k.word.is_empty())
        .map(|k| format!("{} {}", k.label, k.word))
        .collect();
    words.join("  ")
}
