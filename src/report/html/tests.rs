use super::*;

#[test]
fn converts_every_construct_the_report_uses() {
    let dir = std::env::temp_dir().join(format!("convscope-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.png"), [137u8, 80, 78, 71]).unwrap();
    let md = "# Run a<b\n\nline one\nline `two` **bold**\n\n## Results\n\n| epoch | acc |\n|---|---|\n| 1 | 98.5% |\n\n- best 98.5%\n- gap -1\n\n```text\nConv2d-1  <- covers\n```\n\n![loss](p.png)\n";
    let html = from_markdown(md, "t", &dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for want in [
        "<h1>Run a&lt;b</h1>",
        "<p>line one line <code>two</code> <strong>bold</strong></p>",
        "<h2>Results</h2>",
        "<tr><th>epoch</th><th>acc</th></tr>\n<tr><td>1</td><td>98.5%</td></tr>",
        "<ul>\n<li>best 98.5%</li>\n<li>gap -1</li>\n</ul>",
        "<pre>Conv2d-1  &lt;- covers</pre>",
        "<img alt=\"loss\" src=\"data:image/png;base64,iVBORw==\">",
    ] {
        assert!(html.contains(want), "missing {want:?} in:\n{html}");
    }
    assert!(
        !html.contains("---"),
        "the table separator row is not a row"
    );
}

#[test]
fn a_missing_image_is_an_error_naming_the_file() {
    let e = from_markdown("![x](nope.png)\n", "t", Path::new("/nonexistent")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/nope.png"), "{e}");
}
