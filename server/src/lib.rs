//! The SMMM Portal server: configuration, start-up, the HTTP layer and the admin CLI.
//! `main.rs` only parses the command line and calls `cli::run`.

pub mod access_line;
pub mod cli;
pub mod config;
pub mod http;
pub mod metrics;
pub mod seed;
pub mod startup;

pub use config::Config;
pub use startup::Application;
