use super::*;

#[test]
fn gap_bars_are_signed_and_scaled() {
    assert_eq!(bar(-3.0, 3.0), "▇▇▇│   ");
    assert_eq!(bar(1.0, 3.0), "   │▇  ");
    assert_eq!(bar(0.01, 3.0), "   │▇  ");
    assert_eq!(bar(0.0, 3.0), "   │   ");
    assert_eq!(bar(9.0, 3.0), "   │▇▇▇");
}

#[test]
fn the_epoch_limit_is_drawn_only_on_the_shown_axis() {
    use super::epoch_limit;
    assert_eq!(
        epoch_limit(Some(15), 0, 15, [90.0, 100.0]),
        vec![(15.0, 90.0), (15.0, 100.0)]
    );
    assert_eq!(
        epoch_limit(Some(3), 0, 4, [0.0, 1.0]),
        vec![(3.0, 0.0), (3.0, 1.0)]
    );
    assert!(epoch_limit(Some(15), 0, 4, [0.0, 1.0]).is_empty());
    assert!(epoch_limit(Some(2), 2, 4, [0.0, 1.0]).is_empty());
    assert!(epoch_limit(None, 0, 4, [0.0, 1.0]).is_empty());
}
