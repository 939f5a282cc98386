//! A run folder has one owner: while a run trains, `--resume` of its folder is refused (exit
//! 2, naming the holder and how to override); once it ends, `--resume` works; a lock left by a
//! process that no longer exists is taken over with a note; a lock from another host is
//! never assumed stale.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const TRAIN: usize = 1000;
const TEST: usize = 200;
const EPOCHS: usize = 3;

/// The first run, stopped (SIGSTOP) while the test asks for its folder; continued and killed
/// if the test fails, so that no process is left behind.
struct Owner(Child);

impl Owner {
    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.0.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig} {}", self.0.id());
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-CONT", &self.0.id().to_string()])
                .status();
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn resume(cwd: &Path, run: &Path, epochs: usize) -> Output {
    convscope(cwd)
        .arg("--headless")
        .arg("--data-dir")
        .arg(mnist_dir())
        .arg("--resume")
        .arg(run)
        .args(["--epochs", &epochs.to_string()])
        .output()
        .unwrap()
}

/// Waits until `dir/runs` holds a run whose metrics.jsonl has an `epoch` line.
fn first_epoch(dir: &Path) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let run = std::fs::read_dir(dir.join("runs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(Result::ok)
            .map(|e| e.path());
        if let Some(run) = run {
            let m = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap_or_default();
            if m.contains("\"event\":\"epoch\"") {
                return run;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the first run never finished an epoch"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string()
}

fn write_lock(run: &Path, pid: u32, host: &str) {
    let json = serde_json::json!({
        "program": "convscope",
        "pid": pid,
        "host": host,
        "since": 1_790_000_000u64,
        "proc_start": 1,
        "boot_id": null,
    });
    std::fs::write(run.join(".lock"), format!("{json}\n")).unwrap();
}

#[test]
fn resume_of_a_running_run_is_refused_and_works_once_it_ended() {
    let dir = scratch("lock-live");
    let mut owner = Owner(
        quick_run(&dir, TRAIN, TEST, EPOCHS)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let run = first_epoch(&dir);
    // Held still until the second process has asked, so the answer cannot depend on timing.
    owner.signal("-STOP");
    let lock = run.join(".lock");
    let held = std::fs::read_to_string(&lock).unwrap();
    assert!(
        held.contains(&format!("\"pid\":{}", owner.0.id())),
        "{held}"
    );
    let o = resume(&dir, &run, EPOCHS + 1);
    owner.signal("-CONT");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    let want = format!(
        "{}: the run is in use by convscope pid {} on host {} since ",
        run.display(),
        owner.0.id(),
        hostname()
    );
    assert!(err.contains(&want), "{err}");
    assert!(
        err.contains(&format!(
            "delete {} (rm {})",
            lock.display(),
            lock.display()
        )),
        "{err}"
    );
    assert!(!out.contains("resumed at epoch"), "{out}");

    let status = owner.0.wait().unwrap();
    let mut owner_err = String::new();
    std::io::Read::read_to_string(owner.0.stderr.as_mut().unwrap(), &mut owner_err).unwrap();
    assert!(status.success(), "{status}: {owner_err}");
    assert!(!lock.exists(), "the lock is released when the run ends");
    let started = metrics(&run)
        .iter()
        .filter(|e| e["event"] == "started")
        .count();
    assert_eq!(started, 1, "the refused resume wrote nothing into the run");

    // A lock from another host is respected however old it is.
    write_lock(&run, 4_000_000, "elsewhere.example");
    let o = resume(&dir, &run, EPOCHS + 1);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(
        err.contains("in use by convscope pid 4000000 on host elsewhere.example")
            && err.contains("A process on another host cannot be checked from here"),
        "{err}"
    );

    // A lock left on this host by a process that no longer exists does not block.
    let dead = (1 << 22) + 12_345;
    write_lock(&run, dead, &hostname());
    let o = resume(&dir, &run, EPOCHS + 1);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(
        out.contains(&format!("resumed at epoch {}", EPOCHS + 1)),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "took over the lock of convscope pid {dead} on host {}",
            hostname()
        )) && out.contains(&format!("(no process {dead} is running)")),
        "{out}"
    );
    assert!(!lock.exists());
}
