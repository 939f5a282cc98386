use super::*;

#[test]
fn columns_follow_the_schedule_and_stop_at_the_last_batch() {
    // Epoch 1 at lr 0.1, epoch 2 at 0.01, of a 4-epoch run on 8 columns.
    let pts: Vec<(f64, f64)> = (1..=10)
        .map(|b| (b as f64 / 10.0, 0.1))
        .chain((1..=10).map(|b| (1.0 + b as f64 / 10.0, 0.01)))
        .collect();
    let c = columns(&pts, 0.0, 4.0, 8);
    assert_eq!(c, vec![100, 100, 10, 10]);
    assert!(columns(&[], 0.0, 4.0, 8).is_empty());
    // Resumed at epoch 2 of 4: nothing before it.
    let later: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (x + 1.0, y)).collect();
    assert_eq!(columns(&later, 0.0, 4.0, 8), vec![0, 0, 100, 100, 10, 10]);
}
