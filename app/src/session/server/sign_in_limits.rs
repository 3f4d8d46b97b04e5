//! The sign-in limits: the one place sign-in attempts and password re-entries are counted, per
//! account and per client address. Counted in this process's memory for now (`FailureLimiter`).

use super::{config::AuthConfig, rate_limit::FailureLimiter};

pub struct SignInLimits {
    account: FailureLimiter,
    address: FailureLimiter,
}

impl SignInLimits {
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            account: FailureLimiter::new(config.max_failures_per_account, config.rate_limit_window),
            address: FailureLimiter::new(config.max_failures_per_address, config.rate_limit_window),
        }
    }

    /// Counts a sign-in attempt against its account and its address before the password is
    /// checked, or refuses it with the seconds until it may be tried again. A refused attempt
    /// counts against neither.
    pub fn begin(&self, account: &str, address: &str) -> Result<(), u64> {
        match (
            self.account.begin_attempt(account),
            self.address.begin_attempt(address),
        ) {
            (Ok(()), Ok(())) => Ok(()),
            (Ok(()), Err(retry_after)) => {
                self.account.attempt_succeeded(account);
                Err(retry_after)
            }
            (Err(retry_after), Ok(())) => {
                self.address.attempt_succeeded(address);
                Err(retry_after)
            }
            (Err(account_wait), Err(address_wait)) => Err(account_wait.max(address_wait)),
        }
    }

    /// The password was right: the account's failures are forgotten, and the address gets its
    /// attempt back.
    pub fn succeeded(&self, account: &str, address: &str) {
        self.account.reset(account);
        self.address.attempt_succeeded(address);
    }

    /// A signed-in person types their password again (to change it, or to confirm ending
    /// sessions): counted against the account, so a stolen cookie is no way to guess it.
    pub fn begin_reentry(&self, account: &str) -> Result<(), u64> {
        self.account.begin_attempt(account)
    }

    /// The re-entered password was right: the attempt is given back.
    pub fn reentry_succeeded(&self, account: &str) {
        self.account.attempt_succeeded(account);
    }
}
