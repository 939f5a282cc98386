use super::window;

#[test]
fn window_follows_the_tail_and_clamps_scrolling() {
    assert_eq!(window(10, 4, 0), 6..10);
    assert_eq!(window(10, 4, 2), 4..8);
    assert_eq!(window(10, 4, 99), 0..4);
    assert_eq!(window(2, 4, 0), 0..2);
    assert_eq!(window(0, 0, 3), 0..0);
}
