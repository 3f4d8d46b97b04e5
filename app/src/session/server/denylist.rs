//! Revoked session ids, in memory, consulted on every request's fast path.
//!
//! An id needs to stay only as long as a token issued before its revocation can still be fresh
//! (one token lifetime): after that every token of the session is expired, and its renewal
//! reads the revoked row from the database. Revocations made by another instance arrive through
//! `poll_database` (see `RevocationWatcher`).

use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration, Instant},
};

pub struct Denylist {
    keep_for: Duration,
    entries: RwLock<HashMap<String, Instant>>,
}

impl Denylist {
    pub fn new(keep_for: Duration) -> Self {
        Self {
            keep_for,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub fn contains(&self, sid: &str) -> bool {
        self.entries
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .contains_key(sid)
    }

    /// Keeps `sid` until `until` at least (a sign-out the database could not record stays
    /// refused here until the session's absolute end).
    pub fn insert_until(&self, sid: &str, until: Instant) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        let entry = entries.entry(sid.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
    }

    pub fn insert(&self, sid: &str) {
        let until = Instant::now() + self.keep_for;
        self.entries
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(sid.to_owned(), until);
    }

    /// Drops the ids whose tokens have all expired.
    pub fn prune(&self) {
        let now = Instant::now();
        self.entries
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .retain(|_, until| *until > now);
    }

    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
