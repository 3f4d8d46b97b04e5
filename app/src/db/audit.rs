//! The audit log: every sign-in success and failure, sign-out and revocation.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use super::entities::auth_events;

/// What happened. Stored as the snake_case string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    SignIn,
    SignInFailed,
    SignInLocked,
    SignOut,
    SessionRevoked,
    SessionExpired,
    PasswordChanged,
    ProfileUpdated,
    UserCreated,
    UserDeactivated,
    UserReactivated,
    RoleChanged,
}

impl EventKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignInLocked => "sign_in_locked",
            Self::SignOut => "sign_out",
            Self::SessionRevoked => "session_revoked",
            Self::SessionExpired => "session_expired",
            Self::PasswordChanged => "password_changed",
            Self::ProfileUpdated => "profile_updated",
            Self::UserCreated => "user_created",
            Self::UserDeactivated => "user_deactivated",
            Self::UserReactivated => "user_reactivated",
            Self::RoleChanged => "role_changed",
        }
    }
}

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub user_id: Option<i64>,
    pub attempted_email: Option<&'a str>,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub detail: Option<&'a str>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    kind: EventKind,
    event: Event<'_>,
) -> Result<(), DbErr> {
    auth_events::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        user_id: Set(event.user_id),
        attempted_email: Set(event.attempted_email.map(|s| truncate(s, 254))),
        client_addr: Set(event.client_addr.map(|s| truncate(s, 64))),
        user_agent: Set(event.user_agent.map(|s| truncate(s, 512))),
        created_at: Set(Utc::now()),
        detail: Set(event.detail.map(|s| truncate(s, 512))),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Records `event`, logging a failure instead of returning it: the audit log must never make
/// the action it records fail.
pub async fn record_best_effort(db: &impl ConnectionTrait, kind: EventKind, event: Event<'_>) {
    if let Err(err) = record(db, kind, event).await {
        tracing::warn!(%err, kind = kind.as_str(), "could not write an audit event");
    }
}

/// Cuts a free-text value (a user agent, say) to its column's width on a character boundary.
pub fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}
