//! Unit tests of the text formatters.

use super::*;

#[test]
fn learning_rates_are_short() {
    assert_eq!(super::lr(0.1), "0.1");
    assert_eq!(super::lr(0.0042), "0.0042");
    assert_eq!(super::lr(4e-6), "4.0e-6");
}

#[test]
fn durations_read_like_tqdm() {
    assert_eq!(duration(0.0), "00:00");
    assert_eq!(duration(75.2), "01:15");
    assert_eq!(duration(3725.0), "1:02:05");
    assert_eq!(duration(f64::NAN), "?");
}

#[test]
fn statistics_fit_in_seven_characters() {
    let cases = [
        (0.0, "0"),
        (0.0123, "0.012"),
        (-0.25, "-0.250"),
        (1.234, "1.23"),
        (12.34, "12.3"),
        (1234.0, "1234"),
        (4.2e-5, "4.2e-5"),
        (-3.1e-3, "-3.1e-3"),
        (123456.0, "1.2e5"),
    ];
    for (v, s) in cases {
        assert_eq!(short(v), s, "{v}");
        assert!(s.chars().count() <= 7);
    }
}

#[test]
fn rates_keep_few_digits() {
    assert_eq!(rate(4620.3), "4,620");
    assert_eq!(rate(2.5), "2.50");
    assert_eq!(rate(f64::INFINITY), "?");
}

#[test]
fn clean_escapes_every_control_character_and_keeps_the_rest() {
    assert_eq!(clean("20261201-022501-model-3"), "20261201-022501-model-3");
    assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    assert_eq!(clean("x\ny\r\u{7}"), "x\\ny\\r\\u{7}");
    assert_eq!(clean("c1 16→32 ü"), "c1 16→32 ü");
    // C1 controls (a lone CSI) too.
    assert_eq!(clean("\u{9b}31m"), "\\u{9b}31m");
}
