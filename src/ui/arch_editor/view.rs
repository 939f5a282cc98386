//! The architecture editor's panel, over the whole dashboard: one row per layer with its
//! settings (the selected field highlighted) beside its live row of the layer table (output,
//! params, %, kernel, stride, jump, RF: `ui::layers`' columns), the row that does not fit
//! marked with the reason, the totals against the budget, the validation's message, and the
//! keys; the insert chooser and the save dialog on top.

use super::keys::KIND_KEYS;
use super::{ArchEditor, Saving};
use crate::arch::edit::{fields, value};
use crate::arch::{LayerSpec, Summary};
use crate::ui::layers::{cell, columns, COLUMNS};
use crate::ui::rect::{centered, inner};
use crate::ui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// Width of a layer's settings: number, type, fields.
const SPEC_W: usize = 44;
/// Lines under the rows: totals, message (two), keys (two).
const FOOTER: u16 = 5;

pub fn render(a: &ArchEditor, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let title = format!(" architecture: {} ", a.name);
    let block = theme::panel(title, true);
    let body = inner(area);
    block.render(area, buf);
    if body.height < FOOTER + 2 || body.width < 20 {
        Paragraph::new("architecture editor: the terminal is too small (Esc closes it)")
            .wrap(Wrap { trim: true })
            .render(body, buf);
        return;
    }
    let list_h = body.height - FOOTER;
    table(
        a,
        Rect {
            height: list_h,
            ..body
        },
        buf,
    );
    let foot = Rect {
        y: body.y + list_h,
        height: FOOTER,
        ..body
    };
    let [totals_at, message_at, keys_at] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(2),
    ])
    .areas(foot);
    totals(a).render(totals_at, buf);
    let message_at = Rect {
        x: message_at.x.saturating_add(1),
        width: message_at.width.saturating_sub(1),
        ..message_at
    };
    Paragraph::new(message(a))
        .wrap(Wrap { trim: false })
        .render(message_at, buf);
    Paragraph::new(keys_lines(a).to_vec()).render(keys_at, buf);
    if let Some(c) = a.chooser {
        chooser(c.kind, c.before, area, buf);
    }
}

/// The table columns that fit beside the settings (torchsummary's name aside: the row
/// number and type are in the settings).
fn table_columns(width: u16) -> Vec<usize> {
    let rest = width.saturating_sub(SPEC_W as u16 + 1);
    columns(rest + COLUMNS[0].1 + 1)
        .into_iter()
        .filter(|&c| c != 0)
        .collect()
}

/// The header and the rows around the selected one.
fn table(a: &ArchEditor, area: Rect, buf: &mut Buffer) {
    let cols = table_columns(area.width);
    let mut header = format!("{:<SPEC_W$}", "   #  layer    settings");
    for &c in &cols {
        header += &format!(" {:>w$}", COLUMNS[c].0, w = COLUMNS[c].1 as usize);
    }
    let mut lines = vec![Line::from(header).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)];
    let room = (area.height as usize).saturating_sub(1);
    let n = a.layers().len();
    let first = (a.selected + 1)
        .saturating_sub(room)
        .min(n.saturating_sub(room));
    let summary = summary(a);
    for i in (first..n).take(room) {
        lines.push(row(a, i, &cols, &summary));
    }
    Paragraph::new(lines).render(area, buf);
}

/// The rows that fit, as a `Summary` for `ui::layers`' cells.
fn summary(a: &ArchEditor) -> Summary {
    let input = a.preset.input_chw();
    Summary {
        input,
        rows: a.check.rows.clone(),
        total_params: a.check.total_params,
        classes: a.check.rows.last().map_or(input.c, |r| r.output.c),
    }
}

fn row(a: &ArchEditor, i: usize, cols: &[usize], s: &Summary) -> Line<'static> {
    let spec = &a.layers()[i];
    let selected = i == a.selected;
    let bad = a.check.problem.as_ref().filter(|p| p.row == Some(i));
    let mut spans = settings(a, i, spec, selected);
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    spans.push(Span::raw(" ".repeat(SPEC_W.saturating_sub(used))));
    if let Some(p) = bad {
        spans.push(Span::styled(
            format!(" ✗ {}", p.reason),
            Style::new().fg(theme::BAD).add_modifier(Modifier::BOLD),
        ));
    } else if let Some(r) = s.rows.get(i) {
        let full = s.full_rf_layer() == Some(i);
        let style = if full {
            Style::new().fg(theme::GOOD)
        } else {
            Style::new()
        };
        for &c in cols {
            let text = cell(s, r, c, full);
            let w = COLUMNS[c].1 as usize;
            spans.push(Span::styled(format!(" {text:>w$}"), style));
        }
    } else {
        spans.push(Span::styled(" ·", Style::new().fg(theme::DIM)));
    }
    Line::from(spans)
}

/// `› 12 conv     out 16  k 3  s 1  p 0  d 1  g 1`, the selected field highlighted (or
/// the text being typed into it).
fn settings(a: &ArchEditor, i: usize, spec: &LayerSpec, selected: bool) -> Vec<Span<'static>> {
    let bad = a.check.problem.as_ref().is_some_and(|p| p.row == Some(i));
    let mark = if selected { "›" } else { " " };
    let head_style = match (bad, selected) {
        (true, _) => Style::new().fg(theme::BAD).add_modifier(Modifier::BOLD),
        (false, true) => theme::key(),
        (false, false) => Style::new(),
    };
    let mut spans = vec![Span::styled(
        format!("{mark}{:>3}  {:<8}", i + 1, short(spec)),
        head_style,
    )];
    let field = selected.then(|| a.selected_field()).flatten();
    for f in fields(spec) {
        let typed = a.typing.as_ref().filter(|_| field == Some(*f));
        let v = match typed {
            Some(t) => format!("{t}▏"),
            None => value(spec, *f).unwrap_or_default(),
        };
        let label = match f.key() {
            "kernel" => "k",
            "stride" => "s",
            "padding" => "pad",
            "dilation" => "d",
            "groups" => "g",
            k => k,
        };
        let style = if field == Some(*f) {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!("{label} {v}"), style));
    }
    spans
}

/// The type as the settings column names it.
fn short(spec: &LayerSpec) -> &'static str {
    match spec {
        LayerSpec::Conv { .. } => "conv",
        LayerSpec::Batchnorm => "bn",
        LayerSpec::Dropout { .. } => "dropout",
        LayerSpec::Relu => "relu",
        LayerSpec::Maxpool { .. } => "maxpool",
        LayerSpec::Avgpool { .. } => "avgpool",
        LayerSpec::AvgpoolGlobal => "gap",
    }
}

/// `24 layers · params 7,726 / 8,000 ✓ · RF 28 ✓ · layers ✓ · epochs 15 / 15 ✓`: the
/// edited layers against the draft's `[budget]`, the same rules `convscope check` applies.
pub fn totals(a: &ArchEditor) -> Line<'static> {
    let mut preset = a.preset.clone();
    preset.layers = a.layers().to_vec();
    let plan = crate::budget::Plan::of(&preset, a.config.train.epochs);
    let checks = crate::budget::static_rules(&a.config.budget, &plan);
    let mut spans = vec![Span::raw(format!(" {} layers", a.layers().len()))];
    for c in &checks {
        let text = crate::budget::bar(std::slice::from_ref(c));
        if text.is_empty() {
            continue;
        }
        let colour = if c.pass { theme::GOOD } else { theme::BAD };
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            text,
            Style::new().fg(colour).add_modifier(Modifier::BOLD),
        ));
    }
    if a.draft.can_undo() {
        spans.push(Span::styled(" · edited", Style::new().fg(theme::WARN)));
    }
    Line::from(spans)
}

/// The save dialog's prompt, else what is wrong, else the last note (wrapped in two lines).
fn message(a: &ArchEditor) -> Vec<Line<'static>> {
    let warn = Style::new().fg(theme::WARN);
    if let Some(s) = &a.saving {
        let (prompt, help) = match s {
            Saving::Name(t) => (
                format!("save as a new preset: [models.{t}▏]"),
                "type its name · Enter next · Esc cancel",
            ),
            Saving::Target { name, text } => (
                format!("[models.{name}] target note (optional): {text}▏"),
                "Enter saves · Esc cancels",
            ),
            Saving::Overwrite => (
                format!(
                    "write these layers over [models.{}] in the config file?",
                    a.name
                ),
                "y/Enter: yes  n/Esc: no",
            ),
        };
        return vec![Line::styled(prompt, warn), Line::from(help).dim()];
    }
    let (text, style) = match (&a.check.problem, &a.note) {
        (_, Some((false, n))) => (n.clone(), warn),
        (Some(p), _) => (
            format!("cannot train: {}", p.message),
            Style::new().fg(theme::BAD),
        ),
        (None, Some((true, n))) => (n.clone(), Style::new().fg(theme::GOOD)),
        (None, None) => (
            "fits: n starts the next run with these layers; w saves them as a preset".into(),
            Style::new().fg(theme::DIM),
        ),
    };
    vec![Line::styled(text, style)]
}

fn keys_lines(a: &ArchEditor) -> [Line<'static>; 2] {
    let rows: [&[(&str, &str)]; 2] = if a.typing.is_some() {
        [
            &[("Enter", "set"), ("Esc", "cancel"), ("Backspace", "erase")],
            &[],
        ]
    } else {
        [
            &[
                ("↑↓", "layer"),
                ("Tab", "field"),
                ("←→", "change"),
                ("Enter", "type"),
                ("i/I", "insert"),
                ("b", "block"),
                ("x", "delete"),
            ],
            &[
                ("D", "copy"),
                ("K/J", "move"),
                ("u", "undo"),
                ("^R", "redo"),
                ("w", "save as"),
                ("W", "save over"),
                ("n", "start"),
                ("Esc", "close"),
            ],
        ]
    };
    rows.map(|keys| {
        let mut spans = vec![Span::raw(" ")];
        for (k, w) in keys {
            spans.push(Span::styled(*k, theme::key()));
            spans.push(Span::raw(format!(" {w}  ")));
        }
        Line::from(spans)
    })
}

/// The insert chooser: one line per layer type with the letter that picks it.
fn chooser(kind: usize, before: bool, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 34, KIND_KEYS.len() as u16 + 2);
    Clear.render(rect, buf);
    let title = if before {
        " insert before "
    } else {
        " insert after "
    };
    let lines: Vec<Line> = KIND_KEYS
        .iter()
        .enumerate()
        .map(|(i, (key, _, label))| {
            let mark = if i == kind { "›" } else { " " };
            let style = if i == kind {
                theme::key()
            } else {
                Style::new()
            };
            Line::styled(format!("{mark} {key}  {label}"), style)
        })
        .collect();
    Paragraph::new(lines)
        .block(theme::panel(title, true))
        .render(rect, buf);
}
