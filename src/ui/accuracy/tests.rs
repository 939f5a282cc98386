use super::*;

#[test]
fn gap_bars_are_signed_and_scaled() {
    assert_eq!(bar(-3.0, 3.0), "▇▇▇│   ");
    assert_eq!(bar(1.0, 3.0), "   │▇  ");
    assert_eq!(bar(0.01, 3.0), "   │▇  ");
    assert_eq!(bar(0.0, 3.0), "   │   ");
    assert_eq!(bar(9.0, 3.0), "   │▇▇▇");
}
