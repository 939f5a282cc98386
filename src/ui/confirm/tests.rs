use super::*;
use std::time::Instant;

#[test]
fn quitting_a_running_run_says_it_will_be_stopped() {
    let app = App::new(crate::ui::Marker::Dot, Instant::now());
    let (_, text) = question(&app, Confirm::Quit { ctrl_c: false });
    assert!(text.contains("Stop it"), "{text}");
}
