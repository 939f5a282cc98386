//! The lock on temp run folders: taken and released, refused while held (by this process, a
//! live process on this host, or any process on another host), taken over from holders that
//! are gone (a pid that does not exist, a pid now used by another process, a reboot), and won
//! by exactly one of several processes taking over the same stale lock at once.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p =
            std::env::temp_dir().join(format!("convscope-lock-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A pid no process has: above the kernel's largest `pid_max` (2^22).
const DEAD_PID: u32 = (1 << 22) + 12_345;

fn write_lock(dir: &Path, holder: &Holder) {
    fs::write(
        dir.join(LOCK_FILE),
        serde_json::to_string(holder).unwrap() + "\n",
    )
    .unwrap();
}

fn lock_holder(dir: &Path) -> Holder {
    serde_json::from_str(&fs::read_to_string(dir.join(LOCK_FILE)).unwrap()).unwrap()
}

fn dead_holder() -> Holder {
    Holder {
        pid: DEAD_PID,
        proc_start: Some(1),
        ..Holder::this_process()
    }
}

#[test]
fn lock_is_taken_named_and_released_on_drop() {
    let d = TempDir::new("basic");
    assert_eq!(is_held(&d.0), None);
    let lock = RunLock::acquire(&d.0).unwrap();
    assert!(lock.took_over().is_none() && lock.note().is_none());
    assert_eq!(lock.path(), d.0.join(LOCK_FILE));
    let written = lock_holder(&d.0);
    assert_eq!(&written, lock.holder());
    assert_eq!(written.pid, std::process::id());
    assert_eq!(written.host, proc::hostname());
    assert!(written.is_this_process());
    assert!(written.since > 1_700_000_000, "{written:?}");
    assert_eq!(is_held(&d.0), Some(written));
    drop(lock);
    assert!(!d.0.join(LOCK_FILE).exists());
    assert_eq!(is_held(&d.0), None);
    // And it can be taken again.
    let again = RunLock::acquire(&d.0).unwrap();
    assert!(again.took_over().is_none());
}

#[test]
fn lock_second_acquire_is_refused_with_who_holds_it() {
    let d = TempDir::new("twice");
    let first = RunLock::acquire(&d.0).unwrap();
    let e = RunLock::acquire(&d.0).unwrap_err();
    assert!(matches!(&e, LockError::Held { holder, .. } if **holder == *first.holder()));
    let msg = e.to_string();
    let expected = format!(
        "{}: the run is in use by {} pid {} on host {} since ",
        d.0.display(),
        first.holder().program,
        std::process::id(),
        proc::hostname()
    );
    assert!(msg.starts_with(&expected), "{msg}");
    assert!(
        msg.ends_with("UTC (this process): it is already training there"),
        "{msg}"
    );
    // The refused attempt left the holder's file alone.
    assert_eq!(&lock_holder(&d.0), first.holder());
    drop(first);
    assert!(RunLock::acquire(&d.0).is_ok());
}

#[test]
fn lock_held_by_a_live_process_on_this_host_is_refused_until_it_ends() {
    let d = TempDir::new("live");
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let live = Holder {
        program: "sleep".into(),
        pid: child.id(),
        proc_start: proc::start_ticks(child.id()),
        ..Holder::this_process()
    };
    assert!(live.proc_start.is_some());
    write_lock(&d.0, &live);
    let refused = RunLock::acquire(&d.0);
    let alive = is_held(&d.0);
    child.kill().unwrap();
    child.wait().unwrap();
    let msg = refused.unwrap_err().to_string();
    assert!(
        msg.contains(&format!("sleep pid {} on host", live.pid)),
        "{msg}"
    );
    assert!(
        msg.contains("Wait for that run to end, or stop it.")
            && msg.contains(&format!("rm {}", d.0.join(LOCK_FILE).display())),
        "{msg}"
    );
    assert_eq!(alive, Some(live.clone()));
    // Its process has ended (and been reaped): the lock is stale now.
    assert_eq!(is_held(&d.0), None);
    let lock = RunLock::acquire(&d.0).unwrap();
    let (old, why) = lock.took_over().unwrap();
    assert_eq!(
        (old, why.as_str()),
        (
            &live,
            format!("no process {} is running", live.pid).as_str()
        )
    );
}

#[test]
fn lock_whose_pid_does_not_exist_is_taken_over_with_a_note() {
    let d = TempDir::new("stale");
    let stale = dead_holder();
    write_lock(&d.0, &stale);
    assert_eq!(is_held(&d.0), None);
    let lock = RunLock::acquire(&d.0).unwrap();
    assert_eq!(lock.took_over().map(|(h, _)| h), Some(&stale));
    let note = lock.note().unwrap();
    assert!(
        note.contains(&format!("took over the lock of {stale}"))
            && note.ends_with(&format!("(no process {DEAD_PID} is running)")),
        "{note}"
    );
    assert_eq!(&lock_holder(&d.0), lock.holder());
    drop(lock);
    assert!(!d.0.join(LOCK_FILE).exists());
}

#[test]
fn lock_of_a_reused_pid_or_from_before_a_reboot_is_stale() {
    // This process's own pid, but recorded with another start time: a process that had
    // this pid before.
    let reused = Holder {
        proc_start: proc::start_ticks(std::process::id()).map(|t| t + 1),
        ..Holder::this_process()
    };
    assert!(reused.proc_start.is_some());
    assert_eq!(
        reused.gone().as_deref(),
        Some(
            format!(
                "pid {} now belongs to another process, started later",
                reused.pid
            )
            .as_str()
        )
    );
    let rebooted = Holder {
        boot_id: Some("not-this-boot".into()),
        ..Holder::this_process()
    };
    assert!(proc::boot_id().is_some());
    assert_eq!(
        rebooted.gone().as_deref(),
        Some("the machine has restarted since")
    );
    let d = TempDir::new("reused");
    write_lock(&d.0, &reused);
    let lock = RunLock::acquire(&d.0).unwrap();
    assert_eq!(lock.took_over().map(|(h, _)| h), Some(&reused));
}

#[test]
fn lock_from_another_host_is_never_assumed_stale() {
    let d = TempDir::new("other-host");
    let far = Holder {
        host: "gpu-box-7.example".into(),
        since: 1_000_000_000,
        ..dead_holder()
    };
    write_lock(&d.0, &far);
    assert_eq!(far.gone(), None);
    assert_eq!(is_held(&d.0), Some(far.clone()));
    let msg = RunLock::acquire(&d.0).unwrap_err().to_string();
    let lock = d.0.join(LOCK_FILE);
    assert_eq!(
        msg,
        format!(
            "{}: the run is in use by {} pid {DEAD_PID} on host gpu-box-7.example since \
             2001-09-09 01:46:40 UTC.\nA process on another host cannot be checked from here, \
             so this lock is kept however old it is. If that run has ended (or \
             gpu-box-7.example went down), delete {} (rm {}) and try again.",
            d.0.display(),
            far.program,
            lock.display(),
            lock.display()
        )
    );
    assert_eq!(lock_holder(&d.0), far, "the refused lock is left as it was");
}

#[test]
fn lock_with_an_absurd_time_is_shown_not_a_panic() {
    let far = Holder {
        host: "elsewhere.example".into(),
        since: u64::MAX,
        ..dead_holder()
    };
    assert!(
        far.to_string().ends_with("since 1970-01-01 00:00:00 UTC"),
        "{far}"
    );
}

#[test]
fn lock_file_that_is_not_a_lock_is_refused_not_overwritten() {
    let d = TempDir::new("garbage");
    fs::write(d.0.join(LOCK_FILE), "hello\n").unwrap();
    let msg = RunLock::acquire(&d.0).unwrap_err().to_string();
    let lock = d.0.join(LOCK_FILE).display().to_string();
    assert!(
        msg.starts_with(&format!(
            "{lock}: the lock file cannot be read (not a convscope lock: "
        )) && msg.ends_with(&format!("delete it (rm {lock}) and try again")),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(d.0.join(LOCK_FILE)).unwrap(), "hello\n");
    assert_eq!(is_held(&d.0), None);
}

#[test]
fn lock_in_a_folder_that_does_not_exist_names_the_file() {
    let d = TempDir::new("nofolder");
    let e = RunLock::acquire(&d.0.join("gone")).unwrap_err();
    assert!(matches!(e, LockError::Io { what: "create", .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!(
            "{}: cannot create the lock file: ",
            d.0.join("gone").join(LOCK_FILE).display()
        )),
        "{e}"
    );
}

#[test]
fn lock_one_of_many_taking_over_the_same_stale_lock_wins() {
    for round in 0..20 {
        let d = TempDir::new("race");
        write_lock(&d.0, &dead_holder());
        let results: Vec<Result<RunLock, LockError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| RunLock::acquire(&d.0))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won: Vec<&RunLock> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(matches!(e, LockError::Held { .. }), "round {round}: {e:?}");
            }
        }
        assert_eq!(&lock_holder(&d.0), won[0].holder());
    }
}
