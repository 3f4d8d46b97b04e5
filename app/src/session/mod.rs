//! The session layer: the shared model, the auth server functions, the browser's
//! `use_session()` with cross-tab sync and, behind `ssr`, the server side.

pub mod api;
pub mod client;
pub mod model;
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tabs;

pub use client::{SessionContext, SessionProvider, SignedOutReason, use_session};
pub use model::{Role, Session, SessionStatus, SessionUser};
