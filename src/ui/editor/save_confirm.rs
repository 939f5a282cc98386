//! `w`'s confirmation: before anything is written, the keys it would write into the config
//! file, each as `key: old → new` with a tick. The run-only keys (`train.epochs`,
//! `data.limit_train`, `data.limit_test`: a quick test's values, not the recipe) start
//! unticked. ↑↓ select, Space ticks, Enter (or `y`) writes the ticked keys, Esc (or `n`)
//! writes nothing.

use super::Editor;
use crate::config::params::display;
use crate::config::save::{plan, save_keys};
use crate::ui::rect::centered;
use crate::ui::theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// Keys a quick test changes for one run: unticked unless the user ticks them.
pub const RUN_ONLY: [&str; 3] = ["train.epochs", "data.limit_train", "data.limit_test"];

/// One key `w` would write.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: &'static str,
    pub old: String,
    pub new: String,
    pub write: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SaveConfirm {
    pub rows: Vec<Row>,
    pub selected: usize,
}

impl SaveConfirm {
    /// The keys ticked.
    pub fn chosen(&self) -> Vec<&'static str> {
        self.rows
            .iter()
            .filter(|r| r.write)
            .map(|r| r.key)
            .collect()
    }
}

impl Editor {
    /// `w`: list what saving would write, or say why nothing would be.
    pub fn ask_save(&mut self) {
        let path = self.config_path.clone();
        let draft = match &self.draft {
            Ok(d) => d.clone(),
            Err(e) => {
                self.note = Some((false, format!("not saved: {e}")));
                return;
            }
        };
        self.check_disk();
        match plan(&path, &draft) {
            Err(e) => self.note = Some((false, format!("not saved: {e}"))),
            Ok(changes) if changes.is_empty() => {
                self.note = Some((
                    true,
                    format!("{} already holds these values", path.display()),
                ))
            }
            Ok(changes) => {
                let rows = changes
                    .into_iter()
                    .map(|c| Row {
                        key: c.key,
                        old: display(&c.old),
                        new: display(&c.new),
                        write: !RUN_ONLY.contains(&c.key),
                    })
                    .collect();
                self.saving = Some(SaveConfirm { rows, selected: 0 });
            }
        }
    }

    /// Write the ticked keys and close the confirmation.
    fn write_chosen(&mut self) {
        let Some(confirm) = self.saving.take() else {
            return;
        };
        let path = self.config_path.display().to_string();
        let keys = confirm.chosen();
        if keys.is_empty() {
            self.note = Some((true, format!("nothing ticked: {path} left as it was")));
            return;
        }
        let outcome = match &self.draft {
            Ok(d) => save_keys(&self.config_path, d, &keys).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        if outcome.is_ok() {
            // The file now holds what this editor wrote: that is no change on disk to
            // warn about before the next run.
            self.disk = super::reload::Disk::read(&self.config_path);
        }
        self.note = Some(match outcome {
            Ok(keys) => (true, format!("saved {} to {path}", keys.join(", "))),
            Err(e) => (false, format!("not saved: {e}")),
        });
    }
}

/// Keys while the confirmation is open; it takes them all.
pub fn on_key(ed: &mut Editor, code: KeyCode) {
    let Some(c) = ed.saving.as_mut() else {
        return;
    };
    let last = c.rows.len().saturating_sub(1);
    match code {
        KeyCode::Up => c.selected = c.selected.saturating_sub(1),
        KeyCode::Down => c.selected = (c.selected + 1).min(last),
        KeyCode::Char(' ') => {
            if let Some(r) = c.rows.get_mut(c.selected) {
                r.write = !r.write;
            }
        }
        KeyCode::Enter | KeyCode::Char('y' | 'w') => ed.write_chosen(),
        KeyCode::Esc | KeyCode::Char('n') => {
            ed.saving = None;
            ed.note = Some((true, "not saved".into()));
        }
        _ => {}
    }
}

/// The confirmation, drawn over the editor.
pub fn render(ed: &Editor, area: Rect, buf: &mut Buffer) {
    let Some(c) = ed.saving.as_ref() else {
        return;
    };
    let extra = 3 + u16::from(ed.disk.changed);
    let rect = centered(area, 70, c.rows.len() as u16 + extra + 2);
    if rect.height < 5 {
        return;
    }
    Clear.render(rect, buf);
    let block = theme::panel(format!(" save to {} ", ed.config_path.display()), true);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let mut lines = vec![Line::from("write these keys? (run-only ones start unticked)").dim()];
    if ed.disk.changed {
        lines.push(Line::styled(
            "the file changed on disk since it was loaded (Esc, then r reloads it)",
            Style::new().fg(theme::WARN),
        ));
    }
    let list_h = (inner.height as usize).saturating_sub(lines.len() + 2);
    let first = (c.selected + 1).saturating_sub(list_h);
    for (i, r) in c.rows.iter().enumerate().skip(first).take(list_h) {
        lines.push(row(r, i == c.selected));
    }
    lines.push(Line::raw(""));
    lines.push(keys_line());
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

fn row(r: &Row, selected: bool) -> Line<'static> {
    let mark = if selected { "› " } else { "  " };
    let tick = if r.write { "[x] " } else { "[ ] " };
    let style = if r.write {
        Style::new().fg(theme::WARN).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(theme::DIM)
    };
    let key_style = if selected { theme::key() } else { Style::new() };
    let mut spans = vec![
        Span::styled(format!("{mark}{tick}{}: ", r.key), key_style),
        Span::styled(format!("{} → {}", r.old, r.new), style),
    ];
    if RUN_ONLY.contains(&r.key) {
        spans.push(Span::styled("  (run-only)", Style::new().fg(theme::DIM)));
    }
    Line::from(spans)
}

fn keys_line() -> Line<'static> {
    let mut spans = Vec::new();
    for (k, w) in [
        ("↑↓", "select"),
        ("Space", "tick"),
        ("Enter", "write ticked"),
        ("Esc", "cancel"),
    ] {
        spans.push(Span::styled(k, theme::key()));
        spans.push(Span::raw(format!(" {w}  ")));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests;
