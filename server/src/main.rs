//! `server`: runs the SMMM Portal, or one of its admin commands. See `server --help`.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run(server::cli::Cli::parse()).await
}
