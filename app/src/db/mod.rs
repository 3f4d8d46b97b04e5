//! The database: connecting (SQLite or PostgreSQL, chosen by the URL), migrations, entities,
//! and the audit log.

pub mod account_links;
pub mod audit;
pub mod entities;
pub mod migrations;
pub mod outgoing_mail;
pub mod retention;
pub mod schema;
pub mod second_factors;
pub mod signin_limits;
pub mod users;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path?mode=rwc` or `postgres://…`.
    pub url: String,
    /// PostgreSQL only: create and use this schema (tests give each run its own).
    pub schema: Option<String>,
    pub max_connections: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub acquire_timeout: Duration,
    /// Statements that take longer are logged at warn, with the request they ran for.
    pub slow_statement: Duration,
    /// PostgreSQL: a statement of the request pool that runs longer is cancelled by the server
    /// (`statement_timeout`), so one bad query cannot hold a connection for minutes. Not applied
    /// to migrations, backfills or the retention job, which have their own connections.
    pub statement_timeout: Option<Duration>,
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schema: None,
            max_connections: 10,
            slow_statement: Duration::from_millis(500),
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: Some(Duration::from_secs(5)),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    /// The SQLite database file, when there is one (not for `sqlite::memory:`).
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        let path = self.url.strip_prefix("sqlite://")?.split('?').next()?;
        (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
    }
}

/// A stored time as the API shows it: RFC 3339, UTC, whole seconds.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Opens the request pool. It does not migrate: see `schema`.
pub async fn connect(options: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    request_pool(options, false).await
}

/// The request pool, connecting only when first used: for a server that starts while its
/// database is away.
pub async fn connect_lazily(options: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    request_pool(options, true).await
}

async fn request_pool(options: &DbOptions, lazy: bool) -> Result<DatabaseConnection, DbErr> {
    let mut pool = pool_options(options, options.schema.as_deref());
    pool.connect_lazy(lazy);
    if let Some(limit) = options.statement_timeout {
        let millis = limit.as_millis().to_string();
        pool.map_sqlx_postgres_opts(move |pg| pg.options([("statement_timeout", millis.as_str())]));
    }
    Database::connect(pool).await
}

/// Brings the schema up to date (see `schema::migrate`), then opens the pool: development and
/// tests.
pub async fn connect_and_migrate(options: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    schema::migrate(options).await?;
    connect(options).await
}

fn pool_options(options: &DbOptions, schema: Option<&str>) -> ConnectOptions {
    let mut opts = ConnectOptions::new(options.url.clone());
    opts.max_connections(options.max_connections)
        .min_connections(1)
        .acquire_timeout(options.acquire_timeout)
        .connect_timeout(options.acquire_timeout)
        // Statements are logged only when slow (their SQL text: values are bound, never shown).
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Trace)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, options.slow_statement);
    if let Some(schema) = schema {
        opts.set_schema_search_path(schema);
    }
    opts
}
