#[test]
fn one_row_per_layer_with_dashes_where_a_value_is_absent() {
    let s = crate::layer_stats::sample(4, 0.0123);
    let md = super::table(&s);
    assert!(md.starts_with("Per-layer statistics after epoch 4"), "{md}");
    assert!(
        md.contains("| Conv2d-1 | 2.50 | 0.012 (0.500) | -0.250 | 1.00 | – |"),
        "{md}"
    );
    assert!(
        md.contains("| ReLU-2 | – | – | 0.500 | 0.750 | 12.5% |"),
        "{md}"
    );
}
