//! Accounts and sessions a person can manage: their profile, password and devices, and for
//! staff, every user, their sessions and the audit log.

pub mod addresses;
pub mod admin_api;
pub mod api;
pub mod model;
pub mod recovery_api;
#[cfg(feature = "ssr")]
mod service;

pub use model::*;
