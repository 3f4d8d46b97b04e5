//! Cross-site request refusal: every state-changing request must come from this site.
//!
//! SameSite=Lax already keeps the cookie off cross-site POSTs; this check refuses them outright,
//! before any work, so a new browser quirk or a sibling subdomain cannot ride on a session.

use app::error::{ApiError, ErrorCode};
use axum::{
    extract::Request,
    http::{HeaderMap, Method, header},
    response::Response,
};

use super::errors::json_error;

/// The origins a request may come from.
#[derive(Debug, Clone)]
pub struct AllowedOrigin {
    /// `PUBLIC_URL`'s origin.
    pub public_origin: String,
}

impl AllowedOrigin {
    /// Allowed: no `Origin` (scripts, curl) unless `Sec-Fetch-Site` says another site sent it;
    /// an `Origin` equal to `PUBLIC_URL`'s, or to this request's own `Host` on the same scheme
    /// (so `localhost` and `127.0.0.1` both work in development).
    pub fn permits(&self, headers: &HeaderMap) -> bool {
        let fetch_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if matches!(fetch_site, "cross-site" | "same-site") {
            return false;
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        // A page served with `Referrer-Policy: no-referrer` (the reset, invitation and email
        // pages) makes the browser send `Origin: null` even to its own site; the browser's own
        // `Sec-Fetch-Site`, which no page can set, then says where it came from.
        if origin.as_bytes() == b"null" && fetch_site == "same-origin" {
            return true;
        }
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.to_ascii_lowercase();
        if origin == self.public_origin {
            return true;
        }
        let scheme = if self.public_origin.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| origin == format!("{scheme}://{}", host.to_ascii_lowercase()))
    }
}

/// The 403 for a state-changing request from another site, or `None` to let it through.
/// `request_id` names the request in the warning (it runs before the request's span exists).
pub fn refusal(allowed: &AllowedOrigin, request: &Request, request_id: &str) -> Option<Response> {
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe_method || allowed.permits(request.headers()) {
        return None;
    }
    tracing::warn!(request_id, path = %request.uri().path(), "refused a cross-site request");
    let lang = app::domain::lang::of_request(request.headers());
    Some(json_error(ApiError::new(
        ErrorCode::CrossSite,
        lang.pick(
            "Bu istek başka bir siteden geldiği için reddedildi.",
            "This request came from another site and was refused.",
        ),
    )))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn origin_rules() {
        let allowed = AllowedOrigin {
            public_origin: "http://127.0.0.1:3000".into(),
        };
        assert!(allowed.permits(&headers(&[])));
        assert!(allowed.permits(&headers(&[("origin", "http://127.0.0.1:3000")])));
        assert!(allowed.permits(&headers(&[
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000")
        ])));
        assert!(!allowed.permits(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!allowed.permits(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!allowed.permits(&headers(&[("origin", "null")])));
        assert!(!allowed.permits(&headers(&[
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(allowed.permits(&headers(&[
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ])));
    }
}
