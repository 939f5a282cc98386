use super::*;

#[test]
fn long_names_keep_their_number() {
    assert_eq!(fit_name("AdaptiveAvgPool2d-27"), "AdaptiveAv…-27");
    assert_eq!(fit_name("BatchNorm2d-10"), "BatchNorm2d-10");
}

#[test]
fn wide_panels_keep_every_column_and_narrow_ones_the_gradient_first() {
    let (all, w) = plan(WIDE - 2);
    assert_eq!((all, w), ((0..5).collect(), 4));
    assert_eq!(plan(41), (vec![1, 4], 4));
    assert_eq!(plan(60), (vec![0, 1, 4], 6));
    assert_eq!(plan(20).0, Vec::<usize>::new());
    assert_eq!(plan(300).1, MAX_SPARK);
}
