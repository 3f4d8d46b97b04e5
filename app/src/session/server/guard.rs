//! The one way a server function learns who is calling: `auth()`, and `require_role()` for a
//! role. Neither reads cookies anywhere but here.

use http::{HeaderValue, header::SET_COOKIE, request::Parts};
use leptos::prelude::{use_context, with_context};
use leptos_axum::ResponseOptions;

use super::{
    request::ClientInfo,
    service::{CurrentSession, Resolved},
};
use crate::{error::ApiError, session::Role, state::AppState};

/// The request's headers and connection info, as leptos_axum provides them.
pub fn request_parts() -> Result<Parts, ApiError> {
    use_context::<Parts>().ok_or_else(|| {
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

/// The session token the request carries.
pub fn request_token(state: &AppState, parts: &Parts) -> Option<String> {
    state.sessions.cookie().read(&parts.headers)
}

pub fn client_info(state: &AppState, parts: &Parts) -> ClientInfo {
    ClientInfo::from_parts(parts, state.sessions.config().trust_forwarded_for)
}

/// The caller's live session, or `None` (its dead cookie cleared). Renews an expired token.
pub async fn current_session() -> Result<Option<CurrentSession>, ApiError> {
    let state = AppState::current()?;
    // Borrowed, not cloned: this runs on every protected request.
    let token = with_context::<Parts, _>(|parts| state.sessions.cookie().read(&parts.headers))
        .ok_or_else(|| {
            tracing::error!("request parts missing from the server function context");
            ApiError::internal()
        })?;
    let Some(token) = token else {
        return Ok(None);
    };
    match state.sessions.resolve(&token).await? {
        Resolved::Valid {
            current,
            set_cookie: renewed,
        } => {
            if let Some(renewed) = renewed {
                set_cookie(&renewed);
            }
            Ok(Some(current))
        }
        Resolved::Invalid => {
            set_cookie(&state.sessions.cookie().clear());
            Ok(None)
        }
    }
}

/// The caller's session, or 401.
pub async fn auth() -> Result<CurrentSession, ApiError> {
    current_session()
        .await?
        .ok_or_else(ApiError::unauthenticated)
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
