//! Integration tests: the real server over HTTP, a real cookie jar, a fresh database each.
//! `TEST_DATABASE=postgres` runs the same tests against PostgreSQL.

mod auth;
mod cli;
mod foundation;
mod helpers;
mod outage;
mod tokens;
