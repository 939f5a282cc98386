use super::*;

#[test]
fn median_of_odd_even_and_empty() {
    assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    assert!(median(&mut []).is_nan());
}

#[test]
fn peak_rss_is_read_on_linux() {
    if cfg!(target_os = "linux") {
        assert!(peak_rss_mb().unwrap() > 1.0);
    }
}
