//! The terminal goes away under the real binary's dashboard (the tmux session is killed, or
//! SIGHUP arrives): the run goes on to its end as headless, the process exits with the
//! run's code within seconds of that end, `metrics.jsonl` says when and why it detached, and
//! no thread of it spins on the dead terminal. With `ui.on_hangup = "stop"` the run stops,
//! resumable, exit 129. Also: SIGTERM on a finished dashboard, a second SIGINT quitting at
//! once, a failed run's last line, and `watch`'s messages.

use crate::binary::mnist_dir;
use crate::require_tmux;
use crate::run::{alive, stat_fields, Run, Shell};
use crate::tmux::Session;
use std::path::Path;
use std::time::{Duration, Instant};

/// The binary in a pane whose shell survives the terminal going away.
fn start(name: &str, extra: &str, env: &[(&str, &str)]) -> Run {
    Run::start("detach", name, extra, env, Shell::SurvivesHangup)
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
    let r = start("kill-during", "--epochs 2", &[]);
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
    let stderr = r.file("stderr");
    assert_eq!(code, 0, "stderr:\n{stderr}");
    // Nothing complains on stderr about the terminal it lost (ratatui's "Failed to show
    // the cursor" when its own drop wrote to the dead terminal).
    assert!(!stderr.contains("Failed to"), "stderr:\n{stderr}");
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
    let r = start("kill-after", "--epochs 1", &[]);
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
    let r = start("sighup", "--epochs 2", &[]);
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
    let r = start("hup-stop", "--epochs 3 --set ui.on_hangup=stop", &[]);
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
    let r = start("term-finished", "--epochs 1", &[]);
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
    let r = start(
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
    let r = start("lr-1e30", "--epochs 2 --set train.lr=1e30", &[]);
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
