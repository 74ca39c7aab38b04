//! `prototheque-relais`: the hub command (see `prototheque::relay` and `--help`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use prototheque::relay::options::{exit, parse, Command, HELP};
    match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{HELP}");
            std::process::ExitCode::SUCCESS
        }
        Ok(Command::Run(options)) => {
            std::process::ExitCode::from(prototheque::relay::run(&options))
        }
        Err(message) => {
            eprintln!("{message}\nVoir : prototheque-relais --help");
            std::process::ExitCode::from(exit::USAGE)
        }
    }
}

/// The hub is native only: on wasm32 (the app's target) this binary is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}
