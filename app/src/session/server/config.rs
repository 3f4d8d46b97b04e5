//! The session layer's settings. `server` builds this from the environment and checks it.

use std::{fmt, time::Duration};

/// The time two-step sign-in reads (a code's 30-second window, a challenge's 5 minutes): the
/// system's clock, moved by an offset only tests set (through `AuthConfig::clock`, never the
/// environment), to stand at the edges of those windows.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let offset = self.offset_secs.load(std::sync::atomic::Ordering::Relaxed);
        chrono::Utc::now() + chrono::Duration::seconds(offset)
    }

    /// Moves this clock `secs` from the system's (tests only).
    pub fn set_offset(&self, secs: i64) {
        self.offset_secs
            .store(secs, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whose accounts must have two-step sign-in (`MFA_REQUIRED_FOR`): without it, their sessions
/// are limited to setting it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaPolicy {
    None,
    Admin,
    All,
}

impl MfaPolicy {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "admin" => Some(Self::Admin),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    pub fn requires(self, role: crate::domain::Role) -> bool {
        match self {
            Self::None => false,
            Self::Admin => role == crate::domain::Role::Admin,
            Self::All => true,
        }
    }
}

#[derive(Clone)]
pub struct AuthConfig {
    /// The site's origin, e.g. `https://portal.example.com`: the issuer and audience of tokens,
    /// the origin state-changing requests must come from, and (https) the switch to Secure cookies.
    pub public_origin: String,
    /// The signing secret (at least 32 bytes) and, during a rotation, the one before it and the
    /// one after it: both verify, neither signs.
    pub secret: Vec<u8>,
    pub previous_secret: Option<Vec<u8>>,
    pub next_secret: Option<Vec<u8>>,
    /// The key that encrypts the second factor's secrets (at least 32 bytes; its SHA-256 is the
    /// AEAD key), and the one before it during a rotation. Without one, two-step sign-in is
    /// unavailable.
    pub mfa_key: Option<Vec<u8>>,
    pub mfa_previous_key: Option<Vec<u8>>,
    pub mfa_required_for: MfaPolicy,
    /// What two-step sign-in takes as now.
    pub clock: Clock,
    /// How long one token is good for before the session row is checked again.
    pub token_ttl: Duration,
    /// A session with no renewal for this long has ended.
    pub idle_timeout: Duration,
    /// How long before the idle deadline the browser warns the person.
    pub idle_warning: Duration,
    /// A session ends this long after sign-in, whatever happens.
    pub absolute_timeout: Duration,
    pub bcrypt_cost: u32,
    /// bcrypt work allowed at once, and how long a sign-in waits for a turn before 503.
    pub max_concurrent_hashes: usize,
    pub hash_queue_timeout: Duration,
    /// Failed sign-ins allowed per account and per client address within `rate_limit_window`.
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
    pub rate_limit_window: Duration,
    /// How often each instance reads revocations made by the others.
    pub revocation_poll: Duration,
    /// How many reverse proxies stand in front, each appending to `X-Forwarded-For`: the client
    /// address is that many entries from the right. 0: the peer address.
    pub trusted_proxy_hops: usize,
    /// Ending sessions asks for the password again when the sign-in is older than this.
    pub reauth_window: Duration,
    /// The session events stream (`/api/auth/events`): how often it sends a heartbeat (so no
    /// proxy closes it as idle), and how many may be open at once per session and per address.
    pub events_heartbeat: Duration,
    pub max_streams_per_session: usize,
    pub max_streams_per_address: usize,
}

impl AuthConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.starts_with("https://")
    }

    /// The defaults around the given origin and secret: bcrypt cost 12, a 5-minute token, a
    /// 30-minute idle timeout, a 12-hour session. `server`'s configuration changes what the
    /// environment sets; tests change what they need.
    pub fn for_origin(public_origin: impl Into<String>, secret: Vec<u8>) -> Self {
        Self {
            public_origin: public_origin.into(),
            secret,
            previous_secret: None,
            next_secret: None,
            mfa_key: None,
            mfa_previous_key: None,
            mfa_required_for: MfaPolicy::None,
            clock: Clock::default(),
            token_ttl: Duration::from_secs(5 * 60),
            idle_timeout: Duration::from_secs(30 * 60),
            idle_warning: Duration::from_secs(2 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            bcrypt_cost: 12,
            max_concurrent_hashes: 4,
            hash_queue_timeout: Duration::from_secs(5),
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            rate_limit_window: Duration::from_secs(15 * 60),
            revocation_poll: Duration::from_secs(1),
            trusted_proxy_hops: 0,
            reauth_window: Duration::from_secs(10 * 60),
            events_heartbeat: Duration::from_secs(20),
            max_streams_per_session: 3,
            max_streams_per_address: 100,
        }
    }
}

/// Written by hand: the secrets never reach a log.
impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("public_origin", &self.public_origin)
            .field("secret", &"[redacted]")
            .field(
                "previous_secret",
                &self.previous_secret.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "next_secret",
                &self.next_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("mfa_key", &self.mfa_key.as_ref().map(|_| "[redacted]"))
            .field(
                "mfa_previous_key",
                &self.mfa_previous_key.as_ref().map(|_| "[redacted]"),
            )
            .field("mfa_required_for", &self.mfa_required_for)
            .field("token_ttl", &self.token_ttl)
            .field("idle_timeout", &self.idle_timeout)
            .field("idle_warning", &self.idle_warning)
            .field("absolute_timeout", &self.absolute_timeout)
            .field("bcrypt_cost", &self.bcrypt_cost)
            .field("max_concurrent_hashes", &self.max_concurrent_hashes)
            .field("hash_queue_timeout", &self.hash_queue_timeout)
            .field("max_failures_per_account", &self.max_failures_per_account)
            .field("max_failures_per_address", &self.max_failures_per_address)
            .field("rate_limit_window", &self.rate_limit_window)
            .field("revocation_poll", &self.revocation_poll)
            .field("trusted_proxy_hops", &self.trusted_proxy_hops)
            .field("reauth_window", &self.reauth_window)
            .field("events_heartbeat", &self.events_heartbeat)
            .field("max_streams_per_session", &self.max_streams_per_session)
            .field("max_streams_per_address", &self.max_streams_per_address)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secrets() {
        let mut config = AuthConfig::for_origin("http://localhost", b"current-secret".to_vec());
        config.previous_secret = Some(b"previous-secret".to_vec());
        let shown = format!("{config:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        for secret in [&b"current-secret"[..], &b"previous-secret"[..]] {
            // `{:?}` of a Vec<u8> shows its bytes as numbers: none of them may appear.
            let bytes = format!("{secret:?}");
            assert!(!shown.contains(bytes.trim_matches(['[', ']'])), "{shown}");
        }
    }
}
