//! `server`: runs the SMMM Portal, or one of its admin commands. See `server --help`.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not glibc's malloc: a request allocates and frees many small buffers on both
/// worker threads, and glibc's arena locks and consolidation showed in every profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run(server::cli::Cli::parse()).await
}
