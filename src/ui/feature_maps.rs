//! The feature-map view (`m`): one image seen through the run's checkpoint by the inspector
//! worker — every conv/ReLU layer's channels, the class probabilities — and the receptive
//! field of a chosen output position outlined on the digit. This file holds its state, its
//! keys and the traffic with the worker; `render` draws it.

pub mod render;

use super::app::App;
use super::app::View;
use super::bindings::MapsKey;
use crate::inspection::{Answer, Image, Maps, Request};
use std::path::PathBuf;

/// Which image the view shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// Mistake `k` (0-based) of the last test pass, most confident first.
    Mistake(usize),
    /// Test image `n`.
    Test(usize),
    /// The drawing pad's drawing.
    Drawing,
}

/// The view's state: what is shown, the worker's answer and the selection in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapsView {
    pub subject: Subject,
    /// The request waiting for an answer (only its answer is taken).
    pub pending: Option<u64>,
    /// The last answer: the maps, or why there are none.
    pub result: Option<Result<Maps, String>>,
    /// Selected layer (index into `Maps::layers`), channel, output position (row, col).
    pub layer: usize,
    pub channel: usize,
    pub pos: (usize, usize),
    /// `g`: a test index being typed.
    pub typing: Option<String>,
}

impl MapsView {
    fn new(subject: Subject) -> MapsView {
        MapsView {
            subject,
            pending: None,
            result: None,
            layer: 0,
            channel: 0,
            pos: (0, 0),
            typing: None,
        }
    }

    /// The maps, once answered.
    pub fn maps(&self) -> Option<&Maps> {
        self.result.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// Keep the selection inside what the maps hold.
    fn clamp(&mut self) {
        let Some(m) = self.maps() else { return };
        let n = m.layers.len();
        let layer = self.layer.min(n.saturating_sub(1));
        let (c, h, w) = m
            .layers
            .get(layer)
            .map_or((1, 1, 1), |l| (l.channels.len(), l.h, l.w));
        self.layer = layer;
        self.channel = self.channel.min(c.saturating_sub(1));
        self.pos = (
            self.pos.0.min(h.saturating_sub(1)),
            self.pos.1.min(w.saturating_sub(1)),
        );
    }
}

/// The run folder whose checkpoint is looked at: the watched folder, else the run's own.
pub fn run_dir(app: &App) -> Option<PathBuf> {
    app.session
        .export_dir
        .clone()
        .or_else(|| app.run.info.as_ref().map(|i| PathBuf::from(&i.run_dir)))
}

/// Queue a request for `image` (the event loop sends it); its id, or why none can be made.
pub fn request(app: &mut App, image: Image) -> Result<u64, String> {
    let run_dir = run_dir(app).ok_or("no run yet: the checkpoint comes with the first run")?;
    app.view.inspect_seq += 1;
    let id = app.view.inspect_seq;
    app.view.inspect_out.push(Request { id, run_dir, image });
    Ok(id)
}

/// Open the view on `subject`, asking the worker for it.
pub fn open(app: &mut App, subject: Subject) {
    let mut view = MapsView::new(subject.clone());
    if let Some(old) = &app.view.maps {
        (view.layer, view.channel, view.pos) = (old.layer, old.channel, old.pos);
    }
    let image = match subject {
        Subject::Mistake(k) => mistake_image(app, k),
        Subject::Test(n) => Some(Image::Test(n)),
        Subject::Drawing => app
            .view
            .pad
            .as_ref()
            .map(|p| Image::Drawing(p.canvas.clone())),
    };
    match image.map(|i| request(app, i)) {
        Some(Ok(id)) => view.pending = Some(id),
        Some(Err(why)) => view.result = Some(Err(why)),
        None => view.result = Some(Err("no such image".into())),
    }
    app.view.maps = Some(view);
}

/// `m` in the test-pass view: the first mistake on the page shown, or a prompt for a test
/// index when there is none.
pub fn open_from_test_pass(app: &mut App, first_on_page: usize) {
    let n = app.run.detail.as_ref().map_or(0, |d| d.mistakes.len());
    if n == 0 {
        let mut view = MapsView::new(Subject::Test(0));
        view.typing = Some(String::new());
        app.view.maps = Some(view);
        return;
    }
    open(app, Subject::Mistake(first_on_page.min(n - 1)));
}

fn mistake_image(app: &App, k: usize) -> Option<Image> {
    let m = app.run.detail.as_ref()?.mistakes.get(k)?;
    Some(Image::Pixels {
        pixels: m.pixels.clone(),
        label: Some(m.label),
    })
}

/// An answer from the worker, for whichever view asked.
pub fn on_answer(view: &mut View, a: Answer) {
    if let Some(m) = view.maps.as_mut().filter(|m| m.pending == Some(a.id)) {
        m.pending = None;
        m.result = Some(a.result.clone());
        m.clamp();
    }
    if let Some(p) = view.pad.as_mut().filter(|p| p.pending == Some(a.id)) {
        p.pending = None;
        p.result = Some(a.result);
    }
}

/// One of the view's keys.
pub fn on_key(app: &mut App, key: MapsKey) {
    let Some(m) = app.view.maps.as_mut() else {
        return;
    };
    let step = |v: usize, d: i8, n: usize| -> usize {
        (v as i64 + i64::from(d)).clamp(0, n.saturating_sub(1) as i64) as usize
    };
    let (layers, c, h, w) = m.maps().map_or((0, 0, 0, 0), |maps| {
        let l = maps.layers.get(m.layer);
        (
            maps.layers.len(),
            l.map_or(0, |l| l.channels.len()),
            l.map_or(0, |l| l.h),
            l.map_or(0, |l| l.w),
        )
    });
    match key {
        MapsKey::Close => app.view.maps = None,
        MapsKey::TypeIndex => m.typing = Some(String::new()),
        MapsKey::Layer(d) => {
            m.layer = step(m.layer, d, layers);
            m.clamp();
        }
        MapsKey::Channel(d) => m.channel = step(m.channel, d, c),
        MapsKey::Move(dr, dc) => m.pos = (step(m.pos.0, dr, h), step(m.pos.1, dc, w)),
        MapsKey::Image(d) => next_image(app, d),
    }
}

/// `[`/`]`: the previous or next mistake (or test image).
fn next_image(app: &mut App, d: i8) {
    let Some(subject) = app.view.maps.as_ref().map(|m| m.subject.clone()) else {
        return;
    };
    let n = app.run.detail.as_ref().map_or(0, |d| d.mistakes.len());
    let moved = |v: usize, n: usize| (v as i64 + i64::from(d)).clamp(0, n as i64 - 1) as usize;
    match subject {
        Subject::Mistake(k) if n > 0 => open(app, Subject::Mistake(moved(k, n))),
        Subject::Test(t) => open(app, Subject::Test(moved(t, usize::MAX / 2))),
        _ => {}
    }
}

/// A key while a test index is typed: digits, Backspace, Enter (open it), Esc (cancel).
/// `false` when the key means nothing here.
pub fn type_key(app: &mut App, code: ratatui::crossterm::event::KeyCode) -> bool {
    use ratatui::crossterm::event::KeyCode as K;
    let Some(text) = app.view.maps.as_mut().and_then(|m| m.typing.as_mut()) else {
        return false;
    };
    match code {
        K::Char(c) if c.is_ascii_digit() && text.len() < 6 => text.push(c),
        K::Backspace => {
            text.pop();
        }
        K::Esc => {
            let m = app.view.maps.as_mut().expect("typing above");
            m.typing = None;
            if m.result.is_none() && m.pending.is_none() {
                app.view.maps = None;
            }
        }
        K::Enter => match text.parse::<usize>() {
            Ok(n) => open(app, Subject::Test(n)),
            Err(_) => return true,
        },
        _ => return false,
    }
    true
}

/// The view's title: what image it shows.
pub fn caption(app: &App, m: &MapsView) -> String {
    match &m.subject {
        Subject::Mistake(k) => {
            let detail = app.run.detail.as_ref();
            let total = detail.map_or(0, |d| d.mistakes.len());
            match detail.and_then(|d| d.mistakes.get(*k)) {
                Some(x) => format!(
                    "mistake {} of {total}: test #{}, true {}, predicted {} in the test pass",
                    k + 1,
                    x.index,
                    x.label,
                    x.predicted
                ),
                None => format!("mistake {}", k + 1),
            }
        }
        Subject::Test(n) => format!("test #{n}"),
        Subject::Drawing => "your drawing".into(),
    }
}

#[cfg(test)]
pub mod fixture;
#[cfg(test)]
pub(super) mod tests;
