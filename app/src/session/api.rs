//! The auth endpoints, as server functions with stable URLs under `/api/auth/`.
//! Scripts and tests call them as plain JSON-over-POST; the README documents the contract.
//! (The session events stream, `GET /api/auth/events`, is a plain route of the server's.)

use leptos::prelude::*;

use crate::{
    error::ApiError,
    session::{CodeSignIn, LiveSession, SignInAnswer},
};

/// `POST /api/auth/sign_in` with `{"email": …, "password": …, "keep_signed_in": false}`: the
/// new session, and its cookie. `keep_signed_in` (optional, false when left out) makes the
/// cookie outlive the browser. For an account with two-step sign-in: `{"code_required": true,
/// "expires": …}` and the challenge's HttpOnly cookie, for `verify_code`.
#[server(prefix = "/api/auth", endpoint = "sign_in", input = server_fn::codec::Json)]
pub async fn sign_in(
    email: String,
    password: String,
    keep_signed_in: Option<bool>,
) -> Result<SignInAnswer, ApiError> {
    use crate::session::{
        CodeRequired,
        server::service::{SignInRequest, SignedIn},
    };
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
    let started = match started {
        SignedIn::Session(started) => started,
        SignedIn::CodeRequired(challenge) => {
            guard::set_cookie(&challenge.set_cookie);
            return Ok(SignInAnswer::CodeRequired(CodeRequired {
                code_required: true,
                expires: crate::db::rfc3339(challenge.expires),
            }));
        }
    };
    guard::set_cookie(&started.set_cookie);
    if let Some(device) = &started.device_cookie {
        guard::set_cookie(device);
    }
    Ok(SignInAnswer::Session(
        started.session.live(state.sessions.config().idle_warning),
    ))
}

/// `POST /api/auth/verify_code` with `{"code": …}` and the challenge cookie `sign_in` set: the
/// second step. Six digits from the authenticator app, or a recovery code (spaces and dashes
/// are ignored). The session and its cookie, as `sign_in` answers them, and
/// `recovery_codes_left` when a recovery code was used. A wrong or reused code: 401
/// `invalid_code`; the challenge gone (5 minutes, 5 wrong codes, used, or the account changed):
/// 401 `sign_in_expired`; 10 wrong codes an hour for the account: 429.
#[server(prefix = "/api/auth", endpoint = "verify_code", input = server_fn::codec::Json)]
pub async fn verify_code(code: String) -> Result<CodeSignIn, ApiError> {
    use crate::session::server::service::CodeRequest;
    use crate::{session::server::guard, state::AppState};
    let state = AppState::current()?;
    let challenge = guard::request_challenge(&state)?;
    let client = guard::request_client(&state)?;
    let signed_in = state
        .sessions
        .verify_code(CodeRequest {
            client: &client,
            challenge: challenge.as_deref(),
            code: &code,
        })
        .await;
    let signed_in = match signed_in {
        Ok(signed_in) => signed_in,
        Err(err) => {
            // A challenge that is over goes from the browser too.
            if err.error == crate::error::ErrorCode::SignInExpired {
                guard::set_cookie(&state.sessions.challenge_cookie().clear());
            }
            return Err(err);
        }
    };
    let started = signed_in.started;
    guard::set_cookie(&state.sessions.challenge_cookie().clear());
    guard::set_cookie(&started.set_cookie);
    if let Some(device) = &started.device_cookie {
        guard::set_cookie(device);
    }
    Ok(CodeSignIn {
        live: started.session.live(state.sessions.config().idle_warning),
        recovery_codes_left: signed_in.recovery_codes_left,
    })
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

/// `POST /api/auth/reauth` with `{"password": …}` or, with two-step sign-in on, `{"code": …}`:
/// step-up. The signed-in person proves who they are again; for `REAUTH_WINDOW_SECS` from now
/// the actions that ask for it (`step_up::Sensitive`) go through. Answers the session and a
/// renewed cookie; 400 on `password` when it is wrong (limited per session, as every re-entry of
/// the password), 401 `invalid_code` for a wrong code.
#[server(prefix = "/api/auth", endpoint = "reauth", input = server_fn::codec::Json)]
pub async fn reauthenticate(
    password: Option<String>,
    code: Option<String>,
) -> Result<LiveSession, ApiError> {
    use crate::{
        session::server::{guard, service::Proof},
        state::AppState,
    };
    let state = AppState::current()?;
    // Also from a session limited to setting up two-step sign-in: its setup asks for a fresh
    // proof, and a session older than the window must be able to give one.
    let step = crate::session::Requirement::TwoStepEnrolment;
    let current = guard::auth_allowing(Some(step)).await?;
    let client = guard::request_client(&state)?;
    let proof = match (password.as_deref(), code.as_deref()) {
        (_, Some(code)) if !code.trim().is_empty() => Proof::Code(code),
        (Some(password), _) => Proof::Password(password),
        _ => {
            return Err(ApiError::invalid(
                "password",
                crate::domain::say("Lütfen şifrenizi girin.", "Enter your password."),
            ));
        }
    };
    let (set_cookie, current) = state
        .sessions
        .reauthenticate(&current, &client, proof)
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
