//! The flips as plain text for `runs --compare A B --flips`: the two sides, the per-class
//! table, then every fixed and every broken test image (index, label, both predictions).

use super::{Flip, Report};
use std::fmt::Write;

pub fn text(r: &Report) -> String {
    let f = &r.flips;
    let mut s = String::new();
    let pct = |right: usize| 100.0 * right as f64 / f.total.max(1) as f64;
    let _ = writeln!(
        s,
        "flips from A = {} epoch {} to B = {} epoch {} ({} test images)",
        crate::fmt::clean(&r.a.0),
        r.a.1,
        crate::fmt::clean(&r.b.0),
        r.b.1,
        f.total
    );
    let _ = writeln!(
        s,
        "accuracy {:.2}% -> {:.2}% ({:+.2} pp): {} fixed, {} broken",
        pct(f.right_before),
        pct(f.right_after),
        pct(f.right_after) - pct(f.right_before),
        f.fixed.len(),
        f.broken.len()
    );
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    let _ = writeln!(s, "\nclass  images  A right  B right    change");
    for c in &f.classes {
        let _ = writeln!(
            s,
            "{:>5}  {:>6}  {:>6.2}%  {:>6.2}%  {:>+6.2} pp",
            c.class,
            c.total,
            100.0 * c.acc_before(),
            100.0 * c.acc_after(),
            c.delta_pp()
        );
    }
    list(&mut s, "fixed (wrong in A, right in B)", &f.fixed);
    list(&mut s, "broken (right in A, wrong in B)", &f.broken);
    s
}

fn list(s: &mut String, title: &str, flips: &[Flip]) {
    let _ = writeln!(s, "\n{title}: {}", flips.len());
    if flips.is_empty() {
        return;
    }
    let _ = writeln!(s, "  index  label  A  B");
    for f in flips {
        let _ = writeln!(
            s,
            "  {:>5}  {:>5}  {}  {}",
            f.index, f.label, f.before, f.after
        );
    }
}
