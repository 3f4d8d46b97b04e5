//! The server side of the session layer (the `ssr` feature only).

pub mod config;
pub mod cookie;
pub mod denylist;
pub mod device;
pub mod guard;
pub mod mfa;
pub mod password;
pub mod request;
pub mod revocation;
pub mod service;
pub mod sign_in_limits;
pub mod store;
pub mod token;

pub use config::AuthConfig;
pub use guard::{auth, require_role};
pub use service::{CurrentSession, SessionService};
