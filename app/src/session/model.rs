//! The session as both sides see it. Nothing here holds a secret.

use serde::{Deserialize, Serialize};

use crate::domain::Role;

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// A live session: who, and until when at the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user: SessionUser,
    /// The absolute end of this session (RFC 3339, UTC); it may end earlier (idle timeout,
    /// sign-out, revocation).
    pub expires: String,
}

/// The session state the client renders from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStatus {
    /// Not known yet: render a neutral skeleton, nothing protected, no sign-in form.
    Loading,
    Authenticated(Session),
    Unauthenticated,
}

impl SessionStatus {
    pub fn session(&self) -> Option<&Session> {
        match self {
            Self::Authenticated(session) => Some(session),
            _ => None,
        }
    }
}
