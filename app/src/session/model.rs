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
    /// The one thing the person must do before anything else, when there is one: the server
    /// refuses every other call of this session (403 with the requirement's code), and the
    /// app shows only that step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Requirement>,
}

/// How the person proved who they are (RFC 8176's `amr` values): at sign-in, or at the last
/// step-up since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amr {
    /// The password.
    Pwd,
    /// The password, then a code from the authenticator app.
    Otp,
    /// The password, then a recovery code.
    Recovery,
}

impl Amr {
    /// As stored in `sessions.amr` (and as JSON).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pwd => "pwd",
            Self::Otp => "otp",
            Self::Recovery => "recovery",
        }
    }

    /// How the audit log says it ("signed in with a code"): a note people read, where
    /// `as_str` is the stored code.
    pub const fn audit_note(self) -> &'static str {
        match self {
            Self::Pwd => "with the password",
            Self::Otp => "with a code",
            Self::Recovery => "with a recovery code",
        }
    }

    /// Every method, the least proof first.
    pub const ALL: [Self; 3] = [Self::Pwd, Self::Otp, Self::Recovery];

    /// A stored value; none, or one this build does not know, counts as the least proof.
    pub fn from_stored(stored: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|amr| Some(amr.as_str()) == stored)
            .unwrap_or(Self::Pwd)
    }
}

/// A step a session is limited to until it is done. Done, it gives way to a full session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Choose a new password: the current one is shorter than today's minimum, or an admin
    /// generated it.
    PasswordChange,
    /// Set up two-step sign-in: the office requires it of this role (`MFA_REQUIRED_FOR`).
    TwoStepEnrolment,
}

impl Requirement {
    /// As stored in `sessions.required_action` (and as JSON).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PasswordChange => "password_change",
            Self::TwoStepEnrolment => "two_step_enrolment",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "password_change" => Some(Self::PasswordChange),
            "two_step_enrolment" => Some(Self::TwoStepEnrolment),
            _ => None,
        }
    }
}

/// A session as the auth endpoints answer it: the session, and its clock. Flattened into one
/// JSON object. The clock changes with every renewal; the client keeps it apart from the
/// session so that nothing that shows the user re-renders when only a deadline moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    #[serde(flatten)]
    pub session: Session,
    #[serde(flatten)]
    pub clock: SessionClock,
}

/// What `POST /api/auth/sign_in` answers: a session, or, for an account with two-step sign-in,
/// the news that a code is needed (and, in an HttpOnly cookie, the challenge to send it with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SignInAnswer {
    Session(LiveSession),
    CodeRequired(CodeRequired),
}

/// The password was right; the sign-in ends with a code (`POST /api/auth/verify_code`) before
/// `expires`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRequired {
    /// Always `true`: what tells this answer from a session.
    pub code_required: bool,
    /// When the challenge ends (RFC 3339, UTC).
    pub expires: String,
}

/// What `POST /api/auth/verify_code` answers: the session, and how many recovery codes are left
/// when one was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSignIn {
    #[serde(flatten)]
    pub live: LiveSession,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes_left: Option<u64>,
}

/// When a session ends unless the person acts, and what the browser should do before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClock {
    /// The idle deadline (RFC 3339, UTC): with no activity, the session ends then. Activity
    /// moves it; background checks never do.
    pub idle_expires: String,
    /// When the current token needs renewing (RFC 3339, UTC). A session whose token has
    /// expired is still live until its idle deadline: the next call the person causes renews it.
    pub token_expires: String,
    /// How long before `idle_expires` the browser warns (seconds).
    pub idle_warning_secs: u32,
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
