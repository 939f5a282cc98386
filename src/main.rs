//! The `convscope` binary: parse arguments, run the command, map the result to an exit code.

use convscope::exit::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    let invocation = match convscope::cli::parse_from(std::env::args_os()) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.print();
            return Exit::from_clap(&e).into();
        }
    };
    match convscope::cmd::run(invocation) {
        Ok(exit) => exit.into(),
        Err(e) => {
            if !e.is_quiet() {
                eprintln!("convscope: {e}");
            }
            e.exit().into()
        }
    }
}
