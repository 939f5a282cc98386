//! The one font every chart uses: DejaVu Sans (Bitstream Vera licence, see
//! `assets/DejaVuSans-LICENSE.txt`) embedded in the binary and registered with plotters'
//! `ab_glyph` renderer as "sans-serif", so PNG text looks the same on every machine and no
//! system font is looked up. SVGs name the same family and let the viewer render it.

use std::sync::OnceLock;

/// The family name charts ask for.
pub const FAMILY: &str = "sans-serif";

static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// Register the embedded font (once per process); `false` if the bytes did not parse,
/// which a test rules out for the committed file.
pub fn ensure() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, plotters::style::FontStyle::Normal, FONT).is_ok()
    })
}
