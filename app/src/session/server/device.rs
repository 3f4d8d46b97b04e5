//! The device cookie: a browser that has signed in to an account before says so, and is spared
//! that account's sign-in delay (OWASP's "device cookies"). Not a session: it grants nothing but
//! the exemption, and only for the account it names.
//!
//! Its value is `v1.<account tag>.<issued, unix seconds>.<signature>`: the account tag is an
//! HMAC of the account as the caller names it (the email and the time of the last password
//! change: a new password ends every device cookie), so the cookie names no one in clear; the
//! signature is an HMAC of the rest; both under the session secret (a rotation keeps the previous
//! key verifying; once it is dropped, browsers get a new cookie at their next sign-in). One
//! cookie per browser: signing in to another account replaces it. Its failures are counted on a
//! limit of its own (`sign_in_limits`).

use chrono::{DateTime, Utc};
use cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use http::HeaderMap;

use super::token::{SigningKey, TokenKeys};

/// How long a browser stays known.
const LIFETIME_DAYS: i64 = 365;

#[derive(Debug, Clone)]
pub struct DeviceCookie {
    secure: bool,
}

impl DeviceCookie {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    fn name(&self) -> &'static str {
        if self.secure {
            "__Host-smmm_device"
        } else {
            "smmm_device"
        }
    }

    /// The `Set-Cookie` value that marks this browser as known for `email`.
    pub fn issue(&self, keys: &TokenKeys, email: &str, now: DateTime<Utc>) -> Option<String> {
        let key = keys.current();
        let body = format!("v1.{}.{}", account_tag(key, email)?, now.timestamp());
        let signature = key.sign(body.as_bytes()).ok()?;
        let value = format!("{body}.{signature}");
        Some(
            Cookie::build((self.name(), value))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path("/")
                .secure(self.secure)
                .max_age(CookieDuration::days(LIFETIME_DAYS))
                .build()
                .encoded()
                .to_string(),
        )
    }

    /// The values of every device cookie the request carries.
    pub fn read(&self, headers: &HeaderMap) -> Vec<String> {
        super::cookie::values_of(headers, self.name()).collect()
    }

    /// The id of the valid device cookie for `email` among `values`, if there is one: what its
    /// own sign-in limit is counted by.
    pub fn vouching_id(
        &self,
        keys: &TokenKeys,
        values: &[String],
        email: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        values
            .iter()
            .find(|value| valid(keys, value, email, now))
            .and_then(|value| value.rsplit_once('.'))
            .map(|(_, signature)| signature.chars().take(22).collect())
    }
}

fn account_tag(key: &SigningKey, email: &str) -> Option<String> {
    let tag = key
        .sign(format!("smmm device account|{email}").as_bytes())
        .ok()?;
    Some(tag.chars().take(22).collect())
}

fn valid(keys: &TokenKeys, value: &str, email: &str, now: DateTime<Utc>) -> bool {
    let Some((body, signature)) = value.rsplit_once('.') else {
        return false;
    };
    let mut parts = body.split('.');
    let (Some("v1"), Some(tag), Some(issued), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(issued) = issued.parse::<i64>() else {
        return false;
    };
    let Some(age) = now.timestamp().checked_sub(issued) else {
        return false;
    };
    if !(0..=LIFETIME_DAYS * 24 * 60 * 60).contains(&age) {
        return false;
    }
    keys.verifying().any(|key| {
        account_tag(key, email).as_deref() == Some(tag) && key.verifies(signature, body.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use http::{HeaderValue, header::COOKIE};

    use super::*;

    fn keys(secret: &[u8]) -> TokenKeys {
        TokenKeys::new(SigningKey::new(secret).unwrap(), None, "http://localhost")
    }

    fn headers(set_cookie: &str) -> Vec<String> {
        let pair = set_cookie.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(pair).unwrap());
        DeviceCookie::new(false).read(&headers)
    }

    #[test]
    fn vouches_only_for_its_account_its_key_and_its_lifetime() {
        let jar = DeviceCookie::new(false);
        let ours = keys(b"0123456789abcdef0123456789abcdef");
        let now = Utc::now();
        let set = jar.issue(&ours, "ayse@example.com", now).unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        let sent = headers(&set);
        let vouches = |keys: &TokenKeys, sent: &[String], email: &str, now| {
            jar.vouching_id(keys, sent, email, now).is_some()
        };
        assert!(vouches(&ours, &sent, "ayse@example.com", now));
        assert!(!vouches(&ours, &sent, "mehmet@example.com", now));
        let theirs = keys(b"fedcba9876543210fedcba9876543210");
        assert!(!vouches(&theirs, &sent, "ayse@example.com", now));
        let later = now + chrono::Duration::days(LIFETIME_DAYS + 1);
        assert!(!vouches(&ours, &sent, "ayse@example.com", later));
        let ancient = vec!["v1.x.-9223372036854775808.y".to_owned()];
        assert!(
            !vouches(&ours, &ancient, "ayse@example.com", now),
            "no overflow"
        );
        let tampered = headers(
            &set.replacen(".v", ".w", 1)
                .replace("smmm_device=v1.", "smmm_device=v1.x"),
        );
        assert!(!vouches(&ours, &tampered, "ayse@example.com", now));
    }
}
