//! `convscope report --format html`: the same report as one self-contained HTML file (the
//! plots inlined as data URIs), converted from the markdown the report writes, so both
//! formats always say the same thing. Handles exactly the markdown `report.rs` produces:
//! headings, paragraphs, bullet lists, pipe tables, fenced code and images.

use super::ReportError;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt::Write as _;
use std::path::Path;

const STYLE: &str =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}\
pre{background:#f4f4f4;padding:.6em;overflow-x:auto;font-size:.85em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}\
img{max-width:100%}";

/// `md` as an HTML document titled `title`; images are read from `dir` and inlined.
pub fn from_markdown(md: &str, title: &str, dir: &Path) -> Result<String, ReportError> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(title)
    );
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("```") {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].starts_with("```"))
                .unwrap_or(lines.len());
            let _ = writeln!(out, "<pre>{}</pre>", escape(&lines[i + 1..end].join("\n")));
            i = end + 1;
        } else if let Some(level) = heading(line) {
            let text = line[level + 1..].trim();
            let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text));
            i += 1;
        } else if line.starts_with('|') {
            let end = (i..lines.len())
                .find(|&j| !lines[j].starts_with('|'))
                .unwrap_or(lines.len());
            out.push_str(&table(&lines[i..end]));
            i = end;
        } else if line.starts_with("- ") {
            out.push_str("<ul>\n");
            while i < lines.len() && lines[i].starts_with("- ") {
                let _ = writeln!(out, "<li>{}</li>", inline(&lines[i][2..]));
                i += 1;
            }
            out.push_str("</ul>\n");
        } else if let Some((alt, file)) = image(line) {
            let path = dir.join(file);
            let bytes =
                std::fs::read(&path).map_err(|source| ReportError::Image { path, source })?;
            let _ = writeln!(
                out,
                "<p><img alt=\"{}\" src=\"data:image/png;base64,{}\"></p>",
                escape(alt),
                STANDARD.encode(bytes)
            );
            i += 1;
        } else if line.trim().is_empty() {
            i += 1;
        } else {
            let end = (i..lines.len())
                .find(|&j| lines[j].trim().is_empty() || starts_block(lines[j]))
                .unwrap_or(lines.len())
                .max(i + 1);
            let _ = writeln!(out, "<p>{}</p>", inline(&lines[i..end].join(" ")));
            i = end;
        }
    }
    out.push_str("</body></html>\n");
    Ok(out)
}

fn starts_block(line: &str) -> bool {
    line.starts_with("```")
        || heading(line).is_some()
        || line.starts_with('|')
        || line.starts_with("- ")
        || image(line).is_some()
}

/// `# x` -> 1, `## x` -> 2, ... (up to 6).
fn heading(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    ((1..=6).contains(&level) && line[level..].starts_with(' ')).then_some(level)
}

/// `![alt](file)` alone on a line.
fn image(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("![")?;
    let (alt, rest) = rest.split_once("](")?;
    Some((alt, rest.strip_suffix(')')?))
}

/// A pipe table: header row, `|---|` separator, body rows.
fn table(rows: &[&str]) -> String {
    let cells = |r: &str| -> Vec<String> {
        r.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| inline(c.trim()))
            .collect()
    };
    let mut t = String::from("<table>\n");
    for (k, r) in rows.iter().enumerate() {
        if k == 1 && r.contains("---") {
            continue;
        }
        let tag = if k == 0 { "th" } else { "td" };
        t.push_str("<tr>");
        for c in cells(r) {
            let _ = write!(t, "<{tag}>{c}</{tag}>");
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

/// Escaped text with `` `code` `` and `**bold**` spans.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (k, part) in escape(text).split('`').enumerate() {
        if k % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
            continue;
        }
        for (j, piece) in part.split("**").enumerate() {
            if j % 2 == 1 {
                let _ = write!(out, "<strong>{piece}</strong>");
            } else {
                out.push_str(piece);
            }
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
