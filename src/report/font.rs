//! A 3×5 pixel font for the plots' tick labels (digits and a few signs), so the PNGs need
//! no font file or font crate.

/// Rows of a glyph, top first, 3 bits each (0b100 is the left column).
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 2, 2],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '.' => [0, 0, 0, 0, 2],
        '-' => [0, 0, 7, 0, 0],
        '%' => [5, 1, 2, 4, 5],
        'e' => [0, 7, 7, 4, 7],
        '>' => [4, 2, 1, 2, 4],
        ' ' => [0; 5],
        _ => return None,
    })
}

/// Width in pixels of `text` at `scale` (4 columns per character, including the space).
pub fn width(text: &str, scale: usize) -> usize {
    text.chars().count() * 4 * scale
}

/// Call `dot(x, y)` for every lit pixel of `text` drawn at `scale` from `(x, y)` (top left).
/// Characters without a glyph are left blank.
pub fn draw(text: &str, x: usize, y: usize, scale: usize, mut dot: impl FnMut(usize, usize)) {
    for (i, c) in text.chars().enumerate() {
        let Some(rows) = glyph(c) else { continue };
        for (r, bits) in rows.iter().enumerate() {
            for col in 0..3 {
                if bits & (4 >> col) != 0 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            dot(x + (i * 4 + col) * scale + dx, y + r * scale + dy);
                        }
                    }
                }
            }
        }
    }
}
