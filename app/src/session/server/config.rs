//! The session layer's settings. `server` builds this from the environment and checks it.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The site's origin, e.g. `https://portal.example.com`: the issuer and audience of tokens,
    /// the origin state-changing requests must come from, and (https) the switch to Secure cookies.
    pub public_origin: String,
    /// The signing secret (at least 32 bytes) and, during a rotation, the one before it.
    pub secret: Vec<u8>,
    pub previous_secret: Option<Vec<u8>>,
    /// How long one token is good for before the session row is checked again.
    pub token_ttl: Duration,
    /// A session with no renewal for this long has ended.
    pub idle_timeout: Duration,
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
    /// Behind a reverse proxy: take the client address from the last `X-Forwarded-For` entry.
    pub trust_forwarded_for: bool,
    /// Ending sessions asks for the password again when the sign-in is older than this.
    pub reauth_window: Duration,
}

impl AuthConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.starts_with("https://")
    }

    /// Settings for tests and development: the given secret, cheap bcrypt, short lifetimes
    /// left at their defaults.
    pub fn for_origin(public_origin: impl Into<String>, secret: Vec<u8>) -> Self {
        Self {
            public_origin: public_origin.into(),
            secret,
            previous_secret: None,
            token_ttl: Duration::from_secs(5 * 60),
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            bcrypt_cost: 12,
            max_concurrent_hashes: 4,
            hash_queue_timeout: Duration::from_secs(5),
            max_failures_per_account: 5,
            max_failures_per_address: 50,
            rate_limit_window: Duration::from_secs(15 * 60),
            revocation_poll: Duration::from_secs(1),
            trust_forwarded_for: false,
            reauth_window: Duration::from_secs(10 * 60),
        }
    }
}
