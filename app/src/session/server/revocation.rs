//! How a revocation reaches every instance: the one place session rows are marked revoked, and
//! the watcher that feeds this instance's denylist with what the others revoke.
//!
//! - PostgreSQL (more than one instance): the rows are stamped by the database's clock and the
//!   ids published with `pg_notify` in the same transaction, so a listener hears of them the
//!   moment they commit. Each instance listens on a connection of its own; on every (re)connect,
//!   and every `revocation_poll` as a fallback, it catches up with a query by the database's
//!   clock over a window of one token lifetime, so nothing can fall between two looks.
//! - SQLite (one instance): the rows are stamped by the application's clock (SQLite's
//!   `CURRENT_TIMESTAMP` text does not compare with the stored RFC 3339 values), and the same
//!   catch-up runs every `revocation_poll` for the rare second process on the same file.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, TransactionTrait, Value,
};

use super::{denylist::Denylist, store};

/// The PostgreSQL channel revocations are published on, followed by `:` and the MD5 of the
/// schema in use: NOTIFY is database-wide, and offices (or test runs) kept in schemas of one
/// database must not hear each other. (A hash: a channel name holds at most 63 bytes.)
pub const CHANNEL: &str = "smmm_session_revoked";

/// The SQL that names this connection's channel.
const CHANNEL_SQL: &str = "$1 || ':' || md5(current_schema())";

/// A NOTIFY payload must stay under 8,000 bytes: 150 ids of 43 characters and a separator make
/// about 6.6 KB, with the time stamp in front.
const IDS_PER_NOTIFICATION: usize = 150;

/// How many fan-out lags are kept for the metrics.
const LAG_SAMPLES: usize = 1024;

/// Which live sessions to revoke.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    One(&'a str),
    /// Every live session of a user, but `except`.
    AllOf {
        user_id: i64,
        except: Option<&'a str>,
    },
}

/// Marks the live sessions `which` names revoked, and tells every instance; answers the ids that
/// this call revoked (none when they already were).
pub async fn revoke(
    db: &DatabaseConnection,
    which: Which<'_>,
    reason: &str,
) -> Result<Vec<String>, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        let now = Utc::now();
        return match which {
            Which::One(sid) => Ok(store::revoke(db, sid, reason, now)
                .await?
                .then(|| sid.to_owned())
                .into_iter()
                .collect()),
            Which::AllOf { user_id, except } => {
                store::revoke_all(db, user_id, except, reason, now).await
            }
        };
    }
    let (filter, mut values): (&str, Vec<Value>) = match which {
        Which::One(sid) => ("id = $2", vec![sid.into()]),
        Which::AllOf {
            user_id,
            except: Some(except),
        } => (
            "user_id = $2 AND id <> $3",
            vec![user_id.into(), except.into()],
        ),
        Which::AllOf {
            user_id,
            except: None,
        } => ("user_id = $2", vec![user_id.into()]),
    };
    values.insert(0, reason.into());
    // Stamped by the database: the instances' clocks never meet.
    let sql = format!(
        "UPDATE sessions SET revoked_at = now(), revoked_reason = $1 \
         WHERE {filter} AND revoked_at IS NULL RETURNING id"
    );
    let txn = db.begin().await?;
    let ids = txn
        .query_all_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in ids.chunks(IDS_PER_NOTIFICATION) {
        // Delivered when the transaction commits, and only then. The time stamp lets a listener
        // measure the fan-out lag.
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            format!(
                "SELECT pg_notify({CHANNEL_SQL}, \
                 (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text || ' ' || $2)"
            ),
            [CHANNEL.into(), chunk.join(",").into()],
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(ids)
}

/// Ids of the sessions revoked within `window` before now, by the database's clock on
/// PostgreSQL and by this process's on SQLite.
pub async fn revoked_within(
    db: &DatabaseConnection,
    window: Duration,
) -> Result<Vec<String>, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return store::revoked_since(db, Utc::now() - super::service::to_chrono(window)).await;
    }
    db.query_all_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT id FROM sessions WHERE revoked_at > now() - make_interval(secs => $1)",
        [window.as_secs_f64().into()],
    ))
    .await?
    .iter()
    .map(|row| row.try_get::<String>("", "id"))
    .collect()
}

/// Keeps this instance's denylist in step with the revocations of every instance.
pub struct RevocationWatcher {
    db: DatabaseConnection,
    denylist: Arc<Denylist>,
    /// How far back a catch-up looks: at least one token lifetime.
    window: Duration,
    poll: Duration,
    lags: Mutex<VecDeque<Duration>>,
    last_heard: Mutex<Option<DateTime<Utc>>>,
}

impl RevocationWatcher {
    pub fn new(
        db: DatabaseConnection,
        denylist: Arc<Denylist>,
        window: Duration,
        poll: Duration,
    ) -> Self {
        Self {
            db,
            denylist,
            window,
            poll,
            lags: Mutex::new(VecDeque::with_capacity(LAG_SAMPLES)),
            last_heard: Mutex::new(None),
        }
    }

    /// Starts the fallback catch-up and, on PostgreSQL, the listener. They run until the
    /// process ends.
    pub fn spawn(self: &Arc<Self>) {
        let watcher = Arc::clone(self);
        tokio::spawn(async move { watcher.poll_forever().await });
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            let watcher = Arc::clone(self);
            tokio::spawn(async move { watcher.listen_forever().await });
        }
    }

    /// The fan-out lags measured most recently (at most the last 1,024), oldest first.
    pub fn recent_lags(&self) -> Vec<Duration> {
        lock(&self.lags).iter().copied().collect()
    }

    /// When a catch-up last succeeded or a notification last arrived.
    pub fn last_heard(&self) -> Option<DateTime<Utc>> {
        *lock(&self.last_heard)
    }

    /// Whether this instance hears revocations: a catch-up succeeded, or a notification
    /// arrived, within the last three polls (and a couple of seconds' grace).
    pub fn is_current(&self) -> bool {
        let allowed = self.poll * 3 + Duration::from_secs(2);
        self.last_heard().is_some_and(|heard| {
            (Utc::now() - heard)
                .to_std()
                .map_or(true, |since| since <= allowed)
        })
    }

    /// Reads every revocation of the last token lifetime into the denylist.
    pub async fn catch_up(&self) -> Result<usize, DbErr> {
        let ids = revoked_within(&self.db, self.window).await?;
        for sid in &ids {
            self.denylist.insert(sid);
        }
        *lock(&self.last_heard) = Some(Utc::now());
        Ok(ids.len())
    }

    async fn poll_forever(&self) {
        let mut ticker = tokio::time::interval(self.poll);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(err) = self.catch_up().await {
                tracing::warn!(%err, "could not read revocations");
            }
            self.denylist.prune();
        }
    }

    async fn listen_forever(&self) {
        use sea_orm::sqlx::postgres::PgListener;
        let pool = self.db.get_postgres_connection_pool();
        let mut backoff = Duration::from_millis(100);
        loop {
            let mut listener = match PgListener::connect_with(pool).await {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(%err, "revocation listener: could not connect");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
            };
            let listening = match self.channel().await {
                Ok(channel) => listener.listen(&channel).await,
                Err(err) => Err(err),
            };
            if let Err(err) = listening {
                tracing::warn!(%err, "revocation listener: could not listen");
                tokio::time::sleep(backoff).await;
                continue;
            }
            backoff = Duration::from_millis(100);
            // Whatever was revoked while nobody listened.
            if let Err(err) = self.catch_up().await {
                tracing::warn!(%err, "revocation listener: catch-up failed");
            }
            tracing::debug!("revocation listener: listening");
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => self.heard(notification.payload()),
                    // The connection dropped and was made again (eagerly, before this answer):
                    // listening again, so catching up now leaves no gap.
                    Ok(None) => {
                        tracing::warn!("revocation listener: connection lost and re-made");
                        if let Err(err) = self.catch_up().await {
                            tracing::warn!(%err, "revocation listener: catch-up failed");
                        }
                    }
                    Err(err) => {
                        tracing::warn!(%err, "revocation listener: connection failed");
                        break;
                    }
                }
            }
        }
    }

    /// The channel of the schema this instance uses.
    async fn channel(&self) -> Result<String, sea_orm::sqlx::Error> {
        // Spelled out: sqlx takes only static SQL text here. The same as `CHANNEL_SQL`.
        sea_orm::sqlx::query_scalar("SELECT $1 || ':' || md5(current_schema())")
            .bind(CHANNEL)
            .fetch_one(self.db.get_postgres_connection_pool())
            .await
    }

    /// A notification: `<micros since the epoch> <id>,<id>,…`.
    fn heard(&self, payload: &str) {
        let Some((sent, ids)) = payload.split_once(' ') else {
            tracing::warn!("revocation listener: ignored a payload without a time stamp");
            return;
        };
        let mut heard = 0;
        for sid in ids.split(',') {
            if is_session_id(sid) {
                self.denylist.insert(sid);
                heard += 1;
            } else {
                tracing::warn!(
                    "revocation listener: ignored a payload entry that is not a session id"
                );
            }
        }
        *lock(&self.last_heard) = Some(Utc::now());
        if let Some(lag) = sent
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .and_then(|sent| (Utc::now() - sent).to_std().ok())
        {
            tracing::debug!(
                heard,
                lag_ms = lag.as_secs_f64() * 1000.0,
                "revocations heard"
            );
            metrics::histogram!("session_revocation_lag_seconds").record(lag);
            let mut lags = lock(&self.lags);
            if lags.len() == LAG_SAMPLES {
                lags.pop_front();
            }
            lags.push_back(lag);
        }
    }
}

/// A session id as `store::new_session_id` makes them: 43 base64url characters.
fn is_session_id(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Only plain values are kept under these locks: a panic elsewhere breaks no invariant.
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_session_ids_are_accepted() {
        assert!(is_session_id(&super::super::store::new_session_id()));
        assert!(!is_session_id(""));
        assert!(!is_session_id("x"));
        assert!(!is_session_id(&"a".repeat(44)));
        assert!(!is_session_id(&format!("{}'", "a".repeat(42))));
    }
}
