//! The session as both sides see it. Nothing here holds a secret.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Staff are `Admin`, the office's customers `Client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Client,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Client => "CLIENT",
        }
    }

    /// Parses the stored form (`ADMIN`/`CLIENT`) and the CLI's lower-case one.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "ADMIN" => Some(Self::Admin),
            "CLIENT" => Some(Self::Client),
            _ => None,
        }
    }

    /// The path of this role's dashboard.
    pub const fn home(self) -> &'static str {
        match self {
            Self::Admin => "/admin",
            Self::Client => "/client",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Admin => "Staff",
            Self::Client => "Client",
        }
    }
}

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
