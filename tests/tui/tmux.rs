//! A tmux session on a private server as a test's real terminal: start a command in a pane
//! of a fixed size, type keys, read the screen, ask whether the alternate screen is on.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub fn available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Skip (with a notice on stderr) when tmux is missing; `.ci/run` installs it.
#[macro_export]
macro_rules! require_tmux {
    () => {
        if !$crate::tmux::available() {
            eprintln!("SKIPPED: tmux is not installed; install it to run the terminal tests");
            return;
        }
    };
}

pub struct Session {
    socket: String,
    name: String,
}

impl Session {
    /// Run `shell_cmd` in a detached `w`×`h` pane (end it with a `sleep` to keep the pane
    /// open after the program under test exits, so the screen can still be inspected).
    pub fn start(w: u16, h: u16, shell_cmd: &str, env: &[(&str, &str)]) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let id = format!(
            "{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let s = Session {
            socket: format!("convscope-test-{id}"),
            name: format!("t{id}"),
        };
        let mut args: Vec<String> = ["new-session", "-d", "-s", &s.name, "-x"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        args.extend([w.to_string(), "-y".into(), h.to_string()]);
        for (k, v) in env {
            args.extend(["-e".into(), format!("{k}={v}")]);
        }
        args.push(shell_cmd.to_string());
        let out = s.tmux(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "tmux new-session: {out:?}");
        s
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("running tmux")
    }

    fn tmux_ok(&self, args: &[&str]) -> String {
        let out = self.tmux(args);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The visible screen as text.
    pub fn capture(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-t", &self.name])
    }

    /// Type keys, in tmux's names (`p`, `Escape`, `C-c`, `Tab`).
    pub fn send(&self, keys: &str) {
        self.tmux_ok(&["send-keys", "-t", &self.name, keys]);
    }

    /// Type `text` as it is (no key names): e.g. a terminal's mouse report.
    pub fn send_literal(&self, text: &str) {
        self.tmux_ok(&["send-keys", "-l", "-t", &self.name, text]);
    }

    /// Whether the program in the pane has asked for mouse reports.
    pub fn mouse_on(&self) -> bool {
        let flags = "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}";
        self.tmux_ok(&["display-message", "-p", "-t", &self.name, flags])
            .trim()
            .contains('1')
    }

    /// Resize the pane's window to `w`×`h`.
    pub fn resize(&self, w: u16, h: u16) {
        self.tmux_ok(&[
            "resize-window",
            "-t",
            &self.name,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    /// Kill the session, as a closed window or `tmux kill-session` does: the pane's
    /// terminal goes away under the program.
    pub fn kill(&self) {
        self.tmux_ok(&["kill-session", "-t", &self.name]);
    }

    pub fn alternate_on(&self) -> bool {
        self.tmux_ok(&["display-message", "-p", "-t", &self.name, "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Wait until the screen satisfies `ok`, or panic with the last screen after `secs`.
    pub fn wait_for(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.capture();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out after {secs}s waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait for the command to exit; its status is what the wrapper wrote to `code_file`.
    pub fn wait_exit(&self, code_file: &Path, secs: u64) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(s) = std::fs::read_to_string(code_file) {
                if let Ok(code) = s.trim().parse() {
                    return code;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "command did not exit within {secs}s; screen:\n{}",
            self.capture()
        );
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let socket = self.tmux_ok(&["display-message", "-p", "#{socket_path}"]);
        self.tmux(&["kill-server"]);
        let socket = socket.trim();
        if !socket.is_empty() {
            let _ = std::fs::remove_file(socket);
        }
    }
}
