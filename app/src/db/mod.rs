//! The database: connecting (SQLite or PostgreSQL, chosen by the URL), migrations, entities,
//! and the audit log.

pub mod audit;
pub mod entities;
pub mod migrations;
pub mod users;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

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
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schema: None,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }
}

/// A stored time as the API shows it: RFC 3339, UTC, whole seconds.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Opens the pool, switches SQLite to WAL, creates the PostgreSQL schema when one is named,
/// and applies every pending migration.
pub async fn connect_and_migrate(options: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    if let Some(schema) = &options.schema {
        // The schema must exist before a pool whose search_path names it is used.
        let admin = Database::connect(pool_options(options, None)).await?;
        admin
            .execute_unprepared(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                schema.replace('"', "")
            ))
            .await?;
        admin.close().await?;
    }
    let db = Database::connect(pool_options(options, options.schema.as_deref())).await?;
    if options.is_sqlite() {
        // WAL lets readers run beside the writer; the setting is stored in the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    migrations::Migrator::up(&db, None).await?;
    Ok(db)
}

fn pool_options(options: &DbOptions, schema: Option<&str>) -> ConnectOptions {
    let mut opts = ConnectOptions::new(options.url.clone());
    opts.max_connections(options.max_connections)
        .min_connections(1)
        .acquire_timeout(options.acquire_timeout)
        .connect_timeout(options.acquire_timeout)
        .sqlx_logging(false);
    if let Some(schema) = schema {
        opts.set_schema_search_path(schema);
    }
    opts
}
