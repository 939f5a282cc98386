use super::*;

#[test]
fn all_columns_fit_in_the_wide_layout() {
    assert_eq!(columns(60), (0..8).collect::<Vec<_>>());
}

#[test]
fn narrow_panels_keep_layer_rf_and_params_first() {
    let names = |w| {
        columns(w)
            .into_iter()
            .map(|c| COLUMNS[c].0)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(25), vec!["Layer", "RF"]);
    assert_eq!(names(37), vec!["Layer", "Params", "Jump", "RF"]);
    assert_eq!(names(41), vec!["Layer", "Output", "Params", "RF"]);
    assert!(names(0).is_empty());
}
