//! The `convscope` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match convscope::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    convscope::app::run(cli)
}
