//! The terminal at the file-descriptor level, for when it goes away (ssh drops, tmux is
//! killed): wait for input while noticing a hangup (crossterm's reader re-reads a dead
//! terminal forever, so the dashboard asks it only once there is input), and let go of a
//! terminal that is gone, so that nothing writes to it, blocks on it or fails on it again.

use std::io;
use std::time::Duration;

/// What waiting for terminal input found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    /// Bytes to read.
    Input,
    Timeout,
    /// The terminal is gone (hung up, or waiting on it failed): why.
    Gone(String),
}

/// The terminal keys come from: standard input when it is one, else `/dev/tty` (as
/// crossterm picks it).
pub struct Tty {
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
    #[cfg(unix)]
    _owned: Option<std::fs::File>,
}

#[cfg(unix)]
impl Tty {
    pub fn open() -> io::Result<Tty> {
        use std::os::fd::AsRawFd;
        // SAFETY: isatty only inspects the descriptor; 0 is valid or isatty says no.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Ok(Tty {
                fd: libc::STDIN_FILENO,
                _owned: None,
            });
        }
        let f = std::fs::File::open("/dev/tty")?;
        Ok(Tty {
            fd: f.as_raw_fd(),
            _owned: Some(f),
        })
    }

    /// Block up to `timeout` for input. A hung-up terminal answers at once with `Gone`
    /// (and would go on answering "readable" forever: the caller must stop asking).
    pub fn wait(&self, timeout: Duration) -> Ready {
        let mut p = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid, exclusively borrowed pollfd, and a count of 1.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ready::Timeout;
            }
            return Ready::Gone(format!("waiting for terminal input failed: {e}"));
        }
        if r == 0 {
            return Ready::Timeout;
        }
        if p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Ready::Gone("the terminal hung up".into());
        }
        Ready::Input
    }
}

#[cfg(not(unix))]
impl Tty {
    pub fn open() -> io::Result<Tty> {
        Ok(Tty {})
    }

    /// Without poll(2): wake up now and then and let the caller ask crossterm (a short
    /// sleep, never a spin).
    pub fn wait(&self, timeout: Duration) -> Ready {
        std::thread::sleep(timeout.min(Duration::from_millis(20)));
        Ready::Input
    }
}

/// Let go of a terminal that is gone: standard output and error, where they are a
/// character device (a terminal; a hung-up one no longer says it is one), go to
/// `/dev/null`; standard input, where it is one, becomes an empty pipe that never ends, so
/// a reader still holding it sees "nothing yet" rather than an endless end of file. Files
/// and pipes are left as they are. Best effort: what fails stays as it was.
#[cfg(unix)]
pub fn disown() {
    use std::os::fd::AsRawFd;
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return;
    };
    for fd in [libc::STDOUT_FILENO, libc::STDERR_FILENO] {
        if is_char_device(fd) {
            // SAFETY: both descriptors are open; dup2 replaces `fd` atomically.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
    if !is_char_device(libc::STDIN_FILENO) {
        return;
    }
    let mut ends = [0; 2];
    // SAFETY: `ends` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return;
    }
    // SAFETY: ends[0] was just opened; dup2 replaces descriptor 0 atomically.
    unsafe { libc::dup2(ends[0], libc::STDIN_FILENO) };
    // SAFETY: ends[0] is ours and no longer needed (descriptor 0 now refers to it). The
    // write end stays open for the life of the process, so the pipe never reaches its end.
    unsafe { libc::close(ends[0]) };
}

#[cfg(not(unix))]
pub fn disown() {}

#[cfg(unix)]
fn is_char_device(fd: std::os::fd::RawFd) -> bool {
    // SAFETY: an all-zero `stat` is a valid value of this plain C struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes into `st`, which lives for the call; a bad fd is an error.
    let ok = unsafe { libc::fstat(fd, &mut st) } == 0;
    ok && (st.st_mode & libc::S_IFMT) == libc::S_IFCHR
}
