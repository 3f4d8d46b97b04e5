//! Integration tests: the real server over HTTP, a real cookie jar, a fresh database each.
//! `TEST_DATABASE=postgres` runs the same tests against PostgreSQL.

// A failed unwrap in a test is a failed test with its cause: exactly what a test should do.
#![expect(clippy::unwrap_used)]

mod accounts;
mod auth;
mod cli;
mod events;
mod fleet;
mod foundation;
mod helpers;
mod language;
mod lifecycle;
mod lifetime;
mod limits;
mod metrics;
mod outage;
mod passwords;
mod recovery;
mod required;
mod retention;
mod screens;
mod smtp_sink;
mod step_up;
mod tokens;
mod turkish;
mod two_step;
