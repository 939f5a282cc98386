use super::lr_text;

#[test]
fn learning_rates_read_short() {
    assert_eq!(lr_text(0.01), "0.01");
    assert_eq!(lr_text(0.1), "0.1");
    assert_eq!(lr_text(0.00025), "2.5e-4");
    assert_eq!(lr_text(0.0), "0");
}
