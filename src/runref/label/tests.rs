//! Names and notes: the shape rules, uniqueness within a runs dir, and the files' round trip.

use super::*;
use crate::history::read_note;

fn runs_dir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("convscope-label-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

#[test]
fn label_shape_rules_name_the_problem() {
    assert!(check_name("widen-c1").is_ok());
    assert!(check_name("lr 0.05 (no dropout)").is_ok());
    let msg = |n: &str| check_name(n).unwrap_err().to_string();
    assert_eq!(msg(""), "--name: a run name cannot be empty");
    assert!(msg("a/b").contains("may not contain '/'"));
    let e = msg("x\u{1b}[2J");
    assert!(
        e.contains("control characters") && e.contains("x\\u{1b}[2J"),
        "{e}"
    );
    assert!(msg(" x").contains("start or end with a space"));
    assert!(msg("@-1").contains("cannot start with @-"));
    for p in [".", "..", "~x", "-"] {
        assert!(msg(p).contains("reads as a path"), "{p}");
    }
    assert!(msg(&"n".repeat(MAX_NAME + 1)).contains("longer than 64"));
    assert!(check_name(&"n".repeat(MAX_NAME)).is_ok());
    assert!(check_note(&"n".repeat(MAX_NOTE)).is_ok());
    assert!(check_note(&"n".repeat(MAX_NOTE + 1)).is_err());
}

#[test]
fn label_a_name_is_unique_in_its_runs_dir_and_never_an_id() {
    let root = runs_dir("unique");
    let run = root.join("20261201-022501-model-3");
    std::fs::create_dir_all(&run).unwrap();
    assert!(check_new_name(&root, "baseline").is_ok());
    write(&run, Some("baseline"), Some("first try\n(two lines)")).unwrap();
    assert_eq!(read_name(&run).as_deref(), Some("baseline"));
    assert_eq!(read_note(&run).as_deref(), Some("first try\n(two lines)"));
    let e = check_new_name(&root, "baseline").unwrap_err().to_string();
    assert!(
        e.contains("the run 20261201-022501-model-3 in") && e.contains("already has that name"),
        "{e}"
    );
    let e = check_new_name(&root, "20261201-022501-model-3")
        .unwrap_err()
        .to_string();
    assert!(e.contains("that is the id of a run"), "{e}");
    // Another runs dir is another namespace; a missing one holds no names.
    assert!(check_new_name(&root.join("none"), "baseline").is_ok());
    std::fs::remove_dir_all(&root).unwrap();
}
