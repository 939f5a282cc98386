//! Looking inside in the real binary after a short real run: the drawing pad classifies a
//! digit drawn with the keys (and with the terminal's mouse reports, captured only while
//! the pad is open), `m` shows the feature maps and moving the unit moves the receptive
//! field's pixel ranges; `convscope watch` of the run does the same from its folder.

use crate::binary::{shipped_config, start, test_dir};
use crate::require_tmux;
use crate::tmux::Session;

/// The class the pad shows, once it has one.
fn predicted(sc: &str) -> Option<u32> {
    let at = sc.find("prediction: ")? + "prediction: ".len();
    sc[at..].chars().next()?.to_digit(10)
}

/// A "1" with the keys: up from the centre, then a stroke down.
fn draw_a_one(s: &Session) {
    for _ in 0..8 {
        s.send("Up");
    }
    for _ in 0..16 {
        s.send("Space");
        s.send("Down");
    }
}

/// The pad over `s`'s run: a drawing with keys, then with mouse reports, is classified.
fn pad_predicts(s: &Session) {
    s.send("d");
    s.wait_for("the pad", 10, |sc| {
        sc.contains("drawing pad") && sc.contains("draw a digit")
    });
    assert!(s.mouse_on(), "the pad captures the mouse");
    draw_a_one(s);
    let sc = s.wait_for("the prediction", 60, |sc| predicted(sc).is_some());
    assert_eq!(sc.matches('%').count(), 11, "the class and ten bars:\n{sc}");
    s.send("c");
    s.wait_for("the cleared pad", 10, |sc| sc.contains("draw a digit"));
    // The canvas starts at column 3, row 3 (1-based): a press, a drag, a release (SGR).
    s.send_literal("\x1b[<0;16;5M");
    for row in 6..16 {
        s.send_literal(&format!("\x1b[<32;16;{row}M"));
    }
    s.send_literal("\x1b[<0;16;16m");
    s.wait_for("the mouse drawing's prediction", 60, |sc| {
        predicted(sc).is_some()
    });
}

#[test]
fn the_pad_classifies_a_drawing_and_the_maps_show_the_receptive_field() {
    require_tmux!();
    let dir = test_dir("inside");
    let s = start(
        &dir,
        shipped_config(),
        "--epochs 1 --set data.limit_train=2000 --set data.limit_test=300",
    );
    s.wait_for("the finished run", 300, |sc| sc.contains("● finished"));
    pad_predicts(&s);
    s.send("m");
    s.wait_for("the drawing's feature maps", 30, |sc| {
        sc.contains("your drawing") && sc.contains("sees rows 0–2, cols 0–2")
    });
    s.send("Escape");
    s.send("Escape");
    s.wait_for("the dashboard", 10, |sc| sc.contains("Conv2d-1"));
    assert!(!s.mouse_on(), "the mouse is let go when the pad closes");

    s.send("i");
    s.wait_for("the test-pass view", 10, |sc| {
        sc.contains("most confident mistakes")
    });
    s.send("m");
    s.wait_for("a mistake's feature maps", 30, |sc| {
        sc.contains("mistake 1 of") && sc.contains("▸ Conv2d-1") && sc.contains("RF 3 · jump 1")
    });
    // One column right, then two layers down (ReLU-4, Conv2d-5: RF 5).
    s.send("l");
    s.wait_for("the next position", 10, |sc| {
        sc.contains("sees rows 0–2, cols 1–3")
    });
    s.send("Down");
    s.send("Down");
    s.wait_for("the second conv's field", 10, |sc| {
        sc.contains("▸ Conv2d-5") && sc.contains("sees rows 0–4, cols 1–5")
    });
    s.send("g");
    s.send("5");
    s.send("Enter");
    s.wait_for("test image 5", 30, |sc| {
        sc.contains("test #5") && sc.contains("true ")
    });
    s.send("Escape");
    s.send("q");
    assert_eq!(s.wait_exit(&dir.join("code"), 60), 0);

    let run = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .unwrap();
    let cmd = format!(
        "'{exe}' watch '{run}' 2>'{d}/stderr2'; echo $? >'{d}/code2'; sleep 600",
        exe = env!("CARGO_BIN_EXE_convscope"),
        run = run.display(),
        d = dir.display(),
    );
    let w = Session::start(120, 40, &cmd, &[]);
    w.wait_for("the watched run", 60, |sc| sc.contains("Conv2d-1"));
    pad_predicts(&w);
    w.send("Escape");
    w.send("q");
    assert_eq!(w.wait_exit(&dir.join("code2"), 30), 0);
    assert!(!w.mouse_on());
    s.kill();
    w.kill();
    let _ = std::fs::remove_dir_all(&dir);
}
