//! Revoked session ids, in memory, consulted on every request's fast path.
//!
//! An id needs to stay only as long as a token issued before its revocation can still be fresh
//! (one token lifetime): after that every token of the session is expired, and its renewal
//! reads the revoked row from the database. Revocations made by another instance arrive through
//! `poll_database` (see `RevocationWatcher`).
//!
//! Every id that newly arrives, from this instance or another, is also published to whoever
//! subscribed: the open session events streams (`/api/auth/events`) push it to the browser.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use tokio::sync::broadcast;

/// How many revocations a slow subscriber may fall behind before it is told it lagged (and
/// then checks its session itself).
const FEED_CAPACITY: usize = 1024;

pub struct Denylist {
    keep_for: Duration,
    entries: RwLock<HashMap<String, Instant>>,
    feed: broadcast::Sender<Arc<str>>,
}

impl Denylist {
    pub fn new(keep_for: Duration) -> Self {
        Self {
            keep_for,
            entries: RwLock::new(HashMap::new()),
            feed: broadcast::Sender::new(FEED_CAPACITY),
        }
    }

    /// Every session id revoked from now on, as it arrives (once per id while it is listed).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.feed.subscribe()
    }

    fn publish(&self, sid: &str) {
        // No receiver is not an error: no stream is open.
        let _ = self.feed.send(Arc::from(sid));
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
        let new = {
            let mut entries = self
                .entries
                .write()
                .unwrap_or_else(|poison| poison.into_inner());
            match entries.get_mut(sid) {
                Some(entry) => {
                    *entry = (*entry).max(until);
                    false
                }
                None => {
                    entries.insert(sid.to_owned(), until);
                    true
                }
            }
        };
        if new {
            self.publish(sid);
        }
    }

    pub fn insert(&self, sid: &str) {
        let until = Instant::now() + self.keep_for;
        let earlier = self
            .entries
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(sid.to_owned(), until);
        if earlier.is_none() {
            self.publish(sid);
        }
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
