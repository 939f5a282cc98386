//! The editor panel, drawn over the dashboard: one row per hyperparameter with its value,
//! changed values highlighted with the previous run's value beside them, the invalid one
//! in red with the reason, then the "start" row, a status line and the keys. When the rows
//! do not all fit they scroll under a fixed "start" row, and the frame says which show.

use super::Editor;
use crate::config::params::display;
use crate::ui::rect::centered;
use crate::ui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// Width of the key and value columns.
const KEY_W: usize = 24;
const VALUE_W: usize = 12;
/// Lines below the rows: blank, status (two lines), keys.
const FOOTER: u16 = 4;

pub fn render(ed: &Editor, run: usize, area: Rect, buf: &mut Buffer) {
    if let Some(job) = &ed.lr_find {
        crate::ui::lr_find::render_job(job, area, buf);
        return;
    }
    let rows = ed.rows();
    let rect = centered(area, 78, rows.len() as u16 + 1 + FOOTER + 2);
    if rect.height < FOOTER + 3 {
        return;
    }
    Clear.render(rect, buf);
    let inner = crate::ui::rect::inner(rect);
    let list_h = inner.height.saturating_sub(FOOTER) as usize;
    let (first, shown) = visible(ed, list_h);
    let title = format!(" hyperparameters for run {} ", run + 1);
    let mut block = theme::panel(title, true);
    if shown > 0 && shown < rows.len() {
        let range = format!(" rows {}–{} of {} ", first + 1, first + shown, rows.len());
        block = block.title_top(Line::from(range).right_aligned());
    }
    block.render(rect, buf);
    let mut lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, p)| row(ed, p.key, i == ed.selected))
        .collect();
    if list_h > 0 {
        lines.push(start_row(ed));
    }
    Paragraph::new(lines).render(
        Rect {
            height: list_h as u16,
            ..inner
        },
        buf,
    );
    let footer = Rect {
        y: inner.y + list_h as u16 + 1,
        height: FOOTER - 1,
        ..inner
    };
    let [status, keys] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(2),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(footer);
    Paragraph::new(status_line(ed))
        .wrap(Wrap { trim: true })
        .render(status, buf);
    Paragraph::new(keys_line(ed, keys.width as usize)).render(keys, buf);
    super::save_confirm::render(ed, area, buf);
}

/// The first parameter row shown and how many, in `list_h` lines: the "start" row always
/// takes the last line (it must never scroll away), the selected row stays in view.
fn visible(ed: &Editor, list_h: usize) -> (usize, usize) {
    let n = ed.start_row();
    let room = list_h.saturating_sub(1);
    let selected = ed.selected.min(n.saturating_sub(1));
    let first = (selected + 1)
        .saturating_sub(room)
        .min(n.saturating_sub(room));
    (first, room.min(n))
}

fn row(ed: &Editor, key: &'static str, selected: bool) -> Line<'static> {
    let mark = if selected { "› " } else { "  " };
    let bad = ed.bad_key.as_deref() == Some(key);
    let typing = selected.then_some(ed.typing.as_ref()).flatten();
    let value = match typing {
        Some(t) => format!("{t}▏"),
        None => ed.value(key).map_or_else(String::new, |v| display(&v)),
    };
    let was = ed.was(key);
    let value_style = match (bad, &was) {
        (true, _) => Style::new().fg(theme::BAD).add_modifier(Modifier::BOLD),
        (false, Some(_)) => Style::new().fg(theme::WARN).add_modifier(Modifier::BOLD),
        (false, None) => Style::new(),
    };
    let key_style = if selected { theme::key() } else { Style::new() };
    let mut spans = vec![
        Span::styled(format!("{mark}{key:<KEY_W$}"), key_style),
        Span::styled(format!("{value:<VALUE_W$}"), value_style),
    ];
    if bad {
        // The key is on the row already; the status line below has the whole message.
        let reason = ed.draft.as_ref().err().map_or("", |e| e.as_str());
        let reason = reason.strip_prefix(&format!("{key}: ")).unwrap_or(reason);
        spans.push(Span::styled(
            format!(" ✗ {reason}"),
            Style::new().fg(theme::BAD),
        ));
    } else {
        if key == "model" {
            spans.extend(preset_budget(ed));
        }
        if let Some(w) = was {
            spans.push(Span::styled(
                format!(" was {w}"),
                Style::new().fg(theme::DIM),
            ));
        }
    }
    Line::from(spans)
}

/// The `model` row's preset against the budget, as it is picked: `7,726 params ✓ · RF 28 ✓`
/// (green when it passes, red when it does not).
fn preset_budget(ed: &Editor) -> Vec<Span<'static>> {
    let Ok(config) = &ed.draft else {
        return Vec::new();
    };
    let Some(preset) = config.models.get(&config.model) else {
        return Vec::new();
    };
    let checks = crate::budget::static_rules(
        &config.budget,
        &crate::budget::Plan::of(preset, config.train.epochs),
    );
    let mut spans = Vec::new();
    for c in &checks {
        let text = match c.rule {
            crate::budget::Rule::Params => format!("{} params {}", c.value, c.mark()),
            crate::budget::Rule::Rf => format!("RF {} {}", c.value, c.mark()),
            _ => continue,
        };
        let colour = if c.pass { theme::GOOD } else { theme::BAD };
        let sep = if spans.is_empty() { " " } else { " · " };
        spans.push(Span::raw(sep));
        spans.push(Span::styled(text, Style::new().fg(colour)));
    }
    spans
}

fn start_row(ed: &Editor) -> Line<'static> {
    let selected = ed.selected == ed.start_row();
    let mark = if selected { "› " } else { "  " };
    match &ed.draft {
        Ok(_) => Line::styled(
            format!("{mark}▶ start the next run ({} changed)", ed.edits.len()),
            Style::new().fg(theme::GOOD).add_modifier(Modifier::BOLD),
        ),
        Err(_) => Line::styled(
            format!("{mark}✗ cannot start: fix the value in red"),
            Style::new().fg(theme::BAD),
        ),
    }
}

fn status_line(ed: &Editor) -> Line<'static> {
    match (&ed.draft, &ed.note) {
        (Err(e), _) => Line::styled(e.clone(), Style::new().fg(theme::BAD)),
        (_, Some((true, n))) => Line::styled(n.clone(), Style::new().fg(theme::GOOD)),
        (_, Some((false, n))) => Line::styled(n.clone(), Style::new().fg(theme::WARN)),
        (Ok(_), None) if ed.disk.changed => Line::styled(
            format!(
                "{} changed on disk since it was loaded: r reloads it",
                ed.config_path.display()
            ),
            Style::new().fg(theme::WARN),
        ),
        (Ok(_), None) => Line::from(format!(
            "changed values are yellow; w saves them to {}",
            ed.config_path.display()
        ))
        .dim(),
    }
}

/// The editor's keys on one line of `width` cells: each key with its word, two spaces
/// apart; when that does not fit, shorter words, then one space apart (the editor is at
/// most 76 cells inside, so at 80 columns it takes the shortest form).
fn keys_line(ed: &Editor, width: usize) -> Line<'static> {
    // (key, word, short word)
    let keys: &[(&str, &str, &str)] = if ed.typing.is_some() {
        &[
            ("Enter", "set", "set"),
            ("Esc", "cancel", "cancel"),
            ("Backspace", "erase", "erase"),
            ("Ctrl-U", "clear", "clear"),
        ]
    } else if ed.disk.changed {
        &[
            ("↑↓", "select", "select"),
            ("←→", "step", "step"),
            ("n", "start", "start"),
            ("w", "save", "save"),
            ("r", "reload file", "reload"),
            ("a", "arch", "arch"),
            ("Esc", "close", "close"),
        ]
    } else {
        &[
            ("↑↓", "select", "select"),
            ("←→", "step", "step"),
            ("Enter", "type", "type"),
            ("n", "start", "start"),
            ("w", "save", "save"),
            ("f", "lr-find", "lr-find"),
            ("v", "augmented", "aug"),
            ("a", "arch", "arch"),
            ("Esc", "close", "close"),
        ]
    };
    let form = |short: bool, gap: &'static str| {
        let words = keys
            .iter()
            .map(move |(k, w, s)| (*k, if short { *s } else { *w }));
        words.enumerate().flat_map(move |(i, (k, w))| {
            let sep = if i == 0 { "" } else { gap };
            [
                Span::raw(sep),
                Span::styled(k, theme::key()),
                Span::raw(format!(" {w}")),
            ]
        })
    };
    let fits = |spans: &Vec<Span>| spans.iter().map(|s| s.width()).sum::<usize>() <= width;
    let tries = [(false, "  "), (true, "  "), (true, " ")];
    let mut spans: Vec<Span> = Vec::new();
    for (short, gap) in tries {
        spans = form(short, gap).collect();
        if fits(&spans) {
            break;
        }
    }
    Line::from(spans)
}
