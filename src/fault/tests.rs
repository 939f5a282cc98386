use super::*;

#[test]
fn only_the_documented_names_are_faults() {
    assert_eq!(Fault::parse("ui-panic"), Some(Fault::UiPanic));
    assert_eq!(Fault::parse("train-panic"), Some(Fault::TrainPanic));
    assert_eq!(Fault::parse("slow-checkpoint"), Some(Fault::SlowCheckpoint));
    assert_eq!(Fault::parse(""), None);
    assert_eq!(Fault::parse("UI-PANIC"), None);
}
