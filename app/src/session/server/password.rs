//! bcrypt, off the async runtime and behind a bound.
//!
//! Each verify takes a blocking-pool thread for a few hundred milliseconds. A semaphore caps how
//! many run at once; a request that cannot get a permit within the queue timeout is answered 503
//! instead of stalling everything else on the machine.

use std::{sync::Arc, time::Duration};

use tokio::sync::Semaphore;

use crate::{domain::Password, error::ApiError};

pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
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
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            queue_timeout,
            dummy_hash: bcrypt::hash("smmm-portal dummy password", cost)?,
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Hashes a new password at the configured cost.
    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        self.run(move || bcrypt::hash(password, cost)).await
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user, and
    /// answers `false` in that case whatever was typed.
    pub async fn verify(&self, password: &Password, hash: Option<&str>) -> Result<bool, ApiError> {
        let known_user = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.expose().to_owned();
        let matched = self.run(move || bcrypt::verify(password, &hash)).await?;
        Ok(known_user && matched)
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
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|err| {
            tracing::error!(%err, "password task failed");
            ApiError::internal()
        })?;
        result.map_err(|err| {
            // A malformed stored hash: a data problem, logged once, never shown.
            tracing::error!(%err, "bcrypt failed");
            ApiError::internal()
        })
    }
}
