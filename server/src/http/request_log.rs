//! Every request gets an id and one access log line.
//!
//! The id is the trusted proxy's `X-Request-Id` when there is a trusted proxy in front
//! (`TRUSTED_PROXY_HOPS` ≥ 1) and it sent a sane one, or a new random one; it is returned in the
//! response's `X-Request-Id` and carried by every log line written while the request runs (the
//! `request` span). The access line (info): request id, method, matched route, path, status,
//! latency, and the user id when the session layer read a live session. Never a cookie, a
//! token, a query string or a body.

use std::time::Instant;

use app::session::server::request::SignedInUser;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether a proxy this server trusts stands in front (and so may name the request).
#[derive(Clone, Copy)]
pub struct TrustedProxy(pub bool);

pub async fn access_log(
    State(TrustedProxy(trusted)): State<TrustedProxy>,
    mut request: Request,
    next: Next,
) -> Response {
    let given = trusted
        .then(|| request.headers().get(&REQUEST_ID))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_sane(id))
        .map(str::to_owned);
    let id = given.unwrap_or_else(new_id);
    let header = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    request
        .headers_mut()
        .insert(REQUEST_ID.clone(), header.clone());

    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(static)".to_owned(), |path| path.as_str().to_owned());
    let path = request.uri().path().to_owned();
    let user = SignedInUser::default();
    request.extensions_mut().insert(user.clone());
    let span = tracing::info_span!("request", request_id = %id, user_id = tracing::field::Empty);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span).await;
    let api_route = response
        .extensions()
        .get::<super::api::ApiRoute>()
        .map(|r| r.0);
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    count(
        &method,
        &route,
        api_route,
        response.status(),
        started.elapsed(),
    );
    // Outside the request's span, with its id and user as fields of its own: attaching the span
    // makes the JSON formatter read the span's fields back, a fifth of the session check's
    // throughput.
    tracing::info!(
        target: "access",
        request_id = %id,
        // Left out of the line when no live session was read.
        user_id = user.get(),
        method = %method,
        route,
        path,
        status,
        latency_ms,
        "request"
    );
    response.headers_mut().insert(REQUEST_ID.clone(), header);
    response
}

/// The request in the metrics. Labels stay few whatever is asked: the method from a short
/// list, the route as the router matched it, and an API call by its name only when it exists.
fn count(
    method: &axum::http::Method,
    route: &str,
    api_route: Option<&'static str>,
    status: axum::http::StatusCode,
    took: std::time::Duration,
) {
    use axum::http::Method;
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
    let route = match (route, api_route) {
        (_, Some(known)) => known.to_owned(),
        ("/api/{*fn_name}", None) => "/api/(other)".to_owned(),
        (other, None) => other.to_owned(),
    };
    metrics::histogram!(
        "http_request_duration_seconds",
        "method" => method,
        "route" => route.clone()
    )
    .record(took);
    metrics::counter!(
        "http_requests_total",
        "method" => method,
        "route" => route,
        "status" => status.as_u16().to_string()
    )
    .increment(1);
}

/// At most 128 characters of letters, digits and `-_.:`: nothing a log line could be fooled by.
fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn new_id() -> String {
    use rand::Rng;
    format!("{:032x}", rand::rng().random::<u128>())
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
        assert_eq!(new_id().len(), 32);
    }
}
