//! The auth endpoints, as server functions with stable URLs under `/api/auth/`.
//! Scripts and tests call them as plain JSON-over-POST; the README documents the contract.

use leptos::prelude::*;

use crate::{error::ApiError, session::Session};

/// `POST /api/auth/sign_in` with `{"email": …, "password": …}`: the new session, and its cookie.
#[server(prefix = "/api/auth", endpoint = "sign_in", input = server_fn::codec::Json)]
pub async fn sign_in(email: String, password: String) -> Result<Session, ApiError> {
    use crate::{session::server::guard, state::AppState};
    crate::respond::finish(
        async {
            let state = AppState::current()?;
            let parts = guard::request_parts()?;
            let token = guard::request_token(&state, &parts);
            let client = guard::client_info(&state, &parts);
            let (session, cookie) = state
                .sessions
                .sign_in(&client, token.as_deref(), &email, &password)
                .await?;
            guard::set_cookie(&cookie);
            Ok(session)
        }
        .await,
    )
}

/// `POST /api/auth/session`: the current session or `null` (a dead cookie is cleared).
/// No body needed.
#[server(prefix = "/api/auth", endpoint = "session")]
pub async fn get_session() -> Result<Option<Session>, ApiError> {
    crate::respond::finish(
        crate::session::server::guard::current_session()
            .await
            .map(|current| current.map(|c| c.session)),
    )
}

/// `POST /api/auth/sign_out`: ends the session and expires the cookie. Idempotent.
#[server(prefix = "/api/auth", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::{session::server::guard, state::AppState};
    crate::respond::finish(
        async {
            let state = AppState::current()?;
            let parts = guard::request_parts()?;
            // The cookie goes whatever happens next: the browser must not keep a dead session.
            guard::set_cookie(&state.sessions.cookie().clear());
            let token = guard::request_token(&state, &parts);
            let client = guard::client_info(&state, &parts);
            state.sessions.sign_out(&client, token.as_deref()).await
        }
        .await,
    )
}
