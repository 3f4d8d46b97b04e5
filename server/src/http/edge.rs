//! The one middleware every request passes first, and the only one the most frequent answers
//! pass at all: it names the request, refuses or answers the API's hot paths itself, adds the
//! security headers and writes the access line.
//!
//! One middleware, not one per concern: each `from_fn` layer costs a boxed future and a clone of
//! the whole stack below it on every request, and a refused call (401) or a session check is
//! cheap enough that those clones were most of its cost. What each part does lives in its own
//! module: `request_log` (ids, access line, metrics), `csrf`, `fast_path`, `security`.

use std::{sync::Arc, time::Instant};

use app::{session::server::request::SignedInUser, state::AppState};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

use super::{
    api, csrf, errors, fast_path,
    request_log::{self, Seen, TrustedProxy},
    security::SecurityHeaders,
};

/// What the edge checks against and adds.
pub struct Edge {
    pub proxy: TrustedProxy,
    pub security: SecurityHeaders,
    pub allowed: csrf::AllowedOrigin,
    /// The largest request body an API call may declare.
    pub limit: usize,
    pub state: AppState,
    pub endpoints: api::Endpoints,
}

pub async fn edge(State(edge): State<Arc<Edge>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (id, header) = request_log::name(edge.proxy, &mut request);
    let user = SignedInUser::default();
    let seen = Seen {
        id,
        header,
        method: request.method().clone(),
        uri: request.uri().clone(),
        user,
        started,
    };
    let api_call = seen.uri.path().starts_with("/api/");
    let answered = if !api_call {
        None
    } else if let Some(refused) = csrf::refusal(&edge.allowed, &request, &seen.id) {
        Some(refused)
    } else {
        edge.answer(request.headers(), &seen).await
    };
    let mut response = match answered {
        Some(response) => response,
        None => {
            // Where the session layer says whose request it was.
            request.extensions_mut().insert(seen.user.clone());
            next.run(request)
                .instrument(request_log::span(&seen.id))
                .await
        }
    };
    if api_call {
        // Never cached, whoever answered.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    edge.security.add_to(&mut response, api_call);
    request_log::finish(seen, &mut response);
    response
}

impl Edge {
    /// Before any other work on an API call (a cross-site one was refused already): refuses a
    /// body declared larger than the limit (413; the body limit further in still stops a
    /// streamed body that grows past it); then answers the hot paths (`fast_path`): the 401 of
    /// a protected call with no live session it can see at once, and the session check. `None`:
    /// the call runs.
    async fn answer(&self, headers: &HeaderMap, seen: &Seen) -> Option<Response> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > self.limit) {
            return Some(errors::payload_too_large(self.limit));
        }
        let route = self.endpoints.known(seen.uri.path(), &seen.method)?;
        let mut response = match fast_path::refusal(&self.state, route, headers) {
            Some(refused) => refused,
            // May read the database: its log lines carry the request's span.
            None if route == "/api/auth/session" => {
                fast_path::session_check(&self.state, headers, &seen.user)
                    .instrument(request_log::span(&seen.id))
                    .await
            }
            None => return None,
        };
        response.extensions_mut().insert(api::ApiRoute(route));
        Some(response)
    }
}
