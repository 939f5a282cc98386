//! What the user chose to look at: focus, scroll, zoom, the toggles and the overlays (help,
//! a question, the editor, the runs panel). Keys change it; events never do.

use super::super::arch_editor::ArchEditor;
use super::super::editor::Editor;
use super::super::feature_maps::MapsView;
use super::super::pad::Pad;
use super::super::runs::Runs;
use super::super::Marker;
use ratatui::layout::Rect;

/// The panels that take focus, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Layers,
    Loss,
    Accuracy,
    Log,
}

impl Panel {
    pub const ALL: [Panel; 4] = [Panel::Layers, Panel::Loss, Panel::Accuracy, Panel::Log];

    pub fn index(self) -> usize {
        Panel::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// A question waiting for y/n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Stop training and leave; `ctrl_c` when it was asked for with Ctrl-C.
    Quit { ctrl_c: bool },
    /// Stop training, keep the dashboard open.
    Stop,
    /// Stop training, then start the next run with the editor's values.
    NextRun,
}

#[derive(Debug, Clone)]
pub struct View {
    pub marker: Marker,
    pub focus: Panel,
    pub zoom: bool,
    pub help: bool,
    /// The first key row the `?` overlay shows (when it is taller than the screen).
    pub help_top: usize,
    pub confirm: Option<Confirm>,
    pub log_scale: bool,
    /// `t`: the layer table shows per-layer statistics instead of shapes.
    pub stats_view: bool,
    /// `i`: the test-pass view (confusion matrix and mistakes) instead of the curves.
    pub insight: bool,
    /// `c`: the confusion matrix in % of each true class instead of counts.
    pub confusion_pct: bool,
    /// Which page of misclassified digits (←/→ in the test-pass view).
    pub digit_page: usize,
    /// Per panel: rows scrolled (layers: from the top; accuracy and log: back from the end).
    pub scroll: [usize; 4],
    /// Terminal size at the last draw (for clamping scrolls to what is visible).
    pub area: Rect,
    /// The hyperparameter editor, when the dashboard can start runs.
    pub editor: Option<Editor>,
    /// The runs panel (`r`): earlier runs, the selection, the overlays.
    pub runs: Runs,
    /// `m`: the feature maps of one image (over everything, the pad included).
    pub maps: Option<MapsView>,
    /// `d`: the drawing pad (the mouse is captured while it is open).
    pub pad: Option<Pad>,
    /// Questions for the inspector, sent by the event loop; the last id given out.
    pub inspect_out: Vec<crate::inspection::Request>,
    pub inspect_seq: u64,
    /// The architecture editor (`a`), kept closed with its undo history once opened.
    pub arch: Option<ArchEditor>,
}

impl View {
    pub fn new(marker: Marker) -> Self {
        Self {
            marker,
            focus: Panel::Layers,
            zoom: false,
            help: false,
            help_top: 0,
            confirm: None,
            log_scale: false,
            stats_view: false,
            insight: false,
            confusion_pct: false,
            digit_page: 0,
            scroll: [0; 4],
            area: Rect::default(),
            editor: None,
            runs: Runs::default(),
            maps: None,
            pad: None,
            inspect_out: Vec::new(),
            inspect_seq: 0,
            arch: None,
        }
    }

    /// The view for the next run: the layout choices, the editor and the runs panel stay;
    /// what showed the previous run (scrolls, the test-pass view, overlays) starts afresh.
    pub fn for_next_run(&mut self) -> View {
        let mut next = View::new(self.marker);
        (next.focus, next.zoom, next.log_scale) = (self.focus, self.zoom, self.log_scale);
        next.stats_view = self.stats_view;
        next.area = self.area;
        next.runs = std::mem::take(&mut self.runs);
        next.editor = self.editor.take();
        // Answers to earlier questions are told apart from the new run's by their ids.
        next.inspect_seq = self.inspect_seq;
        next.arch = self.arch.take().map(|mut a| {
            a.open = false;
            a
        });
        next
    }
}
