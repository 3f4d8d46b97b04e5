//! The one way a server function learns who is calling: `auth()`, `require_role()` and
//! `caller()`. Nothing else reads the request's cookie or its client, and nothing else sets a
//! cookie on the response.

use http::{HeaderValue, header::SET_COOKIE, request::Parts};
use leptos::prelude::{use_context, with_context};
use leptos_axum::ResponseOptions;

use super::{
    request::{ClientInfo, SignedInUser},
    service::{CurrentSession, Reading, Resolved},
};
use crate::{
    domain::Role,
    error::ApiError,
    session::{Requirement, SessionUser, step_up::Sensitive},
    state::AppState,
};

/// A signed-in caller: their session, and the client they call from (for the audit log).
#[derive(Debug, Clone)]
pub struct Caller {
    pub session: CurrentSession,
    pub client: ClientInfo,
}

impl Caller {
    pub fn user(&self) -> &SessionUser {
        self.session.user()
    }

    /// The caller's session id.
    pub fn sid(&self) -> &str {
        &self.session.sid
    }

    /// The caller as the one behind a change to another account.
    pub fn actor(&self) -> crate::db::users::Actor<'_> {
        crate::db::users::Actor {
            user_id: self.user().id,
            sid: self.sid(),
        }
    }
}

/// Reads the request leptos_axum put in context, borrowed: this runs on every protected call.
fn with_request<R>(read: impl FnOnce(&Parts) -> R) -> Result<R, ApiError> {
    with_context::<Parts, _>(read).ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        ApiError::internal()
    })
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        options.append_header(SET_COOKIE, value);
    }
}

/// Adds a header to the response.
pub fn set_header(name: &'static str, value: &'static str) {
    if let Some(options) = use_context::<ResponseOptions>() {
        options.insert_header(
            http::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}

/// The session token the request carries.
pub fn request_token(state: &AppState) -> Result<Option<String>, ApiError> {
    with_request(|parts| state.sessions.cookie().read(&parts.headers))
}

/// The two-step sign-in challenge the request carries, if any.
pub fn request_challenge(state: &AppState) -> Result<Option<String>, ApiError> {
    with_request(|parts| state.sessions.challenge_cookie().read(&parts.headers))
}

/// The device cookies the request carries (see `device`).
pub fn request_device_cookies(state: &AppState) -> Result<Vec<String>, ApiError> {
    with_request(|parts| state.sessions.device_cookie().read(&parts.headers))
}

/// The client the request comes from.
pub fn request_client(state: &AppState) -> Result<ClientInfo, ApiError> {
    with_request(|parts| ClientInfo::from_parts(parts, state.sessions.config().trusted_proxy_hops))
}

/// The caller's live session, or `None` (its dead cookie cleared). A call the person caused:
/// renews an expired token.
pub async fn current_session() -> Result<Option<CurrentSession>, ApiError> {
    read_session(Reading::Renew).await
}

/// As `current_session`, for a background check: renews nothing, moves nothing.
pub async fn peek_session() -> Result<Option<CurrentSession>, ApiError> {
    read_session(Reading::Peek).await
}

/// As `current_session`, for the person's activity signal: moves the session's last activity
/// and renews the token.
pub async fn active_session() -> Result<Option<CurrentSession>, ApiError> {
    read_session(Reading::Activity).await
}

async fn read_session(reading: Reading) -> Result<Option<CurrentSession>, ApiError> {
    let state = AppState::current()?;
    let Some(token) = request_token(&state)? else {
        return Ok(None);
    };
    match state.sessions.read_token(&token, reading).await? {
        Resolved::Valid {
            current,
            set_cookie: renewed,
        } => {
            if let Some(renewed) = renewed {
                set_cookie(&renewed);
            }
            // For the request's log lines (the server's `request` span) and its access line.
            let user_id = current.user().id;
            tracing::Span::current().record("user_id", user_id);
            with_request(|parts| {
                if let Some(user) = parts.extensions.get::<SignedInUser>() {
                    user.set(user_id);
                }
            })?;
            Ok(Some(current))
        }
        Resolved::Invalid => {
            set_cookie(&state.sessions.cookie().clear());
            Ok(None)
        }
    }
}

/// The caller's full session: 401 when signed out, 403 (the requirement's code) for a session
/// limited to a step not yet done (see `Requirement`).
pub async fn auth() -> Result<CurrentSession, ApiError> {
    auth_allowing(None).await
}

/// The caller's session, full or limited to `step`: what the calls that do that step use.
pub async fn auth_allowing(step: Option<Requirement>) -> Result<CurrentSession, ApiError> {
    let current = current_session()
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    match current.required() {
        Some(required) if Some(required) != step => Err(ApiError::required_first(required)),
        _ => Ok(current),
    }
}

/// The caller's session if it has `role`: 401 when signed out, 403 for another role.
pub async fn require_role(role: Role) -> Result<CurrentSession, ApiError> {
    let current = auth().await?;
    if current.user().role == role {
        Ok(current)
    } else {
        Err(ApiError::forbidden())
    }
}

/// The signed-in caller (of `role`, when given) and their client: 401/403 as above.
pub async fn caller(state: &AppState, role: Option<Role>) -> Result<Caller, ApiError> {
    let session = match role {
        Some(role) => require_role(role).await?,
        None => auth().await?,
    };
    Ok(Caller {
        session,
        client: request_client(state)?,
    })
}

/// The signed-in caller, their session full or limited to `step`, and their client.
pub async fn caller_for_step(state: &AppState, step: Requirement) -> Result<Caller, ApiError> {
    let session = auth_allowing(Some(step)).await?;
    Ok(Caller {
        session,
        client: request_client(state)?,
    })
}

/// Refuses `action` (`403 reauth_required`) when the caller's last proof of who they are (the
/// sign-in, or a step-up since) is older than `REAUTH_WINDOW_SECS`.
pub fn require_fresh(state: &AppState, caller: &Caller, action: Sensitive) -> Result<(), ApiError> {
    let window = super::service::to_chrono(state.sessions.config().reauth_window);
    if chrono::Utc::now() - caller.session.verified_at <= window {
        Ok(())
    } else {
        tracing::debug!(?action, "a fresh proof is needed");
        Err(ApiError::reauth_required())
    }
}
