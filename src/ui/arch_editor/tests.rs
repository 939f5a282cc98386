//! The architecture editor without a terminal: opening it (`a`, and from the
//! hyperparameter editor), widening a conv, inserting a block and a chosen layer, undo and
//! redo, a layer that no longer fits marked and blocking `n`, saving as a new preset and
//! over the current one (and refused into a missing or read-only file, keeping the edit),
//! the next run training the edited layers, snapshots, and drawing at any size.

use super::ArchEditor;
use crate::arch::LayerSpec;
use crate::config::Config;
use crate::ui::app::App;
use crate::ui::editor::Editor;
use crate::ui::tests::{finished, screen};
use crate::ui::{draw, keys::on_key, Start};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};

/// A finished run of the default model-3 whose dashboard can start runs, saving into
/// `config` (which may not exist).
fn app(config: &Path) -> App {
    let mut app = finished();
    app.view.editor = Some(Editor::new(Config::default(), config.to_path_buf()));
    app
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    on_key(app, KeyEvent::new(code, modifiers));
}

fn press(app: &mut App, code: KeyCode) {
    key(app, code, KeyModifiers::NONE);
}

fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn arch(app: &App) -> &ArchEditor {
    app.view.arch.as_ref().expect("the architecture editor")
}

/// The layers the next run would train.
fn next_layers(app: &App) -> Vec<LayerSpec> {
    let c = app.view.editor.as_ref().unwrap().next_config().unwrap();
    c.preset().layers.clone()
}

/// A fresh folder of this test process (one per call).
fn dir() -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("convscope-arch-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shipped_config() -> PathBuf {
    let path = dir().join("config.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml"), &path).unwrap();
    path
}

/// Open the editor and widen model-3's second conv (layer 5) by one channel.
fn widened(config: &Path) -> App {
    let mut app = app(config);
    press(&mut app, KeyCode::Char('a'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Right);
    app
}

#[test]
fn a_opens_the_editor_on_the_preset_that_trains_with_its_totals() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    let a = arch(&app);
    assert!(a.open);
    assert_eq!(a.name, "model-3");
    assert_eq!(a.check.total_params, 7_726);
    assert_eq!(a.classifier_rf(), Some(28));
    assert_eq!(a.check.problem, None);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("params 7,726 / 8,000 ✓"), "{s}");
    assert!(s.contains("RF 28 ✓ · layers ✓ · epochs 15 / 15 ✓"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(!arch(&app).open);
}

#[test]
fn a_in_the_hyperparameter_editor_opens_it_on_the_model_picked_there() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('h'));
    // The model row is the first: step it to another preset.
    press(&mut app, KeyCode::Left);
    let picked = app
        .view
        .editor
        .as_ref()
        .unwrap()
        .draft
        .clone()
        .unwrap()
        .model;
    assert_ne!(picked, "model-3");
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(arch(&app).name, picked);
    assert!(arch(&app).open);
}

#[test]
fn widening_a_conv_changes_params_live_and_the_next_run_trains_it() {
    let mut app = widened(Path::new("config.toml"));
    let a = arch(&app);
    assert_eq!(
        a.layers()[4],
        LayerSpec::Conv {
            out: 17,
            kernel: 3,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups: 1,
            bias: false
        }
    );
    // conv 10→16 3×3 (+90), its BatchNorm (+2), the 1×1 squeeze 16→8 (+8).
    assert_eq!(a.check.total_params, 7_826);
    assert_eq!(next_layers(&app), a.layers());
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("params 7,826 / 8,000 ✓"), "{s}");
    // Shift (and PgUp) step by 4.
    key(&mut app, KeyCode::Right, KeyModifiers::SHIFT);
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(
        arch(&app).layers()[4],
        LayerSpec::Conv { out: 25, .. }
    ));
    // Tab to the kernel: 3 → 5 widens the RF.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    assert!(matches!(
        arch(&app).layers()[4],
        LayerSpec::Conv { kernel: 5, .. }
    ));
    // Its RF grows from 5 to 7, the max-pool's from 6 to 8; the global pool still covers
    // the whole (smaller) map, so the classifier sees 28.
    let rows = &arch(&app).check.rows;
    assert_eq!((rows[4].rf, rows[9].rf), (7, 8));
    assert_eq!(arch(&app).classifier_rf(), Some(28));
}

#[test]
fn b_inserts_a_block_and_undo_and_ctrl_r_take_it_back_and_again() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('b'));
    let a = arch(&app);
    assert_eq!(a.layers().len(), 28);
    assert_eq!(a.selected, 4);
    assert!(matches!(
        a.layers()[4],
        LayerSpec::Conv {
            out: 10,
            kernel: 3,
            ..
        }
    ));
    assert_eq!(a.layers()[7], LayerSpec::Relu);
    // 10·10·9 + 20 params; the new conv's RF is 5, the max-pool's 8 (was 6).
    assert_eq!(a.check.total_params, 7_726 + 920);
    assert_eq!((a.check.rows[4].rf, a.check.rows[13].rf), (5, 8));
    assert_eq!(a.classifier_rf(), Some(28));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("params 8,646 / 8,000 ✗"), "{s}");
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(arch(&app).layers().len(), 24);
    assert_eq!(next_layers(&app).len(), 24);
    key(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(arch(&app).layers().len(), 28);
    assert_eq!(next_layers(&app).len(), 28);
}

#[test]
fn the_chooser_inserts_the_type_picked_after_or_before() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('i'));
    assert!(arch(&app).chooser.is_some());
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("insert after") && s.contains("m  max-pool 2"),
        "{s}"
    );
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(arch(&app).layers()[1], LayerSpec::Dropout { p: None });
    assert_eq!(arch(&app).selected, 1);
    press(&mut app, KeyCode::Char('I'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(arch(&app).layers()[1], LayerSpec::Batchnorm);
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(arch(&app).layers().len(), 26, "Esc inserts nothing");
    assert!(arch(&app).open, "Esc closed only the chooser");
}

#[test]
fn moving_duplicating_and_deleting_go_through_the_keys() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('D'));
    assert_eq!(arch(&app).layers().len(), 25);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(arch(&app).layers().len(), 24);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('J'));
    assert_eq!(
        arch(&app).layers()[1],
        crate::config::presets::model3().layers[0]
    );
    assert_eq!(arch(&app).selected, 1);
    key(&mut app, KeyCode::Up, KeyModifiers::SHIFT);
    assert_eq!(
        arch(&app).layers(),
        &crate::config::presets::model3().layers[..]
    );
    press(&mut app, KeyCode::Char('K'));
    assert!(arch(&app)
        .note
        .as_ref()
        .unwrap()
        .1
        .contains("already the first layer"));
}

#[test]
fn a_layer_that_no_longer_fits_is_marked_with_the_reason_and_no_run_starts() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Up);
    // Delete the global average pool: the net ends in 10×6×6.
    press(&mut app, KeyCode::Char('x'));
    let p = arch(&app).check.problem.clone().expect("a problem");
    assert_eq!(p.row, Some(22));
    assert!(
        p.reason.contains("must end in [-1, classes, 1, 1]"),
        "{}",
        p.reason
    );
    assert!(
        p.message
            .starts_with("models.model-3.layers: layer 23 (Conv2d-23)"),
        "{}",
        p.message
    );
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("✗ the model must end in"), "{s}");
    press(&mut app, KeyCode::Char('n'));
    assert!(app.session.launch.is_none());
    assert!(arch(&app)
        .note
        .as_ref()
        .unwrap()
        .1
        .starts_with("cannot start:"));
    // Groups that do not divide the channels, on the first conv (1 input channel).
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Home);
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let p = arch(&app).check.problem.clone().expect("a problem");
    assert_eq!(p.row, Some(0));
    assert_eq!(
        p.reason,
        "groups (2) must divide both the input channels (1) and out (10)"
    );
    // Typed: a kernel larger than the input.
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut app, "29");
    press(&mut app, KeyCode::Enter);
    let p = arch(&app).check.problem.clone().expect("a problem");
    assert_eq!(p.row, Some(0));
    assert!(p
        .reason
        .starts_with("kernel 29 with padding 0 is larger than its 28x28 input"));
    assert!(app.view.editor.as_ref().unwrap().next_config().is_err());
}

#[test]
fn n_starts_the_next_run_with_the_edited_layers() {
    let mut app = widened(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('n'));
    let Some(Start::Fresh(config)) = app.session.launch.take() else {
        panic!("no run started");
    };
    assert_eq!(config.model, "model-3");
    assert!(matches!(
        config.preset().layers[4],
        LayerSpec::Conv { out: 17, .. }
    ));
    assert!(config.to_toml().contains("out = 17"));
}

#[test]
fn w_saves_a_new_preset_with_its_target_and_the_next_run_trains_it() {
    let path = shipped_config();
    let mut app = widened(&path);
    press(&mut app, KeyCode::Char('w'));
    typ(&mut app, "wide");
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "one more channel");
    press(&mut app, KeyCode::Enter);
    let note = arch(&app).note.clone().unwrap();
    assert!(note.0, "{note:?}");
    assert!(note.1.starts_with("saved [models.wide]"), "{note:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[models.wide]\ninput = [1, 28, 28]\nlayers = [\n"),
        "{text}"
    );
    assert!(text.contains("target = \"one more channel\""), "{text}");
    assert!(
        text.contains("# The preset in [models] to train"),
        "comments kept"
    );
    let saved = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(saved.models["wide"].layers, arch(&app).layers());
    assert_eq!(arch(&app).name, "wide");
    press(&mut app, KeyCode::Char('n'));
    let Some(Start::Fresh(config)) = app.session.launch.take() else {
        panic!("no run started");
    };
    assert_eq!(config.model, "wide");
    assert_eq!(config.preset().layers, saved.models["wide"].layers);
}

#[test]
fn capital_w_writes_over_the_current_preset_after_yes() {
    let path = shipped_config();
    let mut app = widened(&path);
    press(&mut app, KeyCode::Char('W'));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(
        Config::load(Some(&path), &[]).unwrap().models["model-3"].layers,
        crate::config::presets::model3().layers,
        "n: nothing written"
    );
    press(&mut app, KeyCode::Char('W'));
    press(&mut app, KeyCode::Char('y'));
    let saved = Config::load(Some(&path), &[]).unwrap();
    assert_eq!(saved.models["model-3"].layers, arch(&app).layers());
    assert!(saved.models["model-3"].result.is_some(), "its notes kept");
}

#[test]
fn saving_into_a_missing_or_read_only_file_says_so_and_keeps_the_edit() {
    let missing = dir().join("config.toml");
    let read_only = shipped_config();
    let mut perms = std::fs::metadata(&read_only).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&read_only, perms).unwrap();
    for (path, says) in [
        (&missing, "cannot save into it"),
        (&read_only, "the file is read-only"),
    ] {
        let mut app = widened(path);
        press(&mut app, KeyCode::Char('w'));
        typ(&mut app, "wide");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Enter);
        let note = arch(&app).note.clone().unwrap();
        assert!(!note.0 && note.1.contains(says), "{note:?}");
        assert!(note.1.contains("the edit is kept"), "{note:?}");
        assert!(matches!(
            arch(&app).layers()[4],
            LayerSpec::Conv { out: 17, .. }
        ));
        assert_eq!(arch(&app).name, "model-3");
        let s = screen(&mut app, 120, 40);
        assert!(s.contains(says), "{s}");
    }
    assert!(!missing.exists());
}

#[test]
fn the_editor_keeps_its_undo_history_when_closed_and_opened_again() {
    let mut app = widened(Path::new("config.toml"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('a'));
    assert!(arch(&app).draft.can_undo());
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(arch(&app).check.total_params, 7_726);
}

#[test]
fn snapshot_arch_editor_120x40() {
    let mut app = widened(Path::new("config.toml"));
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(screen(&mut app, 120, 40));
}

#[test]
fn snapshot_arch_editor_80x24_with_a_layer_that_does_not_fit() {
    let mut app = app(Path::new("config.toml"));
    press(&mut app, KeyCode::Char('a'));
    for _ in 0..9 {
        press(&mut app, KeyCode::Down);
    }
    // The max-pool of 2 with a kernel typed too large for its 24×24 input.
    press(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut app, "30");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn the_editor_renders_at_any_size_without_panicking() {
    let mut apps = vec![widened(Path::new("config.toml"))];
    let mut chooser = widened(Path::new("config.toml"));
    press(&mut chooser, KeyCode::Char('i'));
    apps.push(chooser);
    let mut saving = widened(Path::new("config.toml"));
    press(&mut saving, KeyCode::Char('w'));
    typ(&mut saving, &"x".repeat(300));
    apps.push(saving);
    let mut bad = widened(Path::new("config.toml"));
    press(&mut bad, KeyCode::End);
    press(&mut bad, KeyCode::Up);
    press(&mut bad, KeyCode::Char('x'));
    apps.push(bad);
    for app in &apps {
        for w in (0..=300).step_by(13).chain([1, 2, 79, 80, 120, 300]) {
            for h in (0..=100).step_by(7).chain([1, 2, 23, 24, 40, 100]) {
                let area = Rect::new(0, 0, w, h);
                let mut buf = Buffer::empty(area);
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    draw::render(app, area, &mut buf);
                    super::view::render(arch(app), area, &mut buf);
                }));
                assert!(r.is_ok(), "panicked at {w}x{h}");
            }
        }
    }
}
