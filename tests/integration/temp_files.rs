//! Checkpoints are created with the same mode as every other file of a run folder (they were
//! 0600 while the rest was 0644, issue 21 item 13), and no `*.tmp` stays in a run folder: a
//! second SIGINT mid-checkpoint removes the file being written, and `--resume` removes the
//! one a SIGKILL left.

use crate::common::*;
use crate::probe::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// `cmd` run through `sh` with `umask 022`, the usual umask, so the expected modes are known.
fn with_umask_022(cmd: &Command) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh
}

/// The temporary files in `run`: ours (`NAME.tmp`) and safetensors' (`.tmpXXXXXX`).
fn temp_files(run: &Path) -> Vec<String> {
    std::fs::read_dir(run)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".tmp"))
        .collect()
}

#[test]
fn checkpoints_are_created_0644_like_every_other_file_of_the_run() {
    let dir = scratch("modes");
    let o = with_umask_022(&quick_run(&dir, 256, 100, 1))
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let run = only_run(&dir);
    let mut names = Vec::new();
    for e in std::fs::read_dir(&run).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{name} has mode {mode:o}");
        names.push(name);
    }
    for f in ["last.safetensors", "best.safetensors", "resume.safetensors"] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_second_sigint_during_a_checkpoint_write_leaves_no_tmp_file() {
    let dir = scratch("second-sigint-ckpt");
    let child =
        spawn_piped(quick_run(&dir, 256, 100, 3).env(convscope::fault::ENV, "slow-checkpoint"));
    let run = wait_until("a checkpoint being written", 120, || {
        let run = run_folder(&dir)?;
        run.join("last.tmp").exists().then_some(run)
    });
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{:?}", text(&o));
    assert_eq!(temp_files(&run), Vec::<String>::new());
    assert!(
        !run.join("last.safetensors").exists(),
        "the first checkpoint was still being written (3 s) when the second SIGINT came"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resume_removes_the_tmp_files_a_sigkill_mid_checkpoint_left() {
    let dir = scratch("sigkill-ckpt-resume");
    let mut child =
        spawn_piped(quick_run(&dir, 256, 100, 3).env(convscope::fault::ENV, "slow-checkpoint"));
    let run = wait_for_metric(&dir, "\"event\":\"epoch\"", 180);
    // Epoch 2's checkpoint write (epoch 1's resume state is complete by now).
    wait_until("epoch 2's checkpoint being written", 120, || {
        run.join("last.tmp").exists().then_some(())
    });
    child.kill().unwrap(); // SIGKILL: nothing can clean up
    let _ = child.wait_with_output().unwrap();
    assert!(run.join("last.tmp").exists(), "the kill left last.tmp");
    std::fs::write(run.join(".tmpAb12Cd"), b"an older version's temporary file").unwrap();

    let o = convscope(&dir)
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(&run)
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(temp_files(&run), Vec::<String>::new());
    assert_eq!(metrics(&run).last().unwrap()["epochs_done"], 3);
    assert_checkpoint_loads(&run, "last");
    std::fs::remove_dir_all(&dir).unwrap();
}
