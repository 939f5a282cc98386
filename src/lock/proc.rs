//! What `/proc` says about a process and this machine, for telling a live lock holder from a
//! gone one. Where `/proc` is missing nothing is known, and nothing is assumed gone.

use std::path::Path;

/// This machine's name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `localhost`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The kernel's id of this boot, when it can be read.
pub fn boot_id() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(id.trim().to_string()).filter(|s| !s.is_empty())
}

/// The program name of process `pid` (`/proc/PID/comm`).
pub fn comm(pid: u32) -> Option<String> {
    let c = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(c.trim_end_matches('\n').to_string())
}

/// Fields 3.. of `/proc/PID/stat` (after the parenthesised program name, which may itself
/// hold spaces and parentheses).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// When process `pid` started, in clock ticks after boot (field 22 of `/proc/PID/stat`).
pub fn start_ticks(pid: u32) -> Option<u64> {
    stat_fields(pid)?.get(19)?.parse().ok()
}

/// `Some(why)` when process `pid` is known not to be the holder that recorded `start` and
/// `program`: no such process, a zombie, or another process that was given the same pid.
/// `None` when it is alive or nothing can be known (no `/proc`).
pub fn gone(pid: u32, start: Option<u64>, program: &str) -> Option<String> {
    if !Path::new("/proc/self/stat").exists() {
        return None;
    }
    let Some(fields) = stat_fields(pid) else {
        return Some(format!("no process {pid} is running"));
    };
    if fields.first().is_some_and(|s| s == "Z" || s == "X") {
        return Some(format!("process {pid} has exited"));
    }
    let now = fields.get(19).and_then(|s| s.parse::<u64>().ok());
    if let (Some(then), Some(now)) = (start, now) {
        if then != now {
            return Some(format!(
                "pid {pid} now belongs to another process, started later"
            ));
        }
        return None;
    }
    match comm(pid) {
        Some(c) if c != program => Some(format!("pid {pid} is now {c}, not {program}")),
        _ => None,
    }
}
