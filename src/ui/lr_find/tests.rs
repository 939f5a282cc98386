//! The lr-find screen: folded from events, drawn at the two snapshot sizes and at any size.

use super::*;
use crate::lr_range::{suggest, Stop};
use ratatui::buffer::Buffer;

const SPEC: Spec = Spec {
    start: 1e-5,
    end: 10.0,
    batches: 60,
};

/// A loss that falls, bottoms out near lr 0.1 and blows up: the shape of a real test.
fn points(n: usize) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let lr = SPEC.lr(i);
            let x = lr.log10();
            let smoothed =
                2.3 - 1.8 / (1.0 + (-(x + 2.5) * 2.0).exp()) + (x + 1.0).max(0.0).powi(2);
            Point {
                batch: i + 1,
                lr,
                loss: smoothed,
                smoothed,
            }
        })
        .collect()
}

fn view(n: usize, finished: bool) -> LrFindView {
    let mut v = LrFindView::new(SPEC);
    for point in points(n) {
        v.on_event(LrFindEvent::Point {
            point,
            planned: SPEC.batches,
        });
    }
    if finished {
        let pts = points(n);
        v.on_event(LrFindEvent::Finished(Outcome {
            suggestion: suggest(&pts, SPEC.batches),
            points: pts,
            planned: SPEC.batches,
            stop: Stop::Diverged { batch: n },
        }));
    }
    v
}

fn screen(v: &LrFindView, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    v.render(area, &mut buf);
    (0..h)
        .map(|y| {
            let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
            format!("{row:?}\n")
        })
        .collect()
}

#[test]
fn events_fold_into_points_then_the_outcome() {
    let v = view(10, false);
    assert_eq!(v.points.len(), 10);
    assert!(!v.ended());
    let v = view(50, true);
    assert!(v.ended());
    let s = v.outcome.as_ref().unwrap().suggestion;
    assert!(s.steepest.is_some() && s.minimum_tenth.is_some());
    let mut f = LrFindView::new(SPEC);
    f.on_event(LrFindEvent::Failed("boom".into()));
    assert!(f.ended());
}

#[test]
fn snapshot_lr_find_running_80x24() {
    let s = screen(&view(20, false), 80, 24);
    assert!(s.contains("batch 20/60"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_lr_find_finished_120x40() {
    let v = view(50, true);
    let s = screen(&v, 120, 40);
    let steep = lr3(v.outcome.as_ref().unwrap().suggestion.steepest.unwrap());
    assert!(s.contains(&format!("steepest descent: {steep}")), "{s}");
    assert!(s.contains("minimum/10: "), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_lr_find_finished_80x24() {
    insta::assert_snapshot!(screen(&view(50, true), 80, 24));
}

#[test]
fn renders_on_any_area_without_panicking() {
    for (w, h) in [(0, 0), (1, 1), (20, 5), (300, 100)] {
        for v in [LrFindView::new(SPEC), view(3, false), view(50, true)] {
            screen(&v, w, h);
        }
    }
}

mod editor {
    use super::*;
    use crate::config::Config;
    use crate::ui::Editor;
    use ratatui::crossterm::event::KeyEvent;

    fn press(ed: &mut Editor, code: KeyCode) {
        crate::ui::editor::keys::on_key(ed, KeyEvent::from(code));
    }

    /// A finder that hands out a channel already holding `n` points (and the outcome when
    /// `finished`), and the flag it was given.
    fn finder(n: usize, finished: bool, flag: Arc<AtomicBool>) -> LrFinder {
        Box::new(move |_config, spec| {
            assert_eq!(spec, EDITOR_SPEC);
            let (tx, rx) = crossbeam_channel::unbounded();
            let v = view(n, finished);
            for point in &v.points {
                tx.send(LrFindEvent::Point {
                    point: *point,
                    planned: SPEC.batches,
                })
                .unwrap();
            }
            if let Some(o) = v.outcome {
                tx.send(LrFindEvent::Finished(o)).unwrap();
            }
            Ok((rx, flag.clone()))
        })
    }

    fn editor() -> Editor {
        let mut ed = Editor::new(Config::default(), "config.toml".into());
        ed.open = true;
        ed
    }

    #[test]
    fn f_runs_the_test_on_the_draft_and_y_sets_train_lr_to_the_steepest_descent() {
        let mut ed = editor();
        press(&mut ed, KeyCode::Char('f'));
        assert!(ed.lr_find_asked);
        let flag = Arc::new(AtomicBool::new(false));
        let mut f = finder(50, true, flag.clone());
        start_requested(&mut ed, Some(&mut f));
        let job = ed.lr_find.as_mut().expect("started");
        assert!(job.poll());
        assert!(job.view.ended());
        let lr = job.offer().unwrap();
        press(&mut ed, KeyCode::Char('y'));
        assert!(ed.lr_find.is_none());
        assert_eq!(
            ed.edits.get("train.lr").map(String::as_str),
            Some(lr3(lr).as_str())
        );
        let draft = ed.draft.as_ref().unwrap();
        assert!(
            (draft.train.lr - lr).abs() / lr < 5e-3,
            "{} vs {lr}",
            draft.train.lr
        );
        assert!(!flag.load(Ordering::Relaxed));
    }

    #[test]
    fn esc_stops_a_running_test_and_n_declines_the_offer() {
        let mut ed = editor();
        press(&mut ed, KeyCode::Char('f'));
        let flag = Arc::new(AtomicBool::new(false));
        let mut f = finder(10, false, flag.clone());
        start_requested(&mut ed, Some(&mut f));
        ed.lr_find.as_mut().unwrap().poll();
        press(&mut ed, KeyCode::Esc);
        assert!(flag.load(Ordering::Relaxed), "Esc sets the stop flag");
        assert!(ed.lr_find.is_some(), "the view stays until the sweep ends");
        let mut ed = editor();
        press(&mut ed, KeyCode::Char('f'));
        let mut f = finder(50, true, Arc::new(AtomicBool::new(false)));
        start_requested(&mut ed, Some(&mut f));
        ed.lr_find.as_mut().unwrap().poll();
        press(&mut ed, KeyCode::Char('n'));
        assert!(ed.lr_find.is_none());
        assert!(!ed.edits.contains_key("train.lr"));
    }

    #[test]
    fn without_a_finder_or_with_a_bad_draft_the_editor_says_why() {
        let mut ed = editor();
        press(&mut ed, KeyCode::Char('f'));
        start_requested(&mut ed, None);
        assert!(ed.lr_find.is_none());
        assert!(!ed.lr_find_asked);
        assert!(ed
            .note
            .as_ref()
            .is_some_and(|n| !n.0 && n.1.contains("lr-find")));
    }

    /// The editor's range test after it ended, drawn at `w`×`h`.
    fn offer_screen(w: u16, h: u16) -> String {
        let mut ed = editor();
        press(&mut ed, KeyCode::Char('f'));
        let mut f = finder(50, true, Arc::new(AtomicBool::new(false)));
        start_requested(&mut ed, Some(&mut f));
        let job = ed.lr_find.as_mut().unwrap();
        job.poll();
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        render_job(job, area, &mut buf);
        let s: String = (0..h)
            .map(|y| {
                let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
                format!("{row:?}\n")
            })
            .collect();
        assert!(
            s.contains("set train.lr to ") && s.contains("answer below"),
            "{s}"
        );
        s
    }

    #[test]
    fn snapshot_editor_lr_find_offer_80x24() {
        insta::assert_snapshot!(offer_screen(80, 24));
    }

    #[test]
    fn snapshot_editor_lr_find_offer_120x40() {
        insta::assert_snapshot!(offer_screen(120, 40));
    }

    #[test]
    fn lrs_are_offered_with_three_significant_digits() {
        assert_eq!(lr3(0.002758531617629184), "0.00276");
        assert_eq!(lr3(0.0316227), "0.0316");
        assert_eq!(lr3(2.5118), "2.51");
        assert_eq!(lr3(3.16e-5), "3.16e-5");
    }
}
