//! `w` and `r` against a real config file on disk, through the dashboard's key handling:
//! the confirmation lists `key: old → new` with run-only keys unticked and writes only the
//! ticked ones; a file edited while the dashboard is open is noticed, the next start is held
//! once to offer the reload, the reload applies the new preset's layers, and an invalid file
//! is shown, not applied.

use crate::config::Config;
use crate::events::Control;
use crate::ui::app::App;
use crate::ui::editor::Editor;
use crate::ui::tests::{base, feed, screen};
use crate::ui::{fixture, keys::on_key, Marker, Start};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

/// A file under `target/` by a relative path, so that the snapshot holds no temp dir.
fn temp(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from("target/editor-disk-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// model-2's layers with its second conv widened from 8 to `c2` output channels.
fn file(c2: usize, lr: &str) -> String {
    let preset = Config::default().models["model-2"].clone();
    let mut models = toml::Table::new();
    let mut p = toml::Table::try_from(&preset).unwrap();
    let layers = p["layers"].as_array_mut().unwrap();
    let conv = layers
        .iter_mut()
        .filter(|l| l["type"].as_str() == Some("conv"))
        .nth(1)
        .unwrap();
    let was = conv["out"].as_integer().unwrap() as usize;
    conv.as_table_mut()
        .unwrap()
        .insert("out".into(), toml::Value::Integer(c2 as i64));
    // The next layer's input follows from `out`; keep the shapes valid by widening back.
    assert!(was > 0);
    models.insert("model-2".into(), toml::Value::Table(p));
    let mut t = toml::Table::new();
    t.insert("models".into(), toml::Value::Table(models));
    format!(
        "# my recipe\nmodel = \"model-2\"\n[train]\nlr = {lr} # peak\nepochs = 15\n\n{}",
        toml::to_string(&t).unwrap()
    )
}

/// A finished run of the dashboard started from `path` with a quick test's overrides.
fn app(path: &Path) -> App {
    let quick = [
        ("train.epochs".to_string(), "3".to_string()),
        ("data.limit_train".to_string(), "6000".to_string()),
    ];
    let config = Config::load(Some(path), &quick).unwrap();
    let mut app = App::new(Marker::Braille, base());
    app.view.editor = Some(Editor::new(config, path.to_path_buf()));
    feed(&mut app, &fixture::script(4, true));
    app
}

fn press(app: &mut App, code: KeyCode) -> Option<Control> {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE))
}

fn ed(app: &App) -> &Editor {
    app.view.editor.as_ref().unwrap()
}

fn note(app: &App) -> String {
    ed(app).note.clone().map(|n| n.1).unwrap_or_default()
}

fn select(app: &mut App, key: &str) {
    press(app, KeyCode::Home);
    for _ in 0..40 {
        if ed(app).selected_param().is_some_and(|p| p.key == key) {
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("{key} is not listed");
}

fn confirm_rows(app: &App) -> Vec<String> {
    let c = ed(app).saving.as_ref().unwrap();
    c.rows
        .iter()
        .map(|r| {
            format!(
                "{} {}: {} → {}",
                if r.write { "x" } else { " " },
                r.key,
                r.old,
                r.new
            )
        })
        .collect()
}

#[test]
fn w_lists_the_keys_it_writes_and_leaves_run_only_ones_unticked() {
    // Before: `w` wrote epochs = 3 and limit_train = 6000 into the recipe at once.
    let path = temp("confirm.toml", &file(8, "0.1"));
    let before = std::fs::read_to_string(&path).unwrap();
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('h'));
    select(&mut app, "train.lr");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(
        confirm_rows(&app),
        [
            "  train.epochs: 15 → 3",
            "x train.lr: 0.1 → 0.2",
            "  data.limit_train: 0 → 6000"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "nothing written yet"
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("train.epochs: 15 → 3  (run-only)"), "{s}");
    insta::assert_snapshot!("save_confirm_80x24", s);
    // Tick epochs after all (Down, Space), write: limit_train stays out.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    assert!(ed(&app).saving.is_none());
    assert_eq!(
        note(&app),
        format!("saved train.epochs, train.lr to {}", path.display())
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("lr = 0.2 # peak\nepochs = 3\n"), "{text}");
    assert!(!text.contains("limit_train"), "{text}");
    // Esc writes nothing.
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(confirm_rows(&app), ["  data.limit_train: 0 → 6000"]);
    press(&mut app, KeyCode::Esc);
    assert!(ed(&app).saving.is_none() && ed(&app).open);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_file_changed_on_disk_holds_the_next_start_once_and_r_reloads_its_layers() {
    // Before: n trained the old layers, silently.
    let path = temp("reload.toml", &file(8, "0.1"));
    let mut app = app(&path);
    let old_layers = ed(&app).base.models["model-2"].layers.clone();
    press(&mut app, KeyCode::Char('h'));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, file(12, "0.05")).unwrap();
    press(&mut app, KeyCode::Down);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("reload.toml changed on disk since it was"),
        "{s}"
    );
    assert!(s.contains("reloads it"), "{s}");
    assert!(s.contains("r reload file"), "{s}");
    // n is held once, with the offer.
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.session.launch, None);
    assert!(note(&app).contains("changed on disk since it was loaded: r in the editor reloads it"));
    // r: the new layers and lr, the quick test's epochs kept.
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        note(&app),
        format!(
            "reloaded {}: presets model-2, train.lr = 0.05",
            path.display()
        )
    );
    assert!(!ed(&app).disk.changed);
    press(&mut app, KeyCode::Char('n'));
    let Some(Start::Fresh(next)) = app.session.launch.clone() else {
        panic!("the reloaded file starts: {:?}", app.session.launch)
    };
    assert_ne!(next.models["model-2"].layers, old_layers);
    assert_eq!(
        next.models["model-2"],
        Config::load(Some(&path), &[]).unwrap().models["model-2"]
    );
    assert_eq!(
        (next.train.lr, next.train.epochs, next.data.limit_train),
        (0.05, 3, 6000)
    );
}

#[test]
fn an_invalid_file_is_shown_not_applied_and_n_twice_starts_the_values_shown() {
    let path = temp("invalid.toml", &file(8, "0.1"));
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('h'));
    std::fs::write(&path, "[train]\nlr = -1\n").unwrap();
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        note(&app),
        format!(
            "not reloaded: {}: train.lr: '-1' must be > 0",
            path.display()
        )
    );
    assert!(ed(&app).disk.changed);
    assert_eq!(ed(&app).draft.as_ref().unwrap().train.lr, 0.1);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.session.launch, None, "held once");
    press(&mut app, KeyCode::Char('n'));
    let Some(Start::Fresh(next)) = app.session.launch.clone() else {
        panic!("n again starts: {:?}", app.session.launch)
    };
    assert_eq!(next.train.lr, 0.1);
}

#[test]
fn a_touched_but_unchanged_file_is_not_a_change() {
    let path = temp("touched.toml", &file(8, "0.1"));
    let mut app = app(&path);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text).unwrap();
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Down);
    assert!(!ed(&app).disk.changed);
    press(&mut app, KeyCode::Char('n'));
    assert!(app.session.launch.is_some());
}
