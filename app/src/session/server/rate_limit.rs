//! Failed sign-in counters, per account and per client address, shared by the whole process.
//!
//! A fixed window per key: after `max_failures` failures the key is refused until the window
//! that began with its first failure ends. Each attempt is counted when it starts (so a burst of
//! parallel guesses cannot all slip past the check while bcrypt runs) and given back when it
//! succeeds; a successful sign-in clears the account's counter.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

pub struct FailureLimiter {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    window_start: Instant,
}

/// Past this many keys, expired entries are swept on the next attempt.
const SWEEP_ABOVE: usize = 10_000;

impl FailureLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt that is about to be checked, or refuses it with the seconds until
    /// `key` may try again.
    pub fn begin_attempt(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.len() > SWEEP_ABOVE {
            let window = self.window;
            entries.retain(|_, e| now < e.window_start + window);
        }
        let fresh = Entry {
            failures: 0,
            window_start: now,
        };
        let entry = entries.entry(key.to_owned()).or_insert(fresh);
        if now >= entry.window_start + self.window {
            *entry = fresh;
        }
        if entry.failures >= self.max_failures {
            let left = entry.window_start + self.window - now;
            return Err(left.as_secs() + u64::from(left.subsec_nanos() > 0));
        }
        entry.failures += 1;
        Ok(())
    }

    /// Gives back an attempt counted by `begin_attempt` that succeeded.
    pub fn attempt_succeeded(&self, key: &str) {
        if let Some(entry) = self.lock().get_mut(key) {
            entry.failures = entry.failures.saturating_sub(1);
        }
    }

    /// Clears `key`'s failures (a successful sign-in of that account).
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // A panic elsewhere while holding the lock leaves counters, not broken invariants.
        self.entries
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_reset_clears() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.begin_attempt("a").is_ok());
        }
        let retry = limiter.begin_attempt("a").expect_err("locked");
        assert!((59..=60).contains(&retry), "{retry}");
        assert!(
            limiter.begin_attempt("b").is_ok(),
            "other keys are not affected"
        );
        limiter.reset("a");
        assert!(limiter.begin_attempt("a").is_ok());
    }

    #[test]
    fn attempts_are_counted_before_they_finish() {
        let limiter = FailureLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.begin_attempt("a").is_ok());
        assert!(limiter.begin_attempt("a").is_ok());
        assert!(
            limiter.begin_attempt("a").is_err(),
            "a third parallel attempt is refused"
        );
        limiter.attempt_succeeded("a");
        assert!(
            limiter.begin_attempt("a").is_ok(),
            "a success gives its attempt back"
        );
    }

    #[test]
    fn window_expiry_unlocks() {
        let limiter = FailureLimiter::new(1, Duration::from_millis(20));
        assert!(limiter.begin_attempt("a").is_ok());
        assert!(limiter.begin_attempt("a").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.begin_attempt("a").is_ok());
    }
}
