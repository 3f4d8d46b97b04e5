//! The two answers a server gives most, without the server-function machinery (a reactive
//! owner, a context, the server function's service and a body round trip per call):
//!
//! - the session check, `POST /api/auth/session`: what `session::api::get_session` does (the
//!   same `SessionService::read_token` with `Reading::Peek`), answered with the same JSON and
//!   cookies;
//! - the refusal of a protected call (every endpoint outside `/api/auth/`) that carries no
//!   session cookie, or one no session stands behind that this instance can tell at once (not
//!   our signature, or revoked): the same 401 as `guard::auth`, the dead cookie cleared.
//!
//! Both run in `http::edge`, before routing, so neither pays for the router or the layers below
//! it (compression, the body limit, the time limit). The contract does not change: the browser
//! still calls `get_session` as a server function, and the integration tests drive both paths
//! as before.

use app::{
    domain::lang::{self, Lang},
    error::ApiError,
    session::{
        LiveSession,
        server::{
            request::SignedInUser,
            service::{Reading, Resolved},
        },
    },
    state::AppState,
};
use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};

use super::errors::json_error;

/// `POST /api/auth/session`; `user` learns whose session it was (for the access line).
pub async fn session_check(state: &AppState, headers: &HeaderMap, user: &SignedInUser) -> Response {
    let Some(token) = state.sessions.cookie().read(headers) else {
        return json(&None::<LiveSession>, None);
    };
    match state.sessions.read_token(&token, Reading::Peek).await {
        Ok(Resolved::Valid {
            current,
            set_cookie,
        }) => {
            // The access line's user. Not recorded on the request's span: nothing else is logged
            // here, and the JSON formatter formats a span again for each field recorded on it.
            user.set(current.user().id);
            let live = current.live(state.sessions.config().idle_warning);
            json(&Some(live), set_cookie)
        }
        Ok(Resolved::Invalid) => json(&None::<LiveSession>, Some(state.sessions.cookie().clear())),
        // Rare (the database is away): said in the request's language only then, so the
        // check itself never reads the language.
        Err(err) => json_error(
            lang::sync_scope(lang::of_request(headers), || ApiError::again(err.error))
                .unwrap_or(err),
        ),
    }
}

/// The 401 for a protected call this instance can refuse without reading the database, or
/// `None` when the call must run (a token of ours that may be live, or merely expired).
pub fn refusal(state: &AppState, path: &str, headers: &HeaderMap) -> Option<Response> {
    if path.starts_with("/api/auth/") {
        return None;
    }
    let clear = match state.sessions.cookie().read(headers) {
        None => None,
        Some(token) if state.sessions.refuses_at_once(&token) => {
            Some(state.sessions.cookie().clear())
        }
        Some(_) => return None,
    };
    let mut refused = unauthenticated(lang::of_request(headers));
    if let Some(clear) = clear.and_then(|c| HeaderValue::from_str(&c).ok()) {
        refused.headers_mut().append(header::SET_COOKIE, clear);
    }
    Some(refused)
}

/// `json_error(ApiError::unauthenticated())`, its body written once per language: this answer
/// is the most frequent refusal there is.
fn unauthenticated(lang: Lang) -> Response {
    static BODIES: std::sync::LazyLock<[axum::body::Bytes; 2]> = std::sync::LazyLock::new(|| {
        Lang::ALL.map(|lang| {
            let error = lang::sync_scope(lang, ApiError::unauthenticated);
            serde_json::to_vec(&error).unwrap_or_default().into()
        })
    });
    let body = BODIES[lang.pick(0, 1)].clone();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json(body: &Option<LiveSession>, set_cookie: Option<String>) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(%err, "could not write the session as JSON");
            return json_error(ApiError::internal());
        }
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(cookie) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}
