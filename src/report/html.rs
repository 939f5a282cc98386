//! `convscope report --format html`: the report's markdown converted by `pulldown-cmark`
//! (CommonMark with tables) into one self-contained page: a short inline style sheet in the
//! spirit of a rendered README, and every image the markdown links (the SVG plots, the PNG
//! grid) inlined as a data URI, so the file can be mailed or attached alone.

use super::ReportError;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};
use std::path::Path;

const STYLE: &str =
    "body{font-family:-apple-system,BlinkMacSystemFont,\"Segoe UI\",Helvetica,Arial,sans-serif;\
max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5;color:#1f2328}\
h1,h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}\
pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.85em;border-radius:6px}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d1d9e0;padding:.3em .7em}\
th{background:#f6f8fa}tr:nth-child(even) td{background:#fafbfc}img{max-width:100%}";

/// The bytes of the image a markdown link names (a file in the report's folder).
pub type Images<'a> = &'a dyn Fn(&str) -> Result<Vec<u8>, ReportError>;

/// The image files of `dir`.
pub fn from_dir(dir: &Path) -> impl Fn(&str) -> Result<Vec<u8>, ReportError> + '_ {
    move |name| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|source| ReportError::Image { path, source })
    }
}

/// `md` as an HTML document titled `title`; relative images are looked up with `images`
/// and inlined.
pub fn page(md: &str, title: &str, images: Images) -> Result<String, ReportError> {
    let body = body(md, images)?;
    Ok(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        escape(title)
    ))
}

/// The markdown's HTML, local images inlined (an image that cannot be read is an error
/// naming its file).
pub fn body(md: &str, images: Images) -> Result<String, ReportError> {
    let mut events = Vec::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        events.push(match ev {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: inline(&dest_url, images)?,
                title,
                id,
            }),
            other => other,
        });
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    Ok(out)
}

/// A relative image link as a data URI of the image it names; other links as they are.
fn inline<'a>(url: &CowStr<'a>, images: Images) -> Result<CowStr<'a>, ReportError> {
    let mime = if url.ends_with(".svg") {
        "image/svg+xml"
    } else if url.ends_with(".png") {
        "image/png"
    } else {
        return Ok(url.clone());
    };
    if url.contains(':') || url.starts_with('/') {
        return Ok(url.clone());
    }
    let bytes = images(url.as_ref())?;
    Ok(format!("data:{mime};base64,{}", STANDARD.encode(bytes)).into())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
