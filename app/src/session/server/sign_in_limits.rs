//! The sign-in limits: the one place sign-in attempts and password re-entries are counted. The
//! counters live in the database (`db::signin_limits`): every instance shares them, a restart
//! keeps them, and this process holds nothing per key whatever an attacker sends.
//!
//! The scheme (OWASP's "device cookies", ASVS 2.2.1), each attempt counted when it begins:
//! - per (account, client address): `max_failures_per_account` failures in the window, then 429;
//! - per account, from all addresses: after that many failures, attempts are checked one at a
//!   time, each only after a delay that doubles from one second up to `MAX_DELAY` (so at most
//!   about 100 failures an hour); a browser that has signed in to the account before carries a
//!   device cookie and is exempt, so a stranger being slowed down does not lock out the owner;
//! - per client address (IPv6 by its /64): `max_failures_per_address` in the window;
//! - a signed-in person's password re-entry: per session, so a stranger's failures never stop
//!   the owner from changing the password.
//!
//! A correct password is never refused because other attempts are in flight: an attempt beyond
//! the budget waits (at most `MAX_WAIT`) for the ones in flight on its key. Attempts refused
//! before bcrypt runs count as nothing.

use std::{net::IpAddr, time::Duration};

use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};

use super::config::AuthConfig;
use crate::db::signin_limits as counters;

/// The longest delay between two attempts on an account past its free failures: 36 s makes at
/// most 100 an hour.
const MAX_DELAY: Duration = Duration::from_secs(36);
/// How long an attempt waits for the attempts in flight on its key before it is refused.
const MAX_WAIT: Duration = Duration::from_secs(3);
/// An attempt in flight longer than this was lost with its process: it counts no more.
const STALE: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct SignInLimits {
    db: DatabaseConnection,
    per_pair: i64,
    per_address: i64,
    window: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pair,
    Address,
    Account,
    Session,
    /// A device cookie's own failures: what it spares the account's delay, it pays here.
    Device,
    /// The second step's codes, per account: whoever gets here has the password already.
    Code,
}

/// Wrong codes an account may see in `CODE_WINDOW` before code entry stops until it ends.
const CODE_MAX_FAILURES: i64 = 10;
const CODE_WINDOW: Duration = Duration::from_secs(60 * 60);

impl Kind {
    /// What the audit log says was limited.
    const fn label(self) -> &'static str {
        match self {
            Self::Pair => "account and address",
            Self::Address => "address",
            Self::Account => "account",
            Self::Session => "session",
            Self::Device => "device",
            Self::Code => "codes",
        }
    }
}

/// An attempt counted on its keys; `finish` must follow. One dropped unfinished (its request
/// cancelled: the client went away while bcrypt ran) gives its counts back by itself, so no
/// stranger can leave counts in flight to lock an account.
#[must_use = "an attempt must be finished"]
pub struct Attempt {
    limits: SignInLimits,
    keys: Vec<(Kind, String)>,
    /// Cleared by a correct password even when not counted (a trusted device skips it).
    account: Option<String>,
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let keys = std::mem::take(&mut self.keys);
        if keys.is_empty() {
            return;
        }
        let limits = self.limits.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let now = now_ms();
                for (kind, key) in &keys {
                    if let Err(err) = limits
                        .finish_key(*kind, key, Outcome::NotChecked, now)
                        .await
                    {
                        tracing::warn!(%err, "could not give back a cancelled sign-in attempt");
                    }
                }
            });
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Correct,
    Wrong,
    /// Stopped before the password was checked (the password queue was full, say).
    NotChecked,
}

impl Outcome {
    /// The outcome of a check that answered whether it matched, or could not run.
    pub fn of<E>(checked: &Result<bool, E>) -> Self {
        match checked {
            Ok(true) => Self::Correct,
            Ok(false) => Self::Wrong,
            Err(_) => Self::NotChecked,
        }
    }
}

/// A refused attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    /// Seconds until an attempt may succeed (`Retry-After`).
    pub retry_after: u64,
    /// The limits this refusal is the first of in their window: each worth one audit event
    /// ("account and address", "address", "account", "session").
    pub newly_limited: Vec<&'static str>,
}

impl SignInLimits {
    pub fn new(db: DatabaseConnection, config: &AuthConfig) -> Self {
        Self {
            db,
            per_pair: i64::from(config.max_failures_per_account),
            per_address: i64::from(config.max_failures_per_address),
            window: config.rate_limit_window,
        }
    }

    /// Counts a sign-in attempt on its keys before the password is checked, or refuses it.
    /// `device`: the id of this browser's device cookie for the account, when it has one: the
    /// device's own limit replaces the account's delay.
    pub async fn begin(
        &self,
        account: &str,
        address: Option<&str>,
        device: Option<&str>,
    ) -> Result<Result<Attempt, Limited>, DbErr> {
        let address = address.map_or_else(|| "unknown".to_owned(), address_group);
        let mut keys = vec![
            (Kind::Pair, format!("p:{account}|{address}")),
            (Kind::Address, format!("ip:{address}")),
        ];
        keys.push(match device {
            Some(device) => (Kind::Device, format!("d:{device}")),
            None => (Kind::Account, format!("a:{account}")),
        });
        self.begin_keys(keys, Some(format!("a:{account}"))).await
    }

    /// Counts a signed-in person's password re-entry on their session, or refuses it.
    pub async fn begin_reentry(&self, sid: &str) -> Result<Result<Attempt, Limited>, DbErr> {
        self.begin_keys(vec![(Kind::Session, format!("s:{sid}"))], None)
            .await
    }

    /// Counts an attempt at a second-step code for the account `user_id`: at most 10 wrong
    /// codes an hour, whichever challenge they came with.
    pub async fn begin_code(&self, user_id: i64) -> Result<Result<Attempt, Limited>, DbErr> {
        self.begin_keys(vec![(Kind::Code, format!("c:{user_id}"))], None)
            .await
    }

    async fn begin_keys(
        &self,
        keys: Vec<(Kind, String)>,
        account: Option<String>,
    ) -> Result<Result<Attempt, Limited>, DbErr> {
        // One key after the other, always in the same order: an attempt waiting for a key then
        // holds only keys before it, so attempts waiting for each other cannot form a cycle (side
        // by side they did: each held one key the others waited for, until all gave up).
        let mut counted = Attempt {
            limits: self.clone(),
            keys: Vec::with_capacity(keys.len()),
            account,
        };
        for (kind, key) in keys {
            let answer = self.begin_key(kind, &key).await;
            match answer {
                Ok(Ok(())) => counted.keys.push((kind, key)),
                Ok(Err(limited)) => {
                    self.finish(counted, Outcome::NotChecked).await?;
                    return Ok(Err(limited));
                }
                Err(err) => {
                    self.finish(counted, Outcome::NotChecked).await?;
                    return Err(err);
                }
            }
        }
        Ok(Ok(counted))
    }

    /// Counts one key, waiting for the attempts in flight on it when they alone fill the budget.
    async fn begin_key(&self, kind: Kind, key: &str) -> Result<Result<(), Limited>, DbErr> {
        let window = millis(if kind == Kind::Code {
            CODE_WINDOW
        } else {
            self.window
        });
        let stale = millis(STALE);
        let deadline = tokio::time::Instant::now() + MAX_WAIT;
        loop {
            let now = now_ms();
            let admitted = match kind {
                Kind::Account => {
                    counters::begin_account(&self.db, key, now, window, self.per_pair, stale)
                        .await?
                }
                Kind::Pair | Kind::Session | Kind::Device => {
                    counters::begin_fixed(&self.db, key, now, window, self.per_pair, stale).await?
                }
                Kind::Address => {
                    counters::begin_fixed(&self.db, key, now, window, self.per_address, stale)
                        .await?
                }
                Kind::Code => {
                    counters::begin_fixed(&self.db, key, now, window, CODE_MAX_FAILURES, stale)
                        .await?
                }
            };
            if admitted {
                return Ok(Ok(()));
            }
            let Some(counter) = counters::counter(&self.db, key).await? else {
                continue; // pruned in between: try again
            };
            let max = match kind {
                Kind::Address => self.per_address,
                Kind::Code => CODE_MAX_FAILURES,
                _ => self.per_pair,
            };
            let retry_after_ms = match kind {
                // Past its free failures, one attempt at a time: the one in flight will set a
                // delay of at least a second if it fails, so there is nothing to wait for.
                Kind::Account if counter.in_flight == 0 && counter.next_attempt_ms <= now => None,
                Kind::Account if counter.failures >= self.per_pair || counter.in_flight == 0 => {
                    Some(counter.next_attempt_ms - now)
                }
                Kind::Account => None,
                _ if counter.failures >= max => Some(counter.window_start_ms + window - now),
                _ => None,
            };
            let out_of_wait = tokio::time::Instant::now() >= deadline;
            if retry_after_ms.is_some() || out_of_wait {
                let retry_after_ms = retry_after_ms.unwrap_or(1000).max(1000);
                let first = counters::first_refusal_of_window(&self.db, key).await?;
                return Ok(Err(Limited {
                    retry_after: u64::try_from(retry_after_ms).map_or(1, |ms| ms.div_ceil(1000)),
                    newly_limited: if first {
                        vec![kind.label()]
                    } else {
                        Vec::new()
                    },
                }));
            }
            // Only attempts in flight fill the budget: their results decide.
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Ends an attempt: a correct password clears its account's counters, a wrong one adds a
    /// failure everywhere, an unchecked one gives its counts back.
    pub async fn finish(&self, mut attempt: Attempt, outcome: Outcome) -> Result<(), DbErr> {
        let now = now_ms();
        let mut keys = std::mem::take(&mut attempt.keys);
        // A correct password forgets the account's failures, even when a trusted device did not
        // count on them.
        if let Some(key) = attempt.account.take()
            && outcome == Outcome::Correct
            && !keys.iter().any(|(_, k)| *k == key)
        {
            keys.push((Kind::Account, key));
        }
        let ends = keys
            .iter()
            .map(|(kind, key)| self.finish_key(*kind, key, outcome, now));
        // Every key is ended even when one fails: none is left counted in flight.
        let results = futures::future::join_all(ends).await;
        results
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map(|_| ())
    }

    async fn finish_key(
        &self,
        kind: Kind,
        key: &str,
        outcome: Outcome,
        now: i64,
    ) -> Result<(), DbErr> {
        match (outcome, kind) {
            (Outcome::Correct, Kind::Pair | Kind::Account | Kind::Session | Kind::Device) => {
                counters::clear(&self.db, key).await
            }
            (Outcome::Correct | Outcome::NotChecked, _) => {
                counters::finish(&self.db, key, now, false)
                    .await
                    .map(|_| ())
            }
            (Outcome::Wrong, Kind::Account) => {
                // The delay is in place before the attempt stops counting as in flight: in
                // between, a waiting attempt would find neither and go ahead.
                let failures = counters::fail_keeping_in_flight(&self.db, key, now).await?;
                let until = account_delay(failures, self.per_pair).map_or(0, |d| now + millis(d));
                counters::release_with_delay(&self.db, key, until).await
            }
            (Outcome::Wrong, _) => counters::finish(&self.db, key, now, true).await.map(|_| ()),
        }
    }

    /// Counts one request of `who` (a client address, grouped as the sign-in's are, or an
    /// account id) under `scope` (password reset requests, say): at most `max` in `window`,
    /// then refused with the seconds until the window ends. Every request counts, not only
    /// failures: these are requests that send mail.
    pub async fn count_request(
        &self,
        scope: &str,
        who: Option<&str>,
        max: u32,
        window: Duration,
    ) -> Result<Result<(), u64>, DbErr> {
        let key = format!(
            "{scope}:{}",
            who.map_or_else(|| "unknown".to_owned(), address_group)
        );
        let now = now_ms();
        let window = millis(window);
        if counters::begin_fixed(&self.db, &key, now, window, i64::from(max), millis(STALE)).await?
        {
            counters::finish(&self.db, &key, now, true).await?;
            return Ok(Ok(()));
        }
        let ends = counters::counter(&self.db, &key)
            .await?
            .map_or(now + 1000, |c| c.window_start_ms + window);
        Ok(Err(
            u64::try_from((ends - now).max(1000)).map_or(1, |ms| ms.div_ceil(1000))
        ))
    }

    /// Whether the wrong codes counted for `user_id` have just filled the hour's budget: true
    /// for the failure that filled it, so the owner is told once.
    pub async fn code_budget_just_filled(&self, user_id: i64) -> Result<bool, DbErr> {
        Ok(counters::counter(&self.db, &format!("c:{user_id}"))
            .await?
            .is_some_and(|c| c.failures == CODE_MAX_FAILURES))
    }

    /// How long code entry stays stopped once the budget is full, at most.
    pub fn code_pause(&self) -> Duration {
        CODE_WINDOW
    }

    /// How long a counter nobody touches is kept: two windows, and at least a day (an
    /// account's delay must outlive its quiet window). The retention job deletes it after.
    pub fn counters_kept_for(&self) -> Duration {
        (self.window * 2).max(Duration::from_secs(24 * 60 * 60))
    }
}

/// The wait after an account's `failures`-th failure: none within its free failures, then 1 s,
/// 2 s, 4 s … up to `MAX_DELAY`.
fn account_delay(failures: i64, free: i64) -> Option<Duration> {
    let beyond = u32::try_from(failures - free).ok()?;
    let secs = 1_u64.checked_shl(beyond).unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs).min(MAX_DELAY))
}

/// The address a per-address limit counts: an IPv6 address by its /64 (one customer's
/// network: anyone can hold a whole /64), anything else as it is.
fn address_group(addr: &str) -> String {
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or(addr.to_owned(), |v4| v4.to_string()),
        _ => addr.to_owned(),
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_doubles_up_to_its_cap() {
        assert_eq!(account_delay(4, 5), None);
        assert_eq!(account_delay(5, 5), Some(Duration::from_secs(1)));
        assert_eq!(account_delay(6, 5), Some(Duration::from_secs(2)));
        assert_eq!(account_delay(10, 5), Some(Duration::from_secs(32)));
        assert_eq!(account_delay(11, 5), Some(MAX_DELAY));
        assert_eq!(account_delay(500, 5), Some(MAX_DELAY));
        // At the cap, an hour holds at most this many failures.
        assert!(3600 / MAX_DELAY.as_secs() <= 100);
    }

    #[test]
    fn ipv6_addresses_count_by_their_slash_64() {
        assert_eq!(address_group("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(
            address_group("2001:db8:1:2:ffff::1"),
            address_group("2001:db8:1:2::9")
        );
        assert_ne!(
            address_group("2001:db8:1:3::1"),
            address_group("2001:db8:1:2::1")
        );
        assert_eq!(address_group("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_group("::ffff:203.0.113.7"), "203.0.113.7");
    }
}
