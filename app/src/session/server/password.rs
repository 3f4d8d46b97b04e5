//! bcrypt, off the async runtime and behind a bound.
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

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
