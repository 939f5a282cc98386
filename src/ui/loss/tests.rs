use super::*;
use crate::ui::fixture;
use crate::ui::tests::app_after;

#[test]
fn series_are_epoch_aligned_and_log_scale_transforms_y() {
    let mut app = app_after(&fixture::script(2, false));
    let lin = series(&app);
    assert_eq!(
        lin.train.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![1.0, 2.0]
    );
    let last = *lin.batch.last().unwrap();
    assert!(
        (last.0 - 2.0).abs() < 1e-9,
        "last batch ends epoch 2: {last:?}"
    );
    app.view.log_scale = true;
    let log = series(&app);
    assert!((log.test[0].1 - lin.test[0].1.log10()).abs() < 1e-12);
}
