//! SMMM Portal: the app both sides compile.
//!
//! - shared by browser and server: `error`, `domain`, `format`, the models (`session::model`,
//!   `account::model`, `dashboard::model`), the callback check (`session::redirect`), the
//!   cross-tab message format (`session::tabs`) and the server-function declarations (their
//!   bodies run on the server only);
//! - browser only (`csr`): `App`, its `pages` and `components`, the session client
//!   (`session::client`), the cross-tab channel, and `pages::signin::light`, the light
//!   first-load sign-in page;
//! - server only (`ssr`): `state`, `db`, `respond` and `session::server`.

pub mod account;
#[cfg(feature = "csr")]
pub mod app;
#[cfg(feature = "csr")]
pub mod components;
pub mod dashboard;
pub mod domain;
pub mod error;
pub mod format;
#[cfg(feature = "csr")]
pub mod pages;
pub mod session;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod respond;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "csr")]
pub use app::App;
