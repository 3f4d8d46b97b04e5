//! SMMM Portal: the app both sides compile.
//!
//! - shared by browser and server: `error`, `input`, `session::model`, `dashboard::model`, and the
//!   server-function declarations (their bodies run on the server only);
//! - browser only (`csr`): `App`'s pages, the session client, and `signin_shell`, the light
//!   first-load sign-in page;
//! - server only (`ssr`): `state`, `db`, `respond` and `session::server`.

pub mod account;
pub mod app;
pub mod components;
pub mod dashboard;
pub mod error;
pub mod format;
pub mod input;
pub mod pages;
pub mod session;
#[cfg(feature = "csr")]
pub mod signin_shell;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod respond;
#[cfg(feature = "ssr")]
pub mod state;

pub use app::App;
