//! The augmentation preview (`v` in the hyperparameter editor): the first training images
//! of the next run as its rotation/translation settings and seed will feed them, drawn over
//! the editor. The pixels come from a [`PreviewMaker`] the command layer builds (it holds
//! MNIST and the trainer's own augmentation code); the dashboard only draws them.

use super::rect::{centered, inner};
use super::runs::flips::{draw_thumbs, tiling, Thumb};
use super::theme;
use crate::config::Config;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// Training images as the augmentation leaves them.
#[derive(Debug, Clone, PartialEq)]
pub struct AugGrid {
    pub rows: usize,
    pub cols: usize,
    /// (training index, label, `rows * cols` grey levels), in feeding order.
    pub images: Vec<(usize, u8, Vec<u8>)>,
    /// What settings produced them, for the title line.
    pub about: String,
}

/// Builds the grid for a draft config (the images its first batch would hold).
pub type PreviewMaker = Box<dyn Fn(&Config) -> Result<AugGrid, String>>;

/// The preview's state in the editor: asked for, then shown (or why not).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AugPreview {
    pub requested: bool,
    pub shown: Option<Result<AugGrid, String>>,
}

impl AugPreview {
    pub fn is_open(&self) -> bool {
        self.requested || self.shown.is_some()
    }

    /// `v`: ask for the preview of the current draft.
    pub fn open(&mut self) {
        self.requested = true;
        self.shown = None;
    }

    pub fn close(&mut self) {
        self.requested = false;
        self.shown = None;
    }

    /// Answer the request with `make` (the event loop's hook) for `draft`.
    pub fn serve(&mut self, draft: &Result<Config, String>, make: Option<&PreviewMaker>) {
        if !std::mem::take(&mut self.requested) {
            return;
        }
        self.shown = Some(match (draft, make) {
            (Err(why), _) => Err(format!("the edited values are invalid: {why}")),
            (Ok(_), None) => Err("this dashboard has no training images to preview".into()),
            (Ok(config), Some(make)) => make(config),
        });
    }
}

/// The preview box over `area`, when open.
pub fn render(p: &AugPreview, area: Rect, buf: &mut Buffer) {
    if !p.is_open() {
        return;
    }
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    if rect.width < 3 || rect.height < 3 {
        return;
    }
    Clear.render(rect, buf);
    theme::panel(" augmentation preview · v/Esc closes ", true).render(rect, buf);
    let body = inner(rect);
    let grid = match &p.shown {
        None => return text("augmenting…", body, buf),
        Some(Err(why)) => return text(why, body, buf),
        Some(Ok(g)) => g,
    };
    let rest = Rect {
        y: body.y.saturating_add(2),
        height: body.height.saturating_sub(2),
        ..body
    };
    let (_, _, fit) = tiling(rest, grid.rows, grid.cols);
    let head = vec![
        Line::raw(grid.about.clone()),
        Line::styled(
            format!(
                "showing {} of these {} images (#training index, label)",
                fit.min(grid.images.len()),
                grid.images.len()
            ),
            Style::new().fg(theme::DIM),
        ),
    ];
    Paragraph::new(head).render(
        Rect {
            height: body.height.min(2),
            ..body
        },
        buf,
    );
    let thumbs: Vec<Thumb> = grid
        .images
        .iter()
        .map(|(index, label, px)| Thumb {
            pixels: Some(&px[..]),
            caption: format!("#{index} {label}"),
            colour: theme::TRAIN,
        })
        .collect();
    draw_thumbs(&thumbs, grid.rows, grid.cols, rest, buf);
}

fn text(s: &str, area: Rect, buf: &mut Buffer) {
    Paragraph::new(s.to_string())
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
mod tests;
