//! The real binary on a short real-MNIST run in a 120×40 tmux pane, as the dashboard tests
//! that end it (signals, panics, a lost terminal) drive it: its pid, its exit status and the
//! terminal's `stty -a` right after it exits, written by the pane's shell into a scratch folder.

use crate::binary::mnist_dir;
use crate::pty::progress;
use crate::tmux::Session;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Run {
    pub session: Session,
    pub dir: PathBuf,
}

/// What the pane's shell does around the binary.
#[derive(Clone, Copy, PartialEq)]
pub enum Shell {
    /// Stays open after the exit (a `sleep`) for the screen to be read.
    Plain,
    /// Survives the terminal going away (`trap : HUP`: a caught signal, so the binary starts
    /// with SIGHUP at its default); stays open after the exit only while the terminal is there.
    SurvivesHangup,
}

impl Run {
    /// `extra` are more arguments; `kind` names the scratch folder (`convscope-KIND-PID-NAME`).
    pub fn start(kind: &str, name: &str, extra: &str, env: &[(&str, &str)], shell: Shell) -> Run {
        let dir =
            std::env::temp_dir().join(format!("convscope-{kind}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (trap, after) = match shell {
            Shell::Plain => ("", "sleep 600"),
            Shell::SurvivesHangup => ("trap : HUP; ", "test -t 1 && exec sleep 600"),
        };
        // `exec` keeps the shell's pid for the binary, so the test can signal it.
        let cmd = format!(
            "{trap}cd '{d}' && sh -c 'echo $$ >pid; exec \"$0\" \"$@\"' '{exe}' \
             --data-dir '{mnist}' --runs-dir '{d}/runs' --set data.limit_train=2000 \
             --set data.limit_test=500 {extra} 2>'{d}/stderr'; echo $? >'{d}/code.tmp'; \
             stty -a >'{d}/stty' 2>&1; mv '{d}/code.tmp' '{d}/code'; {after}",
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

    pub fn wait_batches(&self) {
        self.session.wait_for("the first batches", 120, |sc| {
            progress(sc).is_some_and(|p| p.2 > 0)
        });
    }

    pub fn pid(&self) -> u32 {
        self.file("pid").trim().parse().unwrap()
    }

    pub fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig}");
    }

    pub fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    /// The exit status, once the shell has written it (within `secs`).
    pub fn code(&self, secs: u64) -> i32 {
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

    /// Wait for the exit; check the terminal is restored; return (code, stderr, screen).
    pub fn ended(&self) -> (i32, String, String) {
        let code = self.session.wait_exit(&self.dir.join("code"), 120);
        let screen = self.session.capture();
        let stderr = self.file("stderr");
        assert!(
            !self.session.alternate_on(),
            "left the alternate screen; stderr:\n{stderr}\nscreen:\n{screen}"
        );
        let stty = self.file("stty");
        let words: Vec<&str> = stty.split_whitespace().collect();
        assert!(
            words.contains(&"icanon") && words.contains(&"echo"),
            "raw mode is off again:\n{stty}"
        );
        (code, stderr, screen)
    }

    pub fn run_folder(&self) -> PathBuf {
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
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| stat_fields(&s).first().is_some_and(|state| *state != "Z"))
}

/// The fields of a `/proc/…/stat` line after the command name (state is the first).
pub fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default()
}
