//! The session layer: the shared model, the auth server functions, the callback check, the
//! cross-tab message format and, behind `csr`, the browser's `use_session()`; behind `ssr`,
//! the server side.

pub mod api;
#[cfg(feature = "csr")]
pub mod client;
pub mod model;
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tabs;

#[cfg(feature = "csr")]
pub use client::{SessionContext, SessionProvider, SignedOutReason, use_session};
pub use model::{Session, SessionStatus, SessionUser};
