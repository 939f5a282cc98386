//! Time paused is not training time: the elapsed clock stops while the trainer is paused,
//! and the status line shows the pause apart (`elapsed 00:16 (paused 00:15)`).

use super::{mid_run, screen};
use crate::events::{RunState, TrainEvent};
use crate::fmt::duration;
use std::time::Duration;

fn state(app: &mut crate::ui::app::App, state: RunState, at: std::time::Instant) {
    app.on_event(TrainEvent::State { state }, at);
}

#[test]
fn elapsed_stops_while_paused_and_the_pause_is_shown_apart() {
    let mut app = mid_run();
    let t0 = app.session.now;
    let before = app.elapsed().unwrap();
    assert!(!screen(&mut app, 120, 40).contains("paused 0"));
    state(&mut app, RunState::Paused, t0);
    app.drawn();
    assert!(
        app.tick(t0 + Duration::from_millis(1100)),
        "the paused clock turning redraws"
    );
    app.tick(t0 + Duration::from_secs(15));
    assert!((app.elapsed().unwrap() - before).abs() < 1e-6);
    assert!((app.paused() - 15.0).abs() < 1e-6);
    let s = screen(&mut app, 120, 40);
    let shown = format!("elapsed {} (paused 00:15)", duration(before));
    assert!(s.contains(&shown), "{shown}:\n{s}");

    state(&mut app, RunState::Running, t0 + Duration::from_secs(15));
    app.tick(t0 + Duration::from_secs(20));
    assert!((app.elapsed().unwrap() - (before + 5.0)).abs() < 1e-6);
    assert!((app.paused() - 15.0).abs() < 1e-6, "the pause is over");
    // A second pause adds to the first.
    state(&mut app, RunState::Paused, t0 + Duration::from_secs(20));
    app.tick(t0 + Duration::from_secs(30));
    assert!((app.paused() - 25.0).abs() < 1e-6);
    let s = screen(&mut app, 120, 40);
    let shown = format!("elapsed {} (paused 00:25)", duration(before + 5.0));
    assert!(s.contains(&shown), "{shown}:\n{s}");
}

#[test]
fn a_run_that_ends_while_paused_stops_both_clocks() {
    let mut app = mid_run();
    let t0 = app.session.now;
    state(&mut app, RunState::Paused, t0);
    let (_, done) = super::super::fixture::script(4, true).pop().unwrap();
    app.on_event(done, t0 + Duration::from_secs(4));
    app.tick(t0 + Duration::from_secs(3600));
    assert!((app.paused() - 4.0).abs() < 1e-6, "{}", app.paused());
    assert!(screen(&mut app, 120, 40).contains("(paused 00:04)"));
}
