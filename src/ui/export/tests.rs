//! The export as text and SVG, and where `x` may write: only into the run's folder.

use super::*;
use ratatui::backend::TestBackend;
use ratatui::style::Style;
use ratatui::Terminal;

fn drawn() -> Buffer {
    let mut t = Terminal::new(TestBackend::new(12, 2)).unwrap();
    t.draw(|f| {
        let b = f.buffer_mut();
        b.set_string(0, 0, "a<b & c", Style::new().fg(Color::Red));
        b.set_string(8, 0, "ok", Style::new().bg(Color::Rgb(0, 128, 0)));
        b.set_string(0, 1, "█", Style::new().fg(Color::Indexed(244)));
    })
    .unwrap();
    t.backend().buffer().clone()
}

#[test]
fn text_is_the_symbols_and_svg_keeps_colours_and_escapes() {
    let buf = drawn();
    assert_eq!(text(&buf), "a<b & c ok\n█\n");
    let s = svg(&buf);
    assert!(
        s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"101\" height=\"34\""),
        "{s}"
    );
    assert!(s.contains(">a&lt;b &amp; c</text>"), "{s}");
    assert!(s.contains("fill=\"#cd0000\""), "{s}");
    assert!(
        s.contains("<rect x=\"67.2\" y=\"0.0\" width=\"16.8\" height=\"17\" fill=\"#008000\"/>"),
        "{s}"
    );
    assert!(s.contains("fill=\"#808080\""), "indexed 244 is grey: {s}");
    assert!(s.trim_end().ends_with("</svg>"));
    let dir = std::env::temp_dir().join(format!("convscope-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (t, v) = save(&buf, &dir, "screen").unwrap();
    assert_eq!(std::fs::read_to_string(t).unwrap(), text(&buf));
    assert_eq!(std::fs::read_to_string(v).unwrap(), s);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("convscope-export-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Files named `screen-*` in `dir`.
fn screens_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("screen-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn x_saves_into_the_run_folder_and_only_there() {
    let runs = scratch("run-folder");
    let run = runs.join("20261201-022501-model-3");
    std::fs::create_dir_all(&run).unwrap();
    let now = std::time::SystemTime::now();
    let (level, message) = save_screen(&drawn(), None, run.to_str(), now);
    assert_eq!(level, Level::Info, "{message}");
    assert_eq!(screens_in(&run).len(), 2, "{message}");
    std::fs::remove_dir_all(&runs).unwrap();
}

#[test]
fn x_after_the_run_folder_was_deleted_writes_nothing_anywhere() {
    let runs = scratch("deleted");
    let run = runs.join("20261201-022501-model-3");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::remove_dir_all(&run).unwrap();
    let cwd = std::env::current_dir().unwrap();
    let before = screens_in(&cwd);
    let now = std::time::SystemTime::now();
    let (level, message) = save_screen(&drawn(), None, run.to_str(), now);
    assert_eq!(level, Level::Error);
    assert_eq!(
        message,
        format!(
            "screen not saved: the run folder {} is gone; nothing was written",
            run.display()
        )
    );
    assert!(!run.exists(), "the folder is not made again");
    assert!(screens_in(&runs).is_empty());
    assert_eq!(screens_in(&cwd), before, "nothing in the current directory");
    // The watched run's folder, given explicitly, obeys the same rule.
    let (level, _) = save_screen(&drawn(), Some(&run), Some("."), now);
    assert_eq!(level, Level::Error);
    assert_eq!(screens_in(&cwd), before);
    std::fs::remove_dir_all(&runs).unwrap();
}

#[test]
fn before_the_run_has_a_folder_x_says_so() {
    assert_eq!(
        folder(None, None),
        Err("the run has no folder yet".to_string())
    );
}
