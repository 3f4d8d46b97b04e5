//! Every request gets an id and one access log line.
//!
//! The id is the trusted proxy's `X-Request-Id` when there is a trusted proxy in front
//! (`TRUSTED_PROXY_HOPS` ≥ 1) and it sent a sane one, or a new random one; it is returned in the
//! response's `X-Request-Id` and carried by every log line written while the request runs (the
//! `request` span). It is kept only as that header value: a refused call, the most frequent
//! answer, would otherwise pay for a string and a copy it never needs. The access line (info):
//! request id, method, route (see `route`), path, status, latency, and the user id when the
//! session layer read a live session. Never a cookie, a token, a query string or a body.

use std::{cell::RefCell, collections::HashMap, time::Instant};

use app::session::server::request::SignedInUser;
use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, Method, Uri},
    response::Response,
};
use metrics::{Counter, Histogram};

use super::{events, health};

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether a proxy this server trusts stands in front (and so may name the request).
#[derive(Clone, Copy)]
pub struct TrustedProxy(pub bool);

/// Names the request: the trusted proxy's id when it sent a sane one, else a new one.
pub fn name(TrustedProxy(trusted): TrustedProxy, request: &Request) -> RequestId {
    let given = trusted
        .then(|| request.headers().get(&REQUEST_ID))
        .flatten()
        .filter(|value| value.to_str().is_ok_and(is_sane));
    RequestId(given.cloned().unwrap_or_else(new_id))
}

/// A request's id: sane ASCII (see `is_sane`), so always readable as text.
pub struct RequestId(HeaderValue);

impl RequestId {
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or("-")
    }
}

/// The span the request's own log lines carry (`request_id`, and `user_id` once known).
pub fn span(id: &RequestId) -> tracing::Span {
    tracing::info_span!(
        "request",
        request_id = id.as_str(),
        user_id = tracing::field::Empty
    )
}

/// Whether a path is the API's (`/api/…`): never cached, the API's security headers, counted by
/// its route.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// What the access line says of a request, gathered before it runs.
pub struct Seen {
    pub id: RequestId,
    pub method: Method,
    pub uri: Uri,
    pub user: SignedInUser,
    pub started: Instant,
}

/// The request in the metrics and its access line, and its id on the response. `api_route`: the
/// registered API call the edge answered itself, else whatever the router's answer says.
pub fn finish(seen: Seen, api_route: Option<&'static str>, response: &mut Response) {
    let api_route = api_route.or_else(|| {
        response
            .extensions()
            .get::<super::api::ApiRoute>()
            .map(|r| r.0)
    });
    let route = route(seen.uri.path(), api_route);
    let took = seen.started.elapsed();
    let status = response.status().as_u16();
    count(&seen.method, route, status, took);
    // Outside the request's span, with its id and user as fields of its own: attaching the span
    // makes the JSON formatter read the span's fields back, a fifth of the session check's
    // throughput.
    tracing::info!(
        target: crate::access_line::TARGET,
        request_id = seen.id.as_str(),
        // Left out of the line when no live session was read.
        user_id = seen.user.get(),
        method = %seen.method,
        route,
        path = seen.uri.path(),
        status,
        latency_ms = took.as_secs_f64() * 1000.0,
        "request"
    );
    response.headers_mut().insert(REQUEST_ID.clone(), seen.id.0);
}

/// The request metrics' handles by label set, each registered once per worker thread: building a
/// metric's key on every request (its labels, their hash, the registry's lookup) cost more than
/// recording into it, and one map shared by the threads would bounce its lock between them.
/// The label sets are few (see `route`), so this stays small.
type Handles = HashMap<(&'static str, &'static str, u16), (Counter, Histogram)>;
thread_local! {
    static HANDLES: RefCell<Handles> = RefCell::new(HashMap::new());
}

/// The route a request is counted and logged under, one of a few whatever is asked: a
/// registered API call by its path (set on the response by whoever answered it), any other
/// `/api/…` path as one, the probes and the events stream by their path, and everything else
/// (the app's pages and files) as `(static)`.
fn route(path: &str, api_route: Option<&'static str>) -> &'static str {
    match (api_route, path) {
        (Some(known), _) => known,
        (None, events::PATH) => events::PATH,
        (None, health::LIVEZ) => health::LIVEZ,
        (None, health::READYZ) => health::READYZ,
        (None, health::HEALTHZ) => health::HEALTHZ,
        (None, path) if is_api(path) => "/api/(other)",
        (None, _) => "(static)",
    }
}

/// The request in the metrics, when this process records them: the method from a short list,
/// the route from `route`.
fn count(method: &Method, route: &'static str, status: u16, took: std::time::Duration) {
    if !crate::metrics::installed() {
        return;
    }
    let method = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    };
    HANDLES.with_borrow_mut(|handles| {
        let (counter, histogram) = handles.entry((method, route, status)).or_insert_with(|| {
            (
                metrics::counter!(
                    "http_requests_total",
                    "method" => method,
                    "route" => route,
                    "status" => status.to_string()
                ),
                metrics::histogram!(
                    "http_request_duration_seconds",
                    "method" => method,
                    "route" => route
                ),
            )
        });
        histogram.record(took);
        counter.increment(1);
    });
}

/// At most 128 characters of letters, digits and `-_.:`: nothing a log line could be fooled by.
fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// 32 random hex digits.
fn new_id() -> HeaderValue {
    use rand::Rng;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bits = rand::rng().random::<u128>();
    let mut id = [0_u8; 32];
    for digit in &mut id {
        *digit = HEX[(bits & 0xf) as usize];
        bits >>= 4;
    }
    HeaderValue::from_bytes(&id).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_ids_are_taken() {
        assert!(is_sane("3f2a-9c:req.1_x"));
        for bad in ["", "a b", "id\nforged log line", "é", &"x".repeat(129)] {
            assert!(!is_sane(bad), "{bad:?}");
        }
        let id = new_id();
        assert_eq!(id.len(), 32);
        assert!(id.to_str().is_ok_and(is_sane));
    }
}
