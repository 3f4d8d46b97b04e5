//! Where to go after sign-in. Only same-site relative paths are honoured: anything else
//! (another origin, a protocol-relative `//host`, a `javascript:` URL) falls back to the
//! user's own dashboard.

/// `raw` if it is a safe same-site path, else `None`.
pub fn safe_callback(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control() || c == '\\')
        && !raw.starts_with("/auth/")
        // The API is not a page: its functions answer POST only.
        && !raw.starts_with("/api/")
        && raw.len() <= 2048;
    ok.then_some(raw)
}

/// Percent-encodes `value` for a query parameter.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The sign-in page's address that brings the visitor back to `path` afterwards.
pub fn sign_in_url(path: &str) -> String {
    match safe_callback(path) {
        Some(path) if path != "/" => {
            format!("/auth/signin?callbackUrl={}", encode_query_value(path))
        }
        _ => "/auth/signin".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_honoured() {
        for ok in ["/admin", "/client/profile?tab=1", "/admin/users#top"] {
            assert_eq!(safe_callback(ok), Some(ok));
        }
        for bad in [
            "https://evil.example/admin",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "admin",
            "",
            "/auth/signin",
            "/api/auth/session",
            "/a\nb",
        ] {
            assert_eq!(safe_callback(bad), None, "{bad}");
        }
    }

    #[test]
    fn sign_in_url_encodes_the_path() {
        assert_eq!(
            sign_in_url("/admin?x=1&y=2"),
            "/auth/signin?callbackUrl=/admin%3Fx%3D1%26y%3D2"
        );
        assert_eq!(sign_in_url("/"), "/auth/signin");
        assert_eq!(sign_in_url("//evil"), "/auth/signin");
    }
}
