//! The auth endpoints, as server functions with stable URLs under `/api/auth/`.
//! Scripts and tests call them as plain JSON-over-POST; the README documents the contract.

use leptos::prelude::*;

use crate::{error::ApiError, session::Session};

/// `POST /api/auth/sign_in` with `{"email": …, "password": …}`: the new session, and its cookie.
#[server(prefix = "/api/auth", endpoint = "sign_in", input = server_fn::codec::Json)]
pub async fn sign_in(email: String, password: String) -> Result<Session, ApiError> {
    use crate::session::server::service::SignInRequest;
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    let token = guard::request_token(&state)?;
    let client = guard::request_client(&state)?;
    let device_cookies = guard::request_device_cookies(&state)?;
    let started = state
        .sessions
        .sign_in(SignInRequest {
            client: &client,
            current_token: token.as_deref(),
            device_cookies: &device_cookies,
            email: &email,
            password: &password,
        })
        .await?;
    guard::set_cookie(&started.set_cookie);
    if let Some(device) = &started.device_cookie {
        guard::set_cookie(device);
    }
    Ok(started.session)
}

/// `POST /api/auth/session`: the current session or `null` (a dead cookie is cleared).
/// No body needed.
#[server(prefix = "/api/auth", endpoint = "session")]
pub async fn get_session() -> Result<Option<Session>, ApiError> {
    let current = crate::session::server::guard::current_session().await?;
    Ok(current.map(|c| c.session))
}

/// `POST /api/auth/sign_out`: ends the session and expires the cookie. Idempotent.
#[server(prefix = "/api/auth", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    // The cookie goes whatever happens next: the browser must not keep a dead session.
    guard::set_cookie(&state.sessions.cookie().clear());
    let token = guard::request_token(&state)?;
    let client = guard::request_client(&state)?;
    state.sessions.sign_out(&client, token.as_deref()).await
}
