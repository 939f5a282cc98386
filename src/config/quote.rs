//! Values quoted back in error messages, kept short: a 10 MB string in a config file must
//! not come back whole on the terminal. Every message that quotes a value goes through here.

/// The most characters of a value an error message quotes.
pub const MAX_QUOTED: usize = 60;

/// The longest line of a TOML syntax error (which shows the offending source line).
pub const MAX_LINE: usize = 200;

/// `value` as quoted in a message: at most `MAX_QUOTED` characters, then `…`; control
/// characters escaped so they cannot act on the terminal.
pub fn quote(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX_QUOTED {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A dotted key as shown in a message: each part (a preset's name, an unknown key) quoted
/// as `quote` does.
pub fn key(key: &str) -> String {
    key.split('.').map(quote).collect::<Vec<_>>().join(".")
}

/// `msg` with every `"…"` and `` `…` `` segment longer than `MAX_QUOTED` characters cut
/// short (serde's and toml's messages quote values so).
pub fn cap_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(4 * MAX_QUOTED));
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' || c == '`' {
            copy_segment(&mut chars, c, &mut out);
        }
    }
    out
}

/// Copy a quoted segment up to and including its closing `close`, keeping at most
/// `MAX_QUOTED` characters of it (a backslash escape counts as one).
fn copy_segment(chars: &mut std::str::Chars<'_>, close: char, out: &mut String) {
    let mut kept = 0;
    while let Some(c) = chars.next() {
        if c == close {
            out.push(c);
            return;
        }
        let escaped = (c == '\\' && close == '"').then(|| chars.next()).flatten();
        if kept < MAX_QUOTED {
            out.push(c);
            out.extend(escaped);
        } else if kept == MAX_QUOTED {
            out.push('…');
        }
        kept += 1;
    }
}

/// `msg` with each line cut to `MAX_LINE` characters, then `…`.
pub fn cap_lines(msg: &str) -> String {
    msg.lines()
        .map(|l| match l.char_indices().nth(MAX_LINE) {
            Some((at, _)) => format!("{}…", &l[..at]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
