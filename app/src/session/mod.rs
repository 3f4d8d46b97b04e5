//! The session layer: the shared model, the auth server functions, the callback check, the
//! cross-tab message format and, behind `csr`, the browser's `use_session()`; behind `ssr`,
//! the server side.

#[cfg(feature = "csr")]
pub mod activity;
pub mod api;
#[cfg(feature = "csr")]
pub mod client;
#[cfg(feature = "csr")]
mod events;
#[cfg(feature = "csr")]
pub mod locks;
pub mod model;
#[cfg(feature = "csr")]
pub mod recovery_notice;
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod server;
pub mod step_up;
pub mod tabs;

#[cfg(feature = "csr")]
pub use client::{
    Deadlines, SessionContext, SessionProvider, SignInStep, SignedOutReason, use_session,
};
pub use model::{
    Amr, CodeRequired, CodeSignIn, LiveSession, Requirement, Session, SessionClock, SessionStatus,
    SessionUser, SignInAnswer,
};
