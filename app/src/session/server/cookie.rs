//! The session cookie: HttpOnly, SameSite=Lax, Path=/; Secure with the `__Host-` prefix
//! whenever the site is served over HTTPS. The token lives nowhere else on the client. The
//! two-step sign-in's challenge cookie is made the same way, under a name of its own.

use cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use http::{HeaderMap, header::COOKIE};

/// Cookie name on plain-HTTP development origins.
pub const DEV_NAME: &str = "smmm_session";
/// Cookie name over HTTPS: the prefix makes the browser insist on Secure, Path=/ and no Domain.
pub const SECURE_NAME: &str = "__Host-smmm_session";

#[derive(Debug, Clone)]
pub struct SessionCookie {
    secure: bool,
    dev_name: &'static str,
    secure_name: &'static str,
}

impl SessionCookie {
    pub fn new(secure: bool) -> Self {
        Self {
            secure,
            dev_name: DEV_NAME,
            secure_name: SECURE_NAME,
        }
    }

    /// The cookie that carries a two-step sign-in's challenge between its two steps.
    pub fn challenge(secure: bool) -> Self {
        Self {
            secure,
            dev_name: "smmm_challenge",
            secure_name: "__Host-smmm_challenge",
        }
    }

    pub fn name(&self) -> &'static str {
        if self.secure {
            self.secure_name
        } else {
            self.dev_name
        }
    }

    /// The `Set-Cookie` value carrying `token`, kept by the browser for `max_age_secs`, or
    /// with `None` until the browser closes (a session cookie: "Keep me signed in" unchecked).
    pub fn set(&self, token: &str, max_age_secs: Option<i64>) -> String {
        self.build(
            token,
            max_age_secs.map(|secs| CookieDuration::seconds(secs.max(0))),
        )
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(&self) -> String {
        self.build("", Some(CookieDuration::ZERO))
    }

    fn build(&self, value: &str, max_age: Option<CookieDuration>) -> String {
        let mut cookie = Cookie::build((self.name(), value.to_owned()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure);
        if let Some(max_age) = max_age {
            cookie = cookie.max_age(max_age);
        }
        cookie.build().encoded().to_string()
    }

    /// The token from the request's `Cookie` headers, if there is one.
    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        values_of(headers, self.name()).find(|value| !value.is_empty())
    }
}

/// The values of every cookie called `name` in the request's `Cookie` headers.
pub fn values_of<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = String> + 'a {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .filter(move |cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn secure_cookie_attributes() {
        let set = SessionCookie::new(true).set("tok", Some(60));
        for part in [
            "__Host-smmm_session=tok",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Secure",
            "Max-Age=60",
        ] {
            assert!(set.contains(part), "{set} lacks {part}");
        }
        assert!(!set.contains("Domain"));
    }

    #[test]
    fn a_browser_session_cookie_has_no_lifetime() {
        let set = SessionCookie::new(false).set("tok", None);
        assert!(set.starts_with("smmm_session=tok"), "{set}");
        assert!(
            !set.contains("Max-Age") && !set.contains("Expires"),
            "{set}"
        );
    }

    #[test]
    fn reads_its_own_cookie_among_others() {
        let jar = SessionCookie::new(false);
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("theme=dark; smmm_session=abc.def"),
        );
        assert_eq!(jar.read(&headers).as_deref(), Some("abc.def"));
        assert_eq!(SessionCookie::new(true).read(&headers), None);
    }
}
