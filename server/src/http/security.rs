//! Security headers on every response: CSP, frame-ancestors, nosniff, Referrer-Policy, and HSTS
//! when the site is served over HTTPS. The API's JSON answers get the set OWASP's REST Security
//! cheat sheet names for an API (nosniff, `X-Frame-Options`, a CSP that allows nothing, HSTS):
//! the page's CSP, with its script hashes, and the headers that only mean something to a
//! document would be half a kilobyte on every call, for nothing.

use std::path::PathBuf;

use axum::http::{HeaderName, HeaderValue, header};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

/// The headers to set, worked out once at start-up: for pages and files, and for the API.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    document: Vec<(HeaderName, HeaderValue)>,
    api: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    /// The HTML `shells` are read for the inline module script Trunk writes to load the WASM:
    /// their hashes go into `script-src`, so nothing else inline can run.
    pub fn new(shells: &[PathBuf], https: bool) -> Self {
        let inline_hashes: String = shells
            .iter()
            .filter_map(|shell| std::fs::read_to_string(shell).ok())
            .flat_map(|html| inline_script_hashes(&html))
            .map(|hash| format!(" 'sha256-{hash}'"))
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{inline_hashes}; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        // Both sets: no sniffing, no framing, and HSTS over HTTPS.
        let mut common = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ];
        if https {
            common.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            ));
        }
        let mut document = common.clone();
        document.extend([
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
            ),
        ]);
        if let Ok(csp) = HeaderValue::from_str(&csp) {
            document.push((header::CONTENT_SECURITY_POLICY, csp));
        }
        let mut api = common;
        api.push((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
        Self { document, api }
    }

    /// Adds each header the response does not set itself, the API's set to an `api` answer
    /// (called once per response by `http::edge`).
    pub fn add_to(&self, response: &mut axum::response::Response, api: bool) {
        let headers = if api { &self.api } else { &self.document };
        let present = response.headers_mut();
        present.reserve(headers.len() + 2);
        for (name, value) in headers {
            if !present.contains_key(name) {
                present.insert(name.clone(), value.clone());
            }
        }
    }
}

/// The pages an emailed link opens, with its token in the fragment: they send no `Referer` at
/// all (`Referrer-Policy: no-referrer`), so nothing of the page's address leaves it.
pub fn opens_a_link(path: &str) -> bool {
    matches!(
        path.trim_end_matches('/'),
        "/auth/reset" | "/auth/invite" | "/auth/confirm-email"
    )
}

/// SHA-256 (base64) of the body of every `<script>` without a `src`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_and_rest = &rest[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            hashes.push(STANDARD.encode(Sha256::digest(&body_and_rest.as_bytes()[..close])));
        }
        rest = &body_and_rest[close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes, vec![STANDARD.encode(Sha256::digest(b"init()"))]);
    }
}
