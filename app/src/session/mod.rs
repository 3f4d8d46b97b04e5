//! The session layer: the shared model, the auth server functions, the browser's
//! `use_session()` and, behind `ssr`, the server side.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;

pub use model::{Role, Session, SessionStatus, SessionUser};
