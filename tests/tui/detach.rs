//! The terminal goes away under the real binary's dashboard (the tmux session is killed, or
//! SIGHUP arrives): the run goes on to its end as headless, the process exits with the
//! run's code within seconds of that end, `metrics.jsonl` says when and why it detached, and
//! no thread of it spins on the dead terminal. With `ui.on_hangup = "stop"` the run stops,
//! resumable, exit 129. Also: SIGTERM on a finished dashboard, a second SIGINT quitting at
//! once, a failed run's last line, and `watch`'s messages.

use crate::binary::mnist_dir;
use crate::pty::progress;
use crate::require_tmux;
use crate::tmux::Session;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Run {
    session: Session,
    dir: PathBuf,
}

impl Run {
    /// The binary on a short real-MNIST run in a 120×40 pane. The pane's shell survives the
    /// terminal going away (`trap : HUP`: a caught signal, so the binary starts with SIGHUP
    /// at its default) and writes the binary's exit status to `code`; while the terminal is
    /// there, the pane then stays open (a `sleep` that a hangup ends) for the screen to be
    /// read.
    fn start(name: &str, args: &str, env: &[(&str, &str)]) -> Run {
        let dir =
            std::env::temp_dir().join(format!("convscope-detach-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let cmd = format!(
            "trap : HUP; cd '{d}' && sh -c 'echo $$ >pid; exec \"$0\" \"$@\"' '{exe}' \
             --data-dir '{mnist}' --runs-dir '{d}/runs' --set data.limit_train=2000 \
             --set data.limit_test=500 {args} 2>'{d}/stderr'; echo $? >'{d}/code.tmp'; \
             stty -a >'{d}/stty' 2>&1; mv '{d}/code.tmp' '{d}/code'; test -t 1 && exec sleep 600",
            d = dir.display(),
            exe = env!("CARGO_BIN_EXE_convscope"),
            mnist = mnist_dir().display(),
        );
        let mut all = vec![("RAYON_NUM_THREADS", "2"), ("HF_HUB_OFFLINE", "1")];
        all.extend_from_slice(env);
        Run {
            session: Session::start(120, 40, &cmd, &all),
            dir,
        }
    }

    fn wait_batches(&self) {
        self.session.wait_for("the first batches", 120, |sc| {
            progress(sc).is_some_and(|p| p.2 > 0)
        });
    }

    fn pid(&self) -> u32 {
        std::fs::read_to_string(self.dir.join("pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig}");
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    /// The exit status, once the shell has written it (within `secs`).
    fn code(&self, secs: u64) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(code) = self.file("code").trim().parse() {
                return code;
            }
            assert!(
                Instant::now() < deadline,
                "no exit within {secs}s; stderr:\n{}",
                self.file("stderr")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn run_folder(&self) -> PathBuf {
        std::fs::read_dir(self.dir.join("runs"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        // The binary, should a failed test leave it running (it is not tmux's child then).
        if let Ok(pid) = self.file("pid").trim().parse::<u32>() {
            if alive(pid) && self.file("code").is_empty() {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| stat_fields(&s).first().is_some_and(|state| *state != "Z"))
}

/// The fields of a `/proc/…/stat` line after the command name (state is the first).
fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// CPU time (user + system, in clock ticks) of the process's threads that do not train:
/// the main thread (the dashboard, or the headless fold after detaching), the terminal
/// input thread and the signal thread.
fn non_training_ticks(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    let mut ticks = 0;
    for task in tasks.flatten() {
        let path = task.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let tid = task.file_name().to_string_lossy().into_owned();
        let watched = tid == pid.to_string()
            || comm.trim() == "convscope-input"
            || comm.trim() == "convscope-signa";
        if !watched {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        let f = stat_fields(&stat);
        // utime and stime are stat's fields 14 and 15; `f` starts at field 3.
        let t = |i: usize| {
            f.get(i - 3)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ticks += t(14) + t(15);
    }
    ticks
}

fn metrics(run: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(run.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The `log` event saying the terminal was lost, and where it is among the events.
fn detach_note(events: &[serde_json::Value]) -> Option<(usize, String)> {
    events.iter().enumerate().find_map(|(i, e)| {
        let m = e["message"].as_str()?;
        (e["event"] == "log" && m.starts_with("terminal lost at ")).then(|| (i, m.to_string()))
    })
}

fn summary(run: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn killing_the_terminal_during_training_detaches_and_the_run_finishes() {
    require_tmux!();
    let r = Run::start("kill-during", "--epochs 2", &[]);
    r.wait_batches();
    let pid = r.pid();
    r.session.kill();
    // While it trains detached, the threads that do not train stay idle: nothing re-reads
    // the dead terminal (it spun a whole core before).
    std::thread::sleep(Duration::from_millis(500));
    let before = non_training_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let still_training = alive(pid) && !r.run_folder().join("summary.json").exists();
    let used = non_training_ticks(pid) - before;
    if still_training {
        // 2 s is 200 ticks at the usual 100 Hz: a spinning thread gets far more than 20.
        assert!(used <= 20, "{used} ticks of CPU outside training in 2 s");
    }
    let code = r.code(180);
    assert_eq!(code, 0, "stderr:\n{}", r.file("stderr"));
    assert!(!alive(pid), "the process is gone once its run ended");
    let run = r.run_folder();
    let s = summary(&run);
    assert_eq!(s["stopped"], false, "{s}");
    assert_eq!(s["epochs_done"], 2, "{s}");
    let events = metrics(&run);
    let (at, note) = detach_note(&events).expect("metrics.jsonl says the terminal was lost");
    assert!(note.contains("goes on detached"), "{note}");
    assert!(at < events.len() - 1, "the note comes before the run's end");
    assert_eq!(events.last().unwrap()["event"], "finished");
}

#[test]
fn killing_the_terminal_after_the_run_ended_exits_within_seconds() {
    require_tmux!();
    let r = Run::start("kill-after", "--epochs 1", &[]);
    let run = loop {
        let done = r
            .dir
            .join("runs")
            .read_dir()
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.join("summary.json").exists());
        if let Some(run) = done {
            break run;
        }
        assert!(
            r.file("code").is_empty(),
            "the dashboard stays open after the run"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    r.session.wait_for("the finished run on screen", 60, |sc| {
        sc.contains("finished")
    });
    let pid = r.pid();
    let killed = Instant::now();
    r.session.kill();
    let code = r.code(10);
    assert!(
        killed.elapsed() < Duration::from_secs(4),
        "exited {:?} after the terminal went away",
        killed.elapsed()
    );
    assert_eq!(code, 0, "stderr:\n{}", r.file("stderr"));
    assert!(!alive(pid));
    assert_eq!(summary(&run)["stopped"], false);
}

#[test]
fn sighup_detaches_and_the_run_goes_on_to_its_end() {
    require_tmux!();
    let r = Run::start("sighup", "--epochs 2", &[]);
    r.wait_batches();
    r.signal("HUP");
    let code = r.code(180);
    assert_eq!(code, 0, "stderr:\n{}", r.file("stderr"));
    let run = r.run_folder();
    assert_eq!(summary(&run)["epochs_done"], 2);
    let (_, note) = detach_note(&metrics(&run)).expect("the detach note");
    assert!(note.contains("SIGHUP"), "{note}");
    // The terminal was given back once, and nothing was drawn on it after.
    let stty = r.file("stty");
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{stty}"
    );
    assert!(!r.session.alternate_on());
}

#[test]
fn on_hangup_stop_stops_the_run_resumable_and_exits_129() {
    require_tmux!();
    let r = Run::start("hup-stop", "--epochs 3 --set ui.on_hangup=stop", &[]);
    r.wait_batches();
    // Resumable from the end of an epoch: kill once the first has been saved.
    let deadline = Instant::now() + Duration::from_secs(180);
    while !r.run_folder().join("resume.safetensors").exists() {
        assert!(Instant::now() < deadline, "no epoch saved within 180 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    r.session.kill();
    let code = r.code(120);
    assert_eq!(code, 129, "stderr:\n{}", r.file("stderr"));
    let run = r.run_folder();
    let s = summary(&run);
    assert_eq!(s["stopped"], true, "{s}");
    let (_, note) = detach_note(&metrics(&run)).expect("the note");
    assert!(note.contains("on_hangup"), "{note}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .arg("--resume")
        .arg(&run)
        .args(["--headless", "--data-dir"])
        .arg(mnist_dir())
        .env("RAYON_NUM_THREADS", "2")
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Accepted: it trains on from where it stopped (an error here would be exit 2).
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    assert!(stdout.contains("resumed at epoch"), "{stdout}");
}

#[test]
fn sigterm_ends_a_dashboard_whose_run_has_finished() {
    require_tmux!();
    let r = Run::start("term-finished", "--epochs 1", &[]);
    r.session.wait_for("the finished run on screen", 180, |sc| {
        sc.contains("finished") && r.run_folder().join("summary.json").exists()
    });
    let sent = Instant::now();
    r.signal("TERM");
    let code = r.code(10);
    assert!(
        sent.elapsed() < Duration::from_secs(4),
        "{:?}",
        sent.elapsed()
    );
    assert_eq!(code, 130, "stderr:\n{}", r.file("stderr"));
    let stty = r.file("stty");
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{stty}"
    );
    assert!(!r.session.alternate_on());
}

#[test]
fn a_second_sigint_quits_at_once_even_during_a_slow_checkpoint() {
    require_tmux!();
    // Every checkpoint write pauses 3 s: the first SIGINT's clean stop is slow.
    let r = Run::start(
        "int-twice",
        "--epochs 50",
        &[(convscope::fault::ENV, "slow-checkpoint")],
    );
    r.wait_batches();
    r.signal("INT");
    std::thread::sleep(Duration::from_millis(300));
    let second = Instant::now();
    r.signal("INT");
    let code = r.code(20);
    let took = second.elapsed();
    assert_eq!(code, 130, "stderr:\n{}", r.file("stderr"));
    assert!(
        took < Duration::from_millis(2000),
        "gone {took:?} after the 2nd SIGINT"
    );
    let stty = r.file("stty");
    assert!(stty.split_whitespace().any(|w| w == "icanon"), "{stty}");
}

#[test]
fn a_failed_run_in_the_dashboard_is_called_failed_not_finished() {
    require_tmux!();
    let r = Run::start("lr-1e30", "--epochs 2 --set train.lr=1e30", &[]);
    r.session
        .wait_for("the failure on screen", 120, |sc| sc.contains("failed"));
    r.session.send("q");
    let code = r.code(30);
    assert_eq!(code, 1, "stderr:\n{}", r.file("stderr"));
    let screen = r.session.capture();
    let last = screen
        .lines()
        .find(|l| l.starts_with("run "))
        .unwrap_or_else(|| panic!("the run's line after the screen:\n{screen}"));
    assert!(last.contains(" failed "), "{last}");
    assert!(!last.contains("finished"), "{last}");
    assert!(r.file("stderr").contains("training failed: "));
}

#[test]
fn sigint_during_watch_says_watching_was_interrupted() {
    let dir = crate::binary::test_dir("watch-int");
    let file = dir.join("metrics.jsonl");
    std::fs::write(&file, "").unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .arg("watch")
        .arg(&file)
        .arg("--headless")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Until it reads the file it has routed signals; it then waits for lines forever.
    std::thread::sleep(Duration::from_millis(1500));
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("watching interrupted"), "{stderr}");
    assert!(!stderr.contains("before the run started"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn watch_of_empty_stdin_in_the_dashboard_says_the_input_held_no_run() {
    require_tmux!();
    let dir = crate::binary::test_dir("watch-empty");
    let cmd = format!(
        "'{exe}' watch - </dev/null 2>'{d}/stderr'; echo $? >'{d}/code.tmp'; \
         mv '{d}/code.tmp' '{d}/code'; sleep 600",
        exe = env!("CARGO_BIN_EXE_convscope"),
        d = dir.display(),
    );
    let session = Session::start(100, 30, &cmd, &[]);
    session.wait_for("the dashboard saying why", 30, |sc| {
        sc.contains("held no run")
    });
    session.send("q");
    let code = session.wait_exit(&dir.join("code"), 20);
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("watch: stdin was empty: it held no run"),
        "{stderr}"
    );
    assert!(!stderr.contains("training failed"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
