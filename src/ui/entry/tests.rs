use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn typed(keys: &[KeyEvent]) -> (String, Vec<Entry>) {
    let mut text = String::new();
    let what = keys.iter().map(|k| on_key(&mut text, *k)).collect();
    (text, what)
}

#[test]
fn characters_type_and_backspace_or_ctrl_h_erase_one() {
    let none = KeyModifiers::NONE;
    let (text, _) = typed(&[
        key(KeyCode::Char('a'), none),
        key(KeyCode::Char('b'), none),
        key(KeyCode::Char('c'), none),
        key(KeyCode::Backspace, none),
        key(KeyCode::Char('h'), KeyModifiers::CONTROL),
    ]);
    assert_eq!(text, "a");
}

#[test]
fn ctrl_w_erases_the_last_word_and_ctrl_u_everything() {
    let mut text = String::from("out 16  ");
    assert_eq!(
        on_key(&mut text, key(KeyCode::Char('w'), KeyModifiers::CONTROL)),
        Entry::Edited
    );
    assert_eq!(text, "out ");
    on_key(&mut text, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(text, "");
}

#[test]
fn other_modified_keys_are_not_typed_and_enter_esc_are_the_callers() {
    let (text, what) = typed(&[
        key(KeyCode::Char('x'), KeyModifiers::ALT),
        key(KeyCode::Char('r'), KeyModifiers::CONTROL),
        key(KeyCode::Enter, KeyModifiers::NONE),
        key(KeyCode::Esc, KeyModifiers::NONE),
        key(KeyCode::Tab, KeyModifiers::NONE),
    ]);
    assert_eq!(text, "");
    assert_eq!(
        what,
        [
            Entry::Other,
            Entry::Other,
            Entry::Enter,
            Entry::Esc,
            Entry::Other
        ]
    );
}
