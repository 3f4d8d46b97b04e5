//! The account rules, server side. The server functions in `api` (a person's own account) and
//! `admin_api` (staff) are thin: they check who is calling, call `own` or `staff`, and apply
//! what comes back (a cookie, say). Services never reach into the request themselves.

pub mod own;
pub mod recovery;
pub mod staff;

use chrono::Utc;

use super::model::{DeviceSession, Profile, UserRow};
use crate::{
    db::{self, entities::users, rfc3339},
    domain::{AuditKind, say},
    error::ApiError,
    format::describe_user_agent,
    session::server::{guard::Caller, service::to_chrono, store},
    state::AppState,
};

/// How many rows a list page holds.
pub const PER_PAGE: u64 = 20;
/// No list is longer than this many pages; a larger number is a mistake, answered 400.
const MAX_PAGE: u64 = 1_000_000;

fn check_page(page: u64) -> Result<u64, ApiError> {
    if page > MAX_PAGE {
        return Err(ApiError::invalid(
            "page",
            say(
                "Bu sayfa numarası çok büyük.",
                "That page number is too large.",
            ),
        ));
    }
    Ok(page.max(1))
}

/// A new password for `user`, under the policy of every password (12 to 128 characters, not
/// the email, hard to guess with their name and email known); an error names `new_password`.
pub fn new_password_for(
    user: &users::Model,
    typed: &str,
) -> Result<crate::domain::Password, ApiError> {
    use crate::domain::{Email, Password, strength};
    let email = Email::parse(&user.email)?;
    let owner = strength::Owner {
        name: Some(&user.name),
        email: Some(email.as_ref()),
    };
    Password::parse_new(typed, Some(&email))
        .and_then(|new| strength::check(&new, owner).map(|()| new))
        .map_err(|e| ApiError {
            field: Some("new_password".into()),
            ..e
        })
}

/// The user with `id`, or 404.
pub async fn load_user(state: &AppState, id: i64) -> Result<users::Model, ApiError> {
    db::users::find_by_id(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

impl TryFrom<&users::Model> for Profile {
    type Error = ApiError;

    fn try_from(user: &users::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role()?,
            created_at: rfc3339(user.created_at),
            password_changed_at: rfc3339(user.password_changed_at),
            language: db::users::language_of(user),
        })
    }
}

impl TryFrom<&users::Model> for UserRow {
    type Error = ApiError;

    fn try_from(user: &users::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role()?,
            active: user.active,
            created_at: rfc3339(user.created_at),
            version: user.version,
            invited: user.invited_at.is_some(),
            last_sign_in_at: user.last_sign_in_at.map(rfc3339),
            invitation_expires_at: None,
            pending_email: None,
        })
    }
}

/// Records what `caller` did to `user_id`'s account.
async fn record(
    state: &AppState,
    caller: &Caller,
    kind: AuditKind,
    user_id: i64,
    detail: Option<&str>,
) {
    let event = caller.client.event(Some(user_id), None, detail);
    state.sessions.audit(kind, event).await;
}

/// A user's live sessions, `current_sid` marked.
pub async fn device_sessions(
    state: &AppState,
    user_id: i64,
    current_sid: &str,
) -> Result<Vec<DeviceSession>, ApiError> {
    let idle = to_chrono(state.sessions.config().idle_timeout);
    let rows = store::list_active(&state.db, user_id, Utc::now(), idle).await?;
    let mut sessions: Vec<DeviceSession> = rows
        .into_iter()
        .map(|row| DeviceSession {
            current: row.id == current_sid,
            device: describe_user_agent(
                row.user_agent.as_deref().unwrap_or_default(),
                crate::domain::Lang::current(),
            ),
            client_addr: row.client_addr,
            signed_in_at: rfc3339(row.created_at),
            last_active_at: rfc3339(row.last_seen_at),
            id: row.id,
        })
        .collect();
    // This device first, the others newest first as listed.
    sessions.sort_by_key(|s| !s.current);
    Ok(sessions)
}

/// Ends one session of `user_id`. Someone else's session answers 404, as if it did not exist.
pub async fn end_session(
    state: &AppState,
    user_id: i64,
    session_id: &str,
    reason: &str,
) -> Result<(), ApiError> {
    match store::find(&state.db, session_id).await? {
        Some(row) if row.user_id == user_id => state.sessions.revoke(&row.id, reason).await,
        _ => Err(ApiError::not_found()),
    }
}
