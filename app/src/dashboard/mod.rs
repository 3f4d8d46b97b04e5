//! The data behind the two dashboards, each behind its role's guard.

pub mod api;
pub mod early;
pub mod model;
#[cfg(feature = "ssr")]
pub(crate) mod queries;

pub use model::{AdminSummary, AuditEntry, ClientSummary, SignInRecord};
