//! bcrypt, off the async runtime and behind a bound, and how a password is stored.
//!
//! Stored hashes are versioned. Version 2, what every hash written now is, is `$smmm2$` and a
//! bcrypt hash of the base64 of the SHA-256 of the password in Unicode NFKC: bcrypt reads only
//! 72 bytes and stops at a NUL byte, and this way a passphrase of any length (a 64-character
//! Turkish one is more than 72 bytes) counts whole, and the same password typed with a
//! differently composed "ş" is the same password. Version 1, a bare bcrypt hash of the password
//! as typed (at most 72 bytes), is what older accounts hold: it still verifies, and a successful
//! sign-in replaces it (`needs_rehash`), as it replaces a hash of another cost than
//! `BCRYPT_COST`.
//!
//! Each verify takes a thread for tens to hundreds of milliseconds. bcrypt runs on threads of its
//! own (as many as may run at once: `BCRYPT_MAX_CONCURRENT`, by default one fewer than the
//! cores), at the lowest scheduling priority: in a storm of sign-ins the session checks of
//! everyone else still get the CPU first. A semaphore caps how many run at once; a request that
//! cannot get a permit within the queue timeout is answered 503 instead of stalling everything
//! else on the machine.

use std::{
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use unicode_normalization::UnicodeNormalization;

use crate::{domain::Password, error::ApiError};

type Job = Box<dyn FnOnce() + Send>;

pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// Where jobs go to bcrypt's threads; they end when it is dropped.
    jobs: mpsc::Sender<Job>,
    queue_timeout: Duration,
    /// Verified against when the email is unknown, so both cases take the same time.
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(
        cost: u32,
        max_concurrent: usize,
        queue_timeout: Duration,
    ) -> Result<Self, bcrypt::BcryptError> {
        let threads = max_concurrent.max(1);
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(threads)),
            jobs: spawn_threads(threads),
            queue_timeout,
            dummy_hash: hash_v2("smmm-portal dummy password", cost)?,
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Hashes a new password at the configured cost (version 2).
    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        self.run(move || hash_v2(&password, cost)).await
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user, and
    /// answers `false` in that case whatever was typed.
    pub async fn verify(&self, password: &Password, hash: Option<&str>) -> Result<bool, ApiError> {
        let known_user = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.expose().to_owned();
        let matched = self.run(move || verify_any(&password, &hash)).await?;
        Ok(known_user && matched)
    }

    /// Whether a stored hash that just verified should be written again: an older version, or
    /// another cost than the configured one.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        match stored.strip_prefix(V2) {
            Some(bcrypt) => {
                let cost = bcrypt.parse::<bcrypt::HashParts>().map(|p| p.get_cost());
                cost.ok() != Some(self.cost)
            }
            None => true,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, bcrypt::BcryptError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let queued = std::time::Instant::now();
        let permit = tokio::time::timeout(self.queue_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                tracing::warn!("password check queue is full; answering 503");
                metrics::counter!("auth_password_check_refusals_total").increment(1);
                ApiError::busy()
            })?
            .map_err(|_| ApiError::internal())?;
        metrics::histogram!("auth_password_check_wait_seconds").record(queued.elapsed());
        let result = self.on_a_bcrypt_thread(permit, work).await?;
        result.map_err(|err| {
            // A malformed stored hash: a data problem, logged once, never shown.
            tracing::error!(%err, "bcrypt failed");
            ApiError::internal()
        })
    }

    /// Runs `work` on one of bcrypt's threads (the permit says one is free) and waits for it.
    async fn on_a_bcrypt_thread<T: Send + 'static>(
        &self,
        permit: OwnedSemaphorePermit,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit = permit;
            let _ = done.send(work());
        });
        self.jobs.send(job).map_err(|_| {
            tracing::error!("bcrypt's threads are gone");
            ApiError::internal()
        })?;
        result.await.map_err(|_| {
            tracing::error!("a bcrypt job ended without an answer");
            ApiError::internal()
        })
    }
}

/// The prefix of a version 2 hash (see the module's doc).
const V2: &str = "$smmm2$";

/// What version 2 gives bcrypt: 44 ASCII characters, whatever the password.
fn prehash(password: &str) -> String {
    let normalised: String = password.nfkc().collect();
    STANDARD.encode(Sha256::digest(normalised.as_bytes()))
}

fn hash_v2(password: &str, cost: u32) -> Result<String, bcrypt::BcryptError> {
    Ok(format!("{V2}{}", bcrypt::hash(prehash(password), cost)?))
}

/// Checks a password against a hash of either version. A version 1 hash was made of at most 72
/// bytes: a longer password never matches it (bcrypt would compare only its first 72).
fn verify_any(password: &str, stored: &str) -> Result<bool, bcrypt::BcryptError> {
    match stored.strip_prefix(V2) {
        Some(bcrypt) => bcrypt::verify(prehash(password), bcrypt),
        // Not `non_truncating_verify`: it refuses exactly 72 bytes too (the terminating NUL
        // would not fit), which version 1 accepted.
        None if password.len() > 72 => Ok(false),
        None => bcrypt::verify(password, stored),
    }
}

/// `count` threads named `bcrypt-N`, each at the lowest priority, taking jobs until `jobs` (the
/// sender answered) is dropped.
fn spawn_threads(count: usize) -> mpsc::Sender<Job> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..count {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("bcrypt-{n}"))
            .spawn(move || {
                if let Err(err) = thread_priority::set_current_thread_priority(
                    thread_priority::ThreadPriority::Min,
                ) {
                    tracing::debug!(?err, "bcrypt runs at normal priority");
                }
                loop {
                    // The lock is held only while waiting for the next job, never while running one.
                    let next = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::error!(%err, "could not start a bcrypt thread");
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_2_counts_every_byte_and_reads_composed_and_decomposed_letters_alike() {
        let long = "Çalışkan muhasebeci şubat ayı beyannamelerini öğleden önce gönderdi";
        assert!(long.len() > 72);
        let stored = hash_v2(long, 4).expect("hash");
        assert!(stored.starts_with(V2));
        assert!(verify_any(long, &stored).expect("verify"));
        // Only the last character differs, past bcrypt's 72 bytes: still another password.
        let other = format!("{}!", &long[..long.len() - 1]);
        assert!(!verify_any(&other, &stored).expect("verify"));
        // "ş" as one code point and as "s" with a combining cedilla: the same password.
        let composed = "parola-\u{015F}ifre-uzun";
        let decomposed = "parola-s\u{0327}ifre-uzun";
        let stored = hash_v2(composed, 4).expect("hash");
        assert!(verify_any(decomposed, &stored).expect("verify"));
    }

    #[test]
    fn version_1_hashes_still_verify_and_a_longer_password_never_matches_one() {
        let password = "x".repeat(72);
        let stored = bcrypt::hash(&password, 4).expect("hash");
        assert!(verify_any(&password, &stored).expect("verify"));
        assert!(!verify_any("y", &stored).expect("verify"));
        // bcrypt alone would read only the first 72 bytes and say yes.
        let longer = format!("{password}and more");
        assert!(!verify_any(&longer, &stored).expect("verify"));
    }

    #[test]
    fn an_old_version_or_another_cost_needs_a_rehash() {
        let hasher = PasswordHasher::new(4, 1, Duration::from_secs(5)).expect("hasher");
        let current = hash_v2("parola", 4).expect("hash");
        assert!(!hasher.needs_rehash(&current));
        assert!(hasher.needs_rehash(&hash_v2("parola", 5).expect("hash")));
        assert!(hasher.needs_rehash(&bcrypt::hash("parola", 4).expect("hash")));
    }
}
