//! Every file in `tests/invalid_configs/` through the real binary: exit 2 before any data
//! is read, and stderr names the file and says what its first line (`# expect: ...`)
//! promises. The shipped `config.toml` gives the same run as the built-in defaults.

use crate::common::*;
use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_configs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_invalid_config_fixture_exits_2_with_its_message() {
    let files = fixtures();
    assert!(files.len() >= 15, "only {} fixtures", files.len());
    let dir = scratch("invalid-configs");
    for f in &files {
        let fixture = std::fs::read_to_string(f).unwrap();
        let want = fixture
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: first line must be '# expect: ...'", f.display()));
        let o = convscope(&dir)
            .args(["--headless", "--data-dir"])
            .arg(dir.join("no-data-needed"))
            .arg("--config")
            .arg(f)
            .output()
            .unwrap();
        let (_, err) = text(&o);
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.starts_with(&format!("convscope: error: {}: ", f.display())),
            "{name}: the message names the file: {err}"
        );
        assert!(err.contains(want), "{name}: want {want:?} in:\n{err}");
        assert!(
            !err.contains("\nin `"),
            "{name}: the key is said once: {err}"
        );
    }
    assert!(!dir.join("runs").exists());
}

#[test]
fn shipped_config_gives_the_same_model_as_the_builtin_defaults() {
    let dir = scratch("shipped-config");
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.toml");
    let with = convscope(&dir)
        .arg("--config")
        .arg(&shipped)
        .arg("summary")
        .output()
        .unwrap();
    let without = convscope(&dir).arg("summary").output().unwrap();
    assert!(with.status.success(), "{:?}", text(&with));
    assert_eq!(text(&with), text(&without));
}
