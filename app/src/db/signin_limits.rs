//! Sign-in counters in the database: one row per key, each change one atomic statement
//! (`INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING`), so every instance shares them and a
//! restart keeps them. Times are milliseconds since the epoch. The rules live in
//! `session::server::sign_in_limits`; this module only counts.
//!
//! A row counts `failures` within a window and the attempts `in_flight` (begun, not finished; an
//! in-flight count older than `stale_ms` is taken for a crashed process and dropped).

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

/// What a key's row says, for a refusal's `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: i64,
    pub in_flight: i64,
    pub window_start_ms: i64,
    pub next_attempt_ms: i64,
}

/// The SQL with `$n` placeholders, as each engine writes them (SQLite: `?n`).
fn statement(
    db: &impl ConnectionTrait,
    sql: &str,
    values: impl IntoIterator<Item = Value>,
) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The in-flight count, stale ones dropped: `$2` now, `$5` staleness.
const IN_FLIGHT: &str =
    "(CASE WHEN signin_limits.in_flight_ms <= $2 - $5 THEN 0 ELSE signin_limits.in_flight END)";

/// Counts an attempt on a fixed-window key (`window_ms`, at most `max` failures, attempts in
/// flight included): `true` when it may go ahead, `false` when the budget is used up (see
/// `counter` for why).
pub async fn begin_fixed(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
    window_ms: i64,
    max: i64,
    stale_ms: i64,
) -> Result<bool, DbErr> {
    let expired = "signin_limits.window_start_ms <= $2 - $3";
    let sql = format!(
        "INSERT INTO signin_limits \
           (key, failures, in_flight, in_flight_ms, window_start_ms, updated_ms) \
         VALUES ($1, 0, 1, $2, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN {expired} THEN 0 ELSE signin_limits.failures END, \
           window_start_ms = CASE WHEN {expired} THEN $2 ELSE signin_limits.window_start_ms END, \
           in_flight = {IN_FLIGHT} + 1, in_flight_ms = $2, updated_ms = $2 \
         WHERE {expired} OR signin_limits.failures + {IN_FLIGHT} < $4 \
         RETURNING failures"
    );
    admitted(
        db,
        &sql,
        [
            key.into(),
            now_ms.into(),
            window_ms.into(),
            max.into(),
            stale_ms.into(),
        ],
    )
    .await
}

/// Counts an attempt on an account: free while `failures + in flight < free`, then one at a time
/// and not before `next_attempt_ms`. Failures are forgotten after `quiet_ms` without attempts.
pub async fn begin_account(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
    quiet_ms: i64,
    free: i64,
    stale_ms: i64,
) -> Result<bool, DbErr> {
    let quiet = "signin_limits.updated_ms <= $2 - $3";
    let failures = format!("(CASE WHEN {quiet} THEN 0 ELSE signin_limits.failures END)");
    let sql = format!(
        "INSERT INTO signin_limits \
           (key, failures, in_flight, in_flight_ms, window_start_ms, updated_ms) \
         VALUES ($1, 0, 1, $2, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = {failures}, \
           window_start_ms = CASE WHEN {quiet} THEN $2 ELSE signin_limits.window_start_ms END, \
           next_attempt_ms = CASE WHEN {quiet} THEN 0 ELSE signin_limits.next_attempt_ms END, \
           in_flight = {IN_FLIGHT} + 1, in_flight_ms = $2, updated_ms = $2 \
         WHERE {failures} + {IN_FLIGHT} < $4 \
            OR ({IN_FLIGHT} = 0 AND ({quiet} OR signin_limits.next_attempt_ms <= $2)) \
         RETURNING failures"
    );
    admitted(
        db,
        &sql,
        [
            key.into(),
            now_ms.into(),
            quiet_ms.into(),
            free.into(),
            stale_ms.into(),
        ],
    )
    .await
}

/// Runs a counting upsert: it answers a row when the attempt was counted, none when its `WHERE`
/// refused.
async fn admitted(db: &impl ConnectionTrait, sql: &str, values: [Value; 5]) -> Result<bool, DbErr> {
    let rows = db.query_all_raw(statement(db, sql, values)).await?;
    Ok(!rows.is_empty())
}

/// Ends an attempt counted by `begin_*`: a failure is added (answering the failures now), or
/// the attempt is given back.
pub async fn finish(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
    failed: bool,
) -> Result<i64, DbErr> {
    let rows = db
        .query_all_raw(statement(
            db,
            "UPDATE signin_limits SET \
               failures = failures + $3, \
               in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END, \
               updated_ms = $2 \
             WHERE key = $1 RETURNING failures",
            [key.into(), now_ms.into(), i64::from(failed).into()],
        ))
        .await?;
    rows.first()
        .map_or(Ok(0), |row| row.try_get::<i64>("", "failures"))
}

/// Adds a failure to `key` while its attempt still counts as in flight; answers the failures.
pub async fn fail_keeping_in_flight(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
) -> Result<i64, DbErr> {
    let rows = db
        .query_all_raw(statement(
            db,
            "UPDATE signin_limits SET failures = failures + 1, updated_ms = $2 \
             WHERE key = $1 RETURNING failures",
            [key.into(), now_ms.into()],
        ))
        .await?;
    rows.first()
        .map_or(Ok(0), |row| row.try_get::<i64>("", "failures"))
}

/// Ends an attempt on `key`, no attempt to begin before `until_ms` (a later delay already set
/// stays).
pub async fn release_with_delay(
    db: &impl ConnectionTrait,
    key: &str,
    until_ms: i64,
) -> Result<(), DbErr> {
    db.execute_raw(statement(
        db,
        "UPDATE signin_limits SET \
           next_attempt_ms = CASE WHEN $2 > next_attempt_ms THEN $2 ELSE next_attempt_ms END, \
           in_flight = CASE WHEN in_flight > 0 THEN in_flight - 1 ELSE 0 END \
         WHERE key = $1",
        [key.into(), until_ms.into()],
    ))
    .await
    .map(|_| ())
}

/// Forgets `key`: a correct password for the account.
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    db.execute_raw(statement(
        db,
        "DELETE FROM signin_limits WHERE key = $1",
        [key.into()],
    ))
    .await
    .map(|_| ())
}

/// The row of `key`, if any.
pub async fn counter(db: &impl ConnectionTrait, key: &str) -> Result<Option<Counter>, DbErr> {
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT failures, in_flight, window_start_ms, next_attempt_ms \
             FROM signin_limits WHERE key = $1",
            [key.into()],
        ))
        .await?;
    rows.first()
        .map(|row| {
            Ok(Counter {
                failures: row.try_get::<i64>("", "failures")?,
                in_flight: row.try_get::<i64>("", "in_flight")?,
                window_start_ms: row.try_get("", "window_start_ms")?,
                next_attempt_ms: row.try_get("", "next_attempt_ms")?,
            })
        })
        .transpose()
}

/// Marks the current window of `key` as audited: `true` for the first caller of each window, so
/// a limited key writes one audit event per window, not one per request.
pub async fn first_refusal_of_window(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    let result = db
        .execute_raw(statement(
            db,
            "UPDATE signin_limits SET audited_ms = window_start_ms \
             WHERE key = $1 AND audited_ms <> window_start_ms",
            [key.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes the rows untouched since `before_ms`; answers how many.
pub async fn prune(db: &impl ConnectionTrait, before_ms: i64) -> Result<u64, DbErr> {
    let result = db
        .execute_raw(statement(
            db,
            "DELETE FROM signin_limits WHERE updated_ms < $1",
            [before_ms.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}
