//! The auth endpoints, as server functions with stable URLs under `/api/auth/`.
//! Scripts and tests call them as plain JSON-over-POST; the README documents the contract.
//! (The session events stream, `GET /api/auth/events`, is a plain route of the server's.)

use leptos::prelude::*;

use crate::{error::ApiError, session::LiveSession};

/// `POST /api/auth/sign_in` with `{"email": …, "password": …, "keep_signed_in": false}`: the
/// new session, and its cookie. `keep_signed_in` (optional, false when left out) makes the
/// cookie outlive the browser.
#[server(prefix = "/api/auth", endpoint = "sign_in", input = server_fn::codec::Json)]
pub async fn sign_in(
    email: String,
    password: String,
    keep_signed_in: Option<bool>,
) -> Result<LiveSession, ApiError> {
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
            keep_signed_in: keep_signed_in.unwrap_or(false),
        })
        .await?;
    guard::set_cookie(&started.set_cookie);
    if let Some(device) = &started.device_cookie {
        guard::set_cookie(device);
    }
    Ok(started.session.live(state.sessions.config().idle_warning))
}

/// `POST /api/auth/session`: the current session or `null` (a dead cookie is cleared). No body
/// needed. A background check: it never renews the token and never counts as activity.
#[server(prefix = "/api/auth", endpoint = "session")]
pub async fn get_session() -> Result<Option<LiveSession>, ApiError> {
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    let current = guard::peek_session().await?;
    Ok(current.map(|c| c.live(state.sessions.config().idle_warning)))
}

/// `POST /api/auth/activity`: the person did something. Moves the session's idle deadline to
/// a full idle timeout from now and renews the token; the session, or `null` when there is none
/// (its dead cookie cleared). The browser sends it at most about once a minute.
#[server(prefix = "/api/auth", endpoint = "activity")]
pub async fn record_activity() -> Result<Option<LiveSession>, ApiError> {
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    let current = guard::active_session().await?;
    Ok(current.map(|c| c.live(state.sessions.config().idle_warning)))
}

/// `POST /api/auth/reauth` with `{"password": …}`: step-up. The signed-in person proves who
/// they are again; for `REAUTH_WINDOW_SECS` from now the actions that ask for it
/// (`step_up::Sensitive`) go through. Answers the session and a renewed cookie; 400 on
/// `password` when it is wrong (limited per session, as every re-entry of the password).
#[server(prefix = "/api/auth", endpoint = "reauth", input = server_fn::codec::Json)]
pub async fn reauthenticate(password: String) -> Result<LiveSession, ApiError> {
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    let current = guard::auth().await?;
    let client = guard::request_client(&state)?;
    let (set_cookie, current) = state
        .sessions
        .reauthenticate(&current, &client, &password)
        .await?;
    guard::set_cookie(&set_cookie);
    Ok(current.live(state.sessions.config().idle_warning))
}

/// `POST /api/auth/sign_out`: ends the session and expires the cookie. Idempotent. The answer
/// also asks the browser to clear this site's storage (`Clear-Site-Data: "storage"`).
#[server(prefix = "/api/auth", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    // The cookie and the site's storage go whatever happens next: the browser must not keep a
    // dead session, nor what it stored for it. ("cache" is left out on purpose: Chromium stalls
    // on it, and the app's cached WASM should survive a sign-out.)
    guard::set_cookie(&state.sessions.cookie().clear());
    guard::set_header("clear-site-data", "\"storage\"");
    let token = guard::request_token(&state)?;
    let client = guard::request_client(&state)?;
    state.sessions.sign_out(&client, token.as_deref()).await
}
