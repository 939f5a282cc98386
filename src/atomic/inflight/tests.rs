use super::*;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("convscope-inflight-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn remove_all_deletes_the_files_being_written_and_refuses_new_ones() {
    let d = scratch("remove-all");
    let mut r = Registry::new();
    let (a, b) = (d.join("last.tmp"), d.join("best.tmp"));
    let _fa = r.create(&a).unwrap();
    let _fb = r.create(&b).unwrap();
    std::fs::rename(&b, d.join("best.safetensors")).unwrap();
    r.done(&b);
    assert_eq!(r.remove_all(), 1);
    assert!(!a.exists());
    assert!(d.join("best.safetensors").exists(), "a finished file stays");
    let e = r.create(&d.join("summary.tmp")).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::Interrupted);
    assert!(!d.join("summary.tmp").exists());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn sweep_removes_only_stray_temporary_files() {
    let d = scratch("sweep");
    for f in ["last.tmp", ".tmpA1b2C3", "config.toml", "last.safetensors"] {
        std::fs::write(d.join(f), b"x").unwrap();
    }
    std::fs::create_dir(d.join("sub.tmp")).unwrap();
    let mut removed: Vec<String> = sweep(&d)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    removed.sort();
    assert_eq!(removed, [".tmpA1b2C3", "last.tmp"]);
    assert!(d.join("config.toml").exists() && d.join("sub.tmp").is_dir());
    std::fs::remove_dir_all(&d).unwrap();
}
