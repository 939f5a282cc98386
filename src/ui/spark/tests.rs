use super::spark;

#[test]
fn scales_between_min_and_max_and_pads_on_the_left() {
    let v = [Some(1.0), Some(2.0), Some(3.0)];
    assert_eq!(spark(&v, 5, None), "  ▁▅█");
    assert_eq!(spark(&v, 2, None), "▁█");
    assert_eq!(
        spark(&[Some(0.5), None, Some(0.0)], 3, Some((0.0, 1.0))),
        "▅ ▁"
    );
    assert_eq!(spark(&[Some(2.0), Some(2.0)], 2, None), "▄▄");
    assert_eq!(spark(&[], 3, None), "   ");
    assert_eq!(spark(&v, 0, None), "");
}
