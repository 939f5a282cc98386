//! The dashboard's keys as one table: each line of the `?` overlay with the keys it stands
//! for, where each key applies and what it does. The overlay and the hint line are drawn from
//! it and `keys::on_key` dispatches through it, so the help cannot list a key that does
//! nothing nor miss one that does something. The editor's and the runs panel's own keys are
//! theirs (their panels list them).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// When a key shows in the one-line hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Always,
    /// Only while the run can still be paused or stopped.
    Training,
    /// Only in the `?` overlay.
    Never,
    /// Only when the dashboard can start further runs.
    Editor,
}

/// Where a key applies, in the order `on_key` looks (the editor and the runs panel, when
/// open, come after `Help` and before `TestPass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A y/n question is open: only its answers count.
    Question,
    /// Whatever is open (but a question).
    Anywhere,
    /// The `?` overlay is open.
    Help,
    /// The test-pass view (`i`) is showing.
    TestPass,
    /// The feature-map view (`m`) is open.
    Maps,
    /// The drawing pad (`d`) is open (and no feature-map view over it).
    Pad,
    /// The dashboard itself.
    Dashboard,
}

/// Which way a scroll key moves the focused panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

/// A key of the feature-map view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapsKey {
    /// The previous (-1) or next (+1) layer.
    Layer(i8),
    /// Move the output position by (rows, columns).
    Move(i8, i8),
    /// The previous or next channel.
    Channel(i8),
    /// The previous or next mistake (or test image).
    Image(i8),
    /// Type a test index.
    TypeIndex,
    Close,
}

/// A key of the drawing pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadKey {
    /// Move the cursor by (rows, columns).
    Move(i8, i8),
    Paint,
    Erase,
    /// A wider (+1) or narrower (-1) brush.
    Brush(i8),
    Clear,
    /// The drawing's feature maps.
    Maps,
    Close,
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave (asks first while training); `ctrl_c` marks the outcome interrupted.
    Quit {
        ctrl_c: bool,
    },
    Pause,
    Stop,
    /// Esc on the dashboard: close the innermost view (zoom, then the test-pass view).
    Close,
    ShowHelp,
    CloseHelp,
    /// A scroll key while the `?` overlay is open: it scrolls the overlay.
    ScrollHelp(Scroll),
    OpenEditor,
    OpenArchEditor,
    NextRun,
    Zoom,
    LogScale,
    StatsView,
    OpenRuns,
    TestPass,
    ConfusionPct,
    PrevDigits,
    NextDigits,
    /// `m` in the test-pass view: the feature maps of the first mistake on the page.
    OpenMaps,
    /// `d`: the drawing pad.
    OpenPad,
    Maps(MapsKey),
    Pad(PadKey),
    SaveScreen,
    FocusNext,
    FocusPrev,
    Scroll(Scroll),
    /// Answer the open question yes; `ctrl_c` when Ctrl-C answered.
    Yes {
        ctrl_c: bool,
    },
    No,
}

/// One key: its code, whether Ctrl must be held, where it applies, what it does. A key
/// without Ctrl matches only while neither Ctrl nor Alt is held (Shift may be: `?` and
/// Shift-Tab need it), so Ctrl-S is not read as `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub context: Context,
    pub action: Action,
}

impl Key {
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let held = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        self.code == key.code && if self.ctrl { held } else { !held && !alt }
    }
}

/// One line of the help: the key as shown, its word in the hint, what it does, when the
/// hint shows it, and the keys it stands for.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub label: &'static str,
    pub word: &'static str,
    pub what: &'static str,
    pub hint: Hint,
    pub keys: &'static [Key],
}

const fn key(code: KeyCode, context: Context, action: Action) -> Key {
    Key {
        code,
        ctrl: false,
        context,
        action,
    }
}

const fn ctrl(c: char, context: Context, action: Action) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
        context,
        action,
    }
}

const fn dash(c: char, action: Action) -> Key {
    key(KeyCode::Char(c), Context::Dashboard, action)
}

use Action as A;
use Context as C;
use KeyCode as K;

const fn maps(code: KeyCode, k: MapsKey) -> Key {
    key(code, Context::Maps, Action::Maps(k))
}

const fn pad(code: KeyCode, k: PadKey) -> Key {
    key(code, Context::Pad, Action::Pad(k))
}

/// Every key of the dashboard, in the order the `?` overlay lists them.
pub const KEYS: [Binding; 23] = [
    Binding {
        label: "h",
        word: "edit",
        what: "hyperparameters (↑↓ ←→ Enter edit, w save, v augmented samples)",
        hint: Hint::Editor,
        keys: &[dash('h', A::OpenEditor)],
    },
    Binding {
        label: "a",
        word: "layers",
        what: "architecture editor (i/I/b insert, x delete, u undo, w save)",
        hint: Hint::Never,
        keys: &[dash('a', A::OpenArchEditor)],
    },
    Binding {
        label: "n",
        word: "next run",
        what: "start the next run with the edited values (asks while training)",
        hint: Hint::Editor,
        keys: &[dash('n', A::NextRun)],
    },
    Binding {
        label: "p",
        word: "pause",
        what: "pause / resume training (also space)",
        hint: Hint::Training,
        keys: &[dash('p', A::Pause), dash(' ', A::Pause)],
    },
    Binding {
        label: "s",
        word: "stop",
        what: "stop the run (asks first; the dashboard stays open)",
        hint: Hint::Training,
        keys: &[dash('s', A::Stop)],
    },
    Binding {
        label: "q",
        word: "quit",
        what: "quit (asks first while training, stops it cleanly)",
        hint: Hint::Always,
        keys: &[dash('q', A::Quit { ctrl_c: false })],
    },
    Binding {
        label: "Esc",
        word: "close",
        what: "close the innermost view (zoom, help, test pass, editor, runs)",
        hint: Hint::Never,
        keys: &[key(K::Esc, C::Dashboard, A::Close)],
    },
    Binding {
        label: "Ctrl-C",
        word: "quit",
        what: "quit, like q",
        hint: Hint::Never,
        keys: &[
            ctrl('c', C::Anywhere, A::Quit { ctrl_c: true }),
            ctrl('C', C::Anywhere, A::Quit { ctrl_c: true }),
            ctrl('c', C::Question, A::Yes { ctrl_c: true }),
            ctrl('C', C::Question, A::Yes { ctrl_c: true }),
        ],
    },
    Binding {
        label: "Tab",
        word: "focus",
        what: "focus the next panel (Shift-Tab: previous)",
        hint: Hint::Always,
        keys: &[
            key(K::Tab, C::Dashboard, A::FocusNext),
            key(K::BackTab, C::Dashboard, A::FocusPrev),
        ],
    },
    Binding {
        label: "↑↓",
        word: "scroll",
        what: "scroll the focused panel (or this help) by a row",
        hint: Hint::Always,
        keys: &[
            key(K::Up, C::Dashboard, A::Scroll(Scroll::Up)),
            key(K::Down, C::Dashboard, A::Scroll(Scroll::Down)),
            key(K::Up, C::Help, A::ScrollHelp(Scroll::Up)),
            key(K::Down, C::Help, A::ScrollHelp(Scroll::Down)),
        ],
    },
    Binding {
        label: "PgUp/PgDn",
        word: "page",
        what: "scroll by a page (Home/End: to either end)",
        hint: Hint::Never,
        keys: &[
            key(K::PageUp, C::Dashboard, A::Scroll(Scroll::PageUp)),
            key(K::PageDown, C::Dashboard, A::Scroll(Scroll::PageDown)),
            key(K::Home, C::Dashboard, A::Scroll(Scroll::Home)),
            key(K::End, C::Dashboard, A::Scroll(Scroll::End)),
            key(K::PageUp, C::Help, A::ScrollHelp(Scroll::PageUp)),
            key(K::PageDown, C::Help, A::ScrollHelp(Scroll::PageDown)),
            key(K::Home, C::Help, A::ScrollHelp(Scroll::Home)),
            key(K::End, C::Help, A::ScrollHelp(Scroll::End)),
        ],
    },
    Binding {
        label: "e",
        word: "zoom",
        what: "zoom the focused panel to full screen",
        hint: Hint::Always,
        keys: &[dash('e', A::Zoom)],
    },
    Binding {
        label: "l",
        word: "log",
        what: "loss chart: log / linear scale",
        hint: Hint::Always,
        keys: &[dash('l', A::LogScale)],
    },
    Binding {
        label: "t",
        word: "stats",
        what: "layer table: shapes / per-layer norms, activations, dead ReLUs",
        hint: Hint::Always,
        keys: &[dash('t', A::StatsView)],
    },
    Binding {
        label: "r",
        word: "runs",
        what: "runs panel: space select, Enter overlay, d diff, f flips, Esc",
        hint: Hint::Always,
        keys: &[dash('r', A::OpenRuns)],
    },
    Binding {
        label: "i",
        word: "test pass",
        what: "test-pass view: confusion matrix and misclassified digits",
        hint: Hint::Never,
        keys: &[dash('i', A::TestPass)],
    },
    Binding {
        label: "c",
        word: "counts/%",
        what: "test-pass view: confusion matrix in counts / % of row",
        hint: Hint::Never,
        keys: &[key(K::Char('c'), C::TestPass, A::ConfusionPct)],
    },
    Binding {
        label: "←→",
        word: "page",
        what: "test-pass view: page through the digits (e zooms them)",
        hint: Hint::Never,
        keys: &[
            key(K::Left, C::TestPass, A::PrevDigits),
            key(K::Right, C::TestPass, A::NextDigits),
        ],
    },
    Binding {
        label: "m",
        word: "maps",
        what: "feature maps (test pass, pad): ↑↓ layer, ←→ hjkl unit's RF, ,. channel, [] image, g index",
        hint: Hint::Never,
        keys: &[
            key(K::Char('m'), C::TestPass, A::OpenMaps),
            pad(K::Char('m'), PadKey::Maps),
            maps(K::Up, MapsKey::Layer(-1)),
            maps(K::Down, MapsKey::Layer(1)),
            maps(K::Left, MapsKey::Move(0, -1)),
            maps(K::Right, MapsKey::Move(0, 1)),
            maps(K::Char('h'), MapsKey::Move(0, -1)),
            maps(K::Char('l'), MapsKey::Move(0, 1)),
            maps(K::Char('k'), MapsKey::Move(-1, 0)),
            maps(K::Char('j'), MapsKey::Move(1, 0)),
            maps(K::Char(','), MapsKey::Channel(-1)),
            maps(K::Char('.'), MapsKey::Channel(1)),
            maps(K::Char('['), MapsKey::Image(-1)),
            maps(K::Char(']'), MapsKey::Image(1)),
            maps(K::Char('g'), MapsKey::TypeIndex),
            maps(K::Esc, MapsKey::Close),
        ],
    },
    Binding {
        label: "d",
        word: "draw",
        what: "drawing pad: mouse (right erases) or arrows+space, ⌫ erase, +- brush, c clear",
        hint: Hint::Never,
        keys: &[
            dash('d', A::OpenPad),
            pad(K::Up, PadKey::Move(-1, 0)),
            pad(K::Down, PadKey::Move(1, 0)),
            pad(K::Left, PadKey::Move(0, -1)),
            pad(K::Right, PadKey::Move(0, 1)),
            pad(K::Char(' '), PadKey::Paint),
            pad(K::Backspace, PadKey::Erase),
            pad(K::Char('+'), PadKey::Brush(1)),
            pad(K::Char('='), PadKey::Brush(1)),
            pad(K::Char('-'), PadKey::Brush(-1)),
            pad(K::Char('c'), PadKey::Clear),
            pad(K::Esc, PadKey::Close),
        ],
    },
    Binding {
        label: "x",
        word: "save screen",
        what: "save the screen as text and SVG in the run folder",
        hint: Hint::Never,
        keys: &[dash('x', A::SaveScreen)],
    },
    Binding {
        label: "?",
        word: "help",
        what: "this help (Esc or ? closes it)",
        hint: Hint::Always,
        keys: &[
            dash('?', A::ShowHelp),
            key(K::Char('?'), C::Help, A::CloseHelp),
            key(K::Esc, C::Help, A::CloseHelp),
        ],
    },
    Binding {
        label: "y/n",
        word: "answer",
        what: "answer a question (Enter: yes)",
        hint: Hint::Never,
        keys: &[
            key(K::Char('y'), C::Question, A::Yes { ctrl_c: false }),
            key(K::Char('Y'), C::Question, A::Yes { ctrl_c: false }),
            key(K::Enter, C::Question, A::Yes { ctrl_c: false }),
            key(K::Char('n'), C::Question, A::No),
            key(K::Char('N'), C::Question, A::No),
            key(K::Esc, C::Question, A::No),
        ],
    },
];

/// What `key` does in `context`, if the table gives it anything to do there (Ctrl bindings
/// first, so Ctrl-C is never read as a plain `c`).
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    let all = || KEYS.iter().flat_map(|b| b.keys.iter());
    let here = |k: &&Key| k.context == context && k.matches(key);
    all()
        .filter(|k| k.ctrl)
        .find(here)
        .or_else(|| all().filter(|k| !k.ctrl).find(here))
        .map(|k| k.action)
}

#[cfg(test)]
mod tests;
