//! Retention: what the tables would otherwise keep forever. Every `interval` (10 minutes), in
//! batches, it deletes the session rows that ended more than `sessions_after` ago, the audit
//! events older than `audit_after` (when the office set one) and the sign-in counters nobody
//! touched for `counters_after`, the two-step sign-in challenges a day after their end, the
//! account links (reset, invitation, email change) a week after theirs, and the mail queue's
//! rows a week after they were sent or given up.
//!
//! On PostgreSQL one instance does it at a time: the run holds an advisory lock on a connection
//! of its own (which also has no `statement_timeout`: a first run on a large table may take a
//! while). An instance that finds the lock taken skips its turn.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QuerySelect, QueryTrait, Statement, sea_query::Condition,
};

use super::{
    DbOptions,
    entities::{auth_events, sessions},
    pool_options, signin_limits,
};

/// Rows deleted per statement: short transactions, no long lock on a busy table.
const BATCH: u64 = 1_000;

/// How long each kind of row is kept after it stopped mattering.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// After a session ended (revoked, past its absolute end, or idle).
    pub sessions_after: Duration,
    /// After an audit event was recorded; `None` keeps them forever.
    pub audit_after: Option<Duration>,
    /// The idle timeout: a session idle that long has ended.
    pub idle_timeout: Duration,
    /// After a sign-in counter was last touched.
    pub counters_after: Duration,
}

/// What one run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub audit_events: u64,
    pub signin_counters: u64,
    pub sign_in_challenges: u64,
    pub account_links: u64,
    pub mail: u64,
}

/// Deletes what `policy` no longer keeps, as of `now`, in batches.
pub async fn prune(
    db: &impl ConnectionTrait,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Pruned, DbErr> {
    let before =
        |age: Duration| now - chrono::Duration::from_std(age).unwrap_or(chrono::TimeDelta::MAX);
    let ended_before = before(policy.sessions_after);
    let idle_before =
        ended_before - chrono::Duration::from_std(policy.idle_timeout).unwrap_or_default();
    // Ended before the cut-off: revoked, past its absolute end, or idle since long before.
    let ended = Condition::any()
        .add(sessions::Column::RevokedAt.lt(ended_before))
        .add(sessions::Column::ExpiresAt.lt(ended_before))
        .add(sessions::Column::LastSeenAt.lt(idle_before));
    let mut pruned = Pruned {
        sessions: delete_in_batches::<sessions::Entity>(db, sessions::Column::Id, ended).await?,
        ..Pruned::default()
    };
    if let Some(audit_after) = policy.audit_after {
        let recorded_before =
            Condition::all().add(auth_events::Column::CreatedAt.lt(before(audit_after)));
        pruned.audit_events =
            delete_in_batches::<auth_events::Entity>(db, auth_events::Column::Id, recorded_before)
                .await?;
    }
    pruned.signin_counters =
        signin_limits::prune(db, before(policy.counters_after).timestamp_millis()).await?;
    // A two-step challenge is good for minutes; a day after its end it tells nothing more.
    pruned.sign_in_challenges =
        super::second_factors::prune_challenges(db, now - chrono::Duration::days(1)).await?;
    // A link's row answers "was this link used?" for a week after its end; then nothing.
    let week_ago = now - chrono::Duration::days(7);
    pruned.account_links = super::account_links::prune(db, week_ago).await?;
    pruned.mail = super::outgoing_mail::prune(db, week_ago).await?;
    Ok(pruned)
}

/// Deletes the rows of `E` that match `condition`, `BATCH` at a time (by `id`), until none
/// are left; answers how many.
async fn delete_in_batches<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    condition: Condition,
) -> Result<u64, DbErr> {
    let mut deleted = 0;
    loop {
        let batch = E::find()
            .select_only()
            .column(id)
            .filter(condition.clone())
            .limit(BATCH)
            .into_query();
        let now = E::delete_many()
            .filter(id.in_subquery(batch))
            .exec(db)
            .await?
            .rows_affected;
        deleted += now;
        if now < BATCH {
            return Ok(deleted);
        }
    }
}

/// The background job: its own connection, its schedule, its lock.
pub struct RetentionJob {
    db: DatabaseConnection,
    policy: Policy,
    interval: Duration,
    lock_key: String,
}

impl RetentionJob {
    /// On PostgreSQL, a pool of one connection of its own (opened when first needed); on SQLite,
    /// `shared`, the request pool (one process writes the file at a time anyway).
    pub async fn new(
        options: &DbOptions,
        shared: &DatabaseConnection,
        policy: Policy,
        interval: Duration,
    ) -> Result<Self, DbErr> {
        let db = if options.is_sqlite() {
            shared.clone()
        } else {
            let mut single = pool_options(options, options.schema.as_deref());
            single
                .max_connections(1)
                .min_connections(0)
                .connect_lazy(true);
            // Lazily: this does not wait for the database, which may be away at start.
            Database::connect(single).await?
        };
        Ok(Self {
            db,
            policy,
            interval,
            lock_key: format!(
                "smmm_retention:{}",
                options.schema.as_deref().unwrap_or("public")
            ),
        })
    }

    /// One run: `None` when another instance holds the lock (it is doing this run).
    pub async fn run_once(&self) -> Result<Option<Pruned>, DbErr> {
        if self.db.get_database_backend() != DatabaseBackend::Postgres {
            return prune(&self.db, &self.policy, Utc::now()).await.map(Some);
        }
        let locked = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
                [self.lock_key.clone().into()],
            ))
            .await?
            .map(|row| row.try_get::<bool>("", "locked"))
            .transpose()?
            .unwrap_or(false);
        if !locked {
            return Ok(None);
        }
        let result = prune(&self.db, &self.policy, Utc::now()).await;
        // The pool has one connection: this is the session that holds the lock.
        if let Err(err) = self
            .db
            .execute_unprepared("SELECT pg_advisory_unlock_all()")
            .await
        {
            tracing::warn!(%err, "could not release the retention lock (it ends with the connection)");
        }
        result.map(Some)
    }

    /// Runs now, then every `interval`, for the life of the process.
    pub fn spawn(self) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(self.interval);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match self.run_once().await {
                    Ok(Some(pruned)) if pruned != Pruned::default() => {
                        tracing::info!(
                            sessions = pruned.sessions,
                            audit_events = pruned.audit_events,
                            signin_counters = pruned.signin_counters,
                            sign_in_challenges = pruned.sign_in_challenges,
                            account_links = pruned.account_links,
                            mail = pruned.mail,
                            "retention: old rows deleted"
                        );
                    }
                    Ok(Some(_)) => tracing::debug!("retention: nothing to delete"),
                    Ok(None) => tracing::debug!("retention: another instance is running it"),
                    Err(err) => tracing::warn!(%err, "retention: could not delete old rows"),
                }
            }
        });
    }
}
