use super::*;

#[test]
fn converts_every_construct_the_report_uses() {
    let dir = std::env::temp_dir().join(format!("convscope-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.png"), [137u8, 80, 78, 71]).unwrap();
    std::fs::write(dir.join("p.svg"), "<svg/>").unwrap();
    let md = "# Run a<b\n\nline one\nline `two` **bold**\n\n## Results\n\n| epoch | acc |\n|---|---|\n| 1 | 98.5% |\n\n- best 98.5%\n- gap -1\n\n```text\nConv2d-1  <- covers\n```\n\n![loss](p.png)\n\n![acc](p.svg)\n";
    let html = page(md, "t<", &from_dir(&dir)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for want in [
        "<title>t&lt;</title>",
        "<h1>Run a&lt;b</h1>",
        "<p>line one\nline <code>two</code> <strong>bold</strong></p>",
        "<h2>Results</h2>",
        "<table><thead><tr><th>epoch</th><th>acc</th></tr></thead><tbody>\n<tr><td>1</td><td>98.5%</td></tr>",
        "<ul>\n<li>best 98.5%</li>\n<li>gap -1</li>\n</ul>",
        "Conv2d-1  &lt;- covers",
        "<img src=\"data:image/png;base64,iVBORw==\" alt=\"loss\" />",
        "<img src=\"data:image/svg+xml;base64,PHN2Zy8+\" alt=\"acc\" />",
        "<style>body{",
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
    let e = page(
        "![x](nope.png)\n",
        "t",
        &from_dir(Path::new("/nonexistent")),
    )
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent/nope.png"), "{e}");
}
