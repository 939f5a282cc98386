//! A one-line text entry's keys, the same wherever the dashboard asks for text (a value in
//! the hyperparameter or architecture editor, a preset's name or note): characters are typed,
//! Backspace or Ctrl-H erases one, Ctrl-U clears the entry and Ctrl-W erases its last word,
//! as in a shell; no other Ctrl or Alt combination is typed. Enter and Esc are the caller's.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The text changed (or a key that only edits left it as it was).
    Edited,
    /// Enter: the caller takes the text.
    Enter,
    /// Esc: the caller drops the entry.
    Esc,
    /// Anything else: ignored.
    Other,
}

/// Apply `key` to `text`.
pub fn on_key(text: &mut String, key: KeyEvent) -> Entry {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        match key.code {
            KeyCode::Char('u' | 'U') => text.clear(),
            KeyCode::Char('w' | 'W') => erase_word(text),
            KeyCode::Char('h' | 'H') => {
                text.pop();
            }
            _ => return Entry::Other,
        }
        return Entry::Edited;
    }
    match key.code {
        KeyCode::Char(c) => text.push(c),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Enter => return Entry::Enter,
        KeyCode::Esc => return Entry::Esc,
        _ => return Entry::Other,
    }
    Entry::Edited
}

/// Ctrl-W: the spaces at the end, then the word before them.
fn erase_word(text: &mut String) {
    let kept = text.trim_end().len();
    text.truncate(kept);
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    text.truncate(start);
}

#[cfg(test)]
mod tests;
