//! The session JWT: HS256 only, `iss`/`aud`/`typ`/`kid` checked, signed by the current key and
//! verified by the current, the previous or the next one (so the secret can rotate without
//! signing anyone out: see the README's "Rotating the secret").

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, crypto};
use serde::{Deserialize, Serialize};

use crate::{
    domain::Role,
    session::{Amr, Requirement, Session, SessionUser},
};

/// The `typ` claim of a session token; a token minted for anything else is refused.
const TOKEN_TYPE: &str = "session";

/// A signing secret and the key id derived from it.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SigningKey {
    /// `secret` must be at least 32 bytes (the configuration checks this).
    pub fn new(secret: &[u8]) -> Result<Self, jsonwebtoken::errors::Error> {
        let encoding = EncodingKey::from_secret(secret)?;
        // The key id is an HMAC of a fixed label: stable for a secret, and it reveals nothing.
        let tag = crypto::sign(b"smmm-portal key id", &encoding, Algorithm::HS256)?;
        Ok(Self {
            kid: tag.chars().take(12).collect(),
            encoding,
            decoding: DecodingKey::from_secret(secret)?,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// An HMAC-SHA256 of `message`, base64url: for small signed values other than tokens.
    pub fn sign(&self, message: &[u8]) -> Result<String, jsonwebtoken::errors::Error> {
        crypto::sign(message, &self.encoding, Algorithm::HS256)
    }

    /// Whether `signature` is `sign(message)` under this key (compared in constant time).
    pub fn verifies(&self, signature: &str, message: &[u8]) -> bool {
        crypto::verify(signature, message, &self.decoding, Algorithm::HS256).unwrap_or(false)
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The claims of a session token. `email` and `name` ride along (as NextAuth's JWT does) so
/// the fast path can answer `/api/auth/session` without the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub role: Role,
    pub email: String,
    pub name: String,
    pub iat: i64,
    pub exp: i64,
    /// The session's absolute end (unix seconds).
    pub sexp: i64,
    /// When the person signed in (unix seconds): how fresh the credentials are.
    pub auth_time: i64,
    /// Whether the cookie outlives the browser ("Keep me signed in"). Tokens minted before the
    /// choice existed were all kept.
    #[serde(default = "kept")]
    pub keep: bool,
    /// The one step the session is limited to (see `Requirement`); absent for a full session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<Requirement>,
    /// When the person last proved who they are (unix seconds): `auth_time`, or a step-up
    /// since. Absent in tokens minted before it was kept: `auth_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<i64>,
    /// How (RFC 8176 values). Absent in older tokens: the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amr: Option<Amr>,
    pub iss: String,
    pub aud: String,
    pub typ: String,
}

fn kept() -> bool {
    true
}

/// What a token says about its session besides who is in it. Every token is minted at a moment
/// of activity (sign-in, a renewal the person caused), so its `iat` is also the session's last
/// activity as of that token.
#[derive(Debug, Clone)]
pub struct SessionTerms<'a> {
    pub sid: &'a str,
    pub signed_in_at: DateTime<Utc>,
    /// The session's absolute end.
    pub expires: DateTime<Utc>,
    /// "Keep me signed in": the cookie lives to `expires`, not just to the browser's end.
    pub keep: bool,
    /// The one step the session is limited to, if any.
    pub required: Option<Requirement>,
    /// When and how the person last proved who they are.
    pub verified_at: DateTime<Utc>,
    pub amr: Amr,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }

    pub fn session(&self) -> Option<Session> {
        Some(Session {
            user: SessionUser {
                id: self.user_id()?,
                email: self.email.clone(),
                name: self.name.clone(),
                role: self.role,
            },
            expires: crate::db::rfc3339(DateTime::from_timestamp(self.sexp, 0)?),
            required: self.req,
        })
    }
}

/// A token whose signature and claims check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// Within its lifetime: the fast path.
    Fresh(Claims),
    /// Past `exp`: good for nothing but a renewal against the session row.
    Expired(Claims),
}

/// Issues and checks session tokens.
#[derive(Debug, Clone)]
pub struct TokenKeys {
    current: SigningKey,
    /// Keys that verify but do not sign: the previous one, and the next one during a rotation.
    others: Vec<SigningKey>,
    issuer: String,
    audience: String,
    /// HS256 only; `exp` is checked by `verify` itself (an expired token may be renewed).
    validation: Validation,
}

impl TokenKeys {
    pub fn new(
        current: SigningKey,
        previous: Option<SigningKey>,
        issuer: impl Into<String>,
    ) -> Self {
        let issuer = issuer.into();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.required_spec_claims =
            HashSet::from(["exp", "iat", "iss", "aud", "sub"].map(String::from));
        validation.set_issuer(&[&issuer]);
        validation.set_audience(&[&issuer]);
        Self {
            current,
            others: previous.into_iter().collect(),
            audience: issuer.clone(),
            issuer,
            validation,
        }
    }

    /// Also verifies tokens signed by `key`: the next secret, learnt before any instance signs
    /// with it.
    pub fn also_verifying(mut self, key: Option<SigningKey>) -> Self {
        self.others.extend(key);
        self
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The key that signs.
    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// Every key that verifies, the signing one first.
    pub fn verifying(&self) -> impl Iterator<Item = &SigningKey> {
        std::iter::once(&self.current).chain(&self.others)
    }

    /// Signs a token for `user` in the session `terms` describe, valid from `now` for `ttl_secs`.
    pub fn issue(
        &self,
        user: &SessionUser,
        terms: &SessionTerms<'_>,
        now: DateTime<Utc>,
        ttl_secs: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.id.to_string(),
            sid: terms.sid.to_owned(),
            role: user.role,
            email: user.email.clone(),
            name: user.name.clone(),
            iat: now.timestamp(),
            // A token never outlives its session.
            exp: (now.timestamp() + ttl_secs).min(terms.expires.timestamp()),
            sexp: terms.expires.timestamp(),
            auth_time: terms.signed_in_at.timestamp(),
            keep: terms.keep,
            req: terms.required,
            vat: Some(terms.verified_at.timestamp()),
            amr: Some(terms.amr),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            typ: TOKEN_TYPE.to_owned(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.current.encoding)
    }

    /// Checks signature, algorithm, key id, issuer, audience and type. Expiry is reported, not
    /// refused: the caller decides whether a renewal is possible. `None` for anything forged,
    /// malformed or foreign.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Verified> {
        // Decoding verifies the signature and parses the header as well: try the current key,
        // then the previous one, and check that the key id names the key that verified. (One
        // decode instead of a header parse plus a decode: this is the hot path.)
        let data = self.verifying().find_map(|key| {
            let data =
                jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation).ok()?;
            (data.header.kid.as_deref() == Some(key.kid.as_str())).then_some(data)
        })?;
        if data.header.alg != Algorithm::HS256 || data.header.typ.as_deref() != Some("JWT") {
            return None;
        }
        let claims = data.claims;
        if claims.typ != TOKEN_TYPE || claims.user_id().is_none() || claims.iat > claims.exp {
            return None;
        }
        Some(if now.timestamp() < claims.exp {
            Verified::Fresh(claims)
        } else {
            Verified::Expired(claims)
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(SigningKey::new(secret.as_bytes()).unwrap(), None, "smmm")
    }

    fn terms(sid: &str, expires: DateTime<Utc>) -> SessionTerms<'_> {
        SessionTerms {
            sid,
            signed_in_at: Utc::now(),
            expires,
            keep: false,
            required: None,
            verified_at: Utc::now(),
            amr: Amr::Pwd,
        }
    }

    fn user() -> SessionUser {
        SessionUser {
            id: 7,
            email: "a@b.co".into(),
            name: "A".into(),
            role: Role::Client,
        }
    }

    #[test]
    fn fresh_then_expired() {
        let k = keys("0123456789abcdef0123456789abcdef");
        let now = Utc::now();
        let token = k
            .issue(&user(), &terms("sid1", now + Duration::hours(1)), now, 60)
            .unwrap();
        assert!(matches!(k.verify(&token, now), Some(Verified::Fresh(c)) if c.sid == "sid1"));
        assert!(matches!(
            k.verify(&token, now + Duration::seconds(61)),
            Some(Verified::Expired(_))
        ));
        assert!(token.len() < 1024, "token is {} bytes", token.len());
    }

    #[test]
    fn previous_key_still_verifies_but_foreign_does_not() {
        let old = keys("old-secret-old-secret-old-secret!!");
        let now = Utc::now();
        let token = old
            .issue(&user(), &terms("s", now + Duration::hours(1)), now, 60)
            .unwrap();
        let rotated = TokenKeys::new(
            SigningKey::new(b"new-secret-new-secret-new-secret!!").unwrap(),
            Some(SigningKey::new(b"old-secret-old-secret-old-secret!!").unwrap()),
            "smmm",
        );
        assert!(matches!(
            rotated.verify(&token, now),
            Some(Verified::Fresh(_))
        ));
        let foreign = keys("another-secret-another-secret-1234");
        assert_eq!(foreign.verify(&token, now), None);
    }

    #[test]
    fn token_never_outlives_its_session() {
        let k = keys("0123456789abcdef0123456789abcdef");
        let now = Utc::now();
        let token = k
            .issue(&user(), &terms("s", now + Duration::seconds(10)), now, 600)
            .unwrap();
        assert!(matches!(
            k.verify(&token, now + Duration::seconds(11)),
            Some(Verified::Expired(_))
        ));
    }
}
