use super::*;
use crate::headless::Outcome;

#[test]
fn codes_are_the_documented_ones() {
    let all = [Exit::Done, Exit::Failed, Exit::Usage, Exit::Interrupted];
    assert_eq!(all.map(Exit::code), [0, 1, 2, 130]);
}

#[test]
fn a_failure_wins_over_a_signal_and_a_closed_pipe_is_done() {
    assert_eq!(Exit::of_run(true, true), Exit::Failed);
    assert_eq!(Exit::of_run(false, true), Exit::Interrupted);
    assert_eq!(Exit::of_run(false, false), Exit::Done);
    let failed = Outcome::Failed {
        reason: "x".into(),
        summary: None,
    };
    assert_eq!(Exit::of_headless(&failed, false), Exit::Failed);
    assert_eq!(Exit::of_headless(&Outcome::OutputClosed, true), Exit::Done);
}
