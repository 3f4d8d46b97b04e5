//! The one place migrations run, and how the schema stands against this build.
//!
//! On PostgreSQL, `migrate` holds an advisory lock (one per schema) on a connection of its own
//! for the whole run: instances or `server migrate`s started at once take turns, and the later
//! ones find nothing left to do. Data backfills run after the schema change, in batches, outside
//! the migration's transaction, so no table stays locked while rows are rewritten.

use sea_orm::{
    ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, Statement,
};
use sea_orm_migration::{MigratorTrait, SchemaManager, seaql_migrations};

use super::{DbOptions, migrations::Migrator, pool_options};

/// Which migrations a database has, against the ones this build knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Known to this build and applied.
    pub applied: Vec<String>,
    /// Known to this build, not applied yet: `server migrate` applies them.
    pub pending: Vec<String>,
    /// Applied by a newer build: tolerated (migrations only add), but this build cannot
    /// migrate such a database.
    pub newer: Vec<String>,
}

impl SchemaStatus {
    /// Whether this build can serve the database as it is.
    pub fn is_ready(&self) -> bool {
        self.pending.is_empty()
    }
}

/// How the schema of `db` stands against this build.
pub async fn status(db: &DatabaseConnection) -> Result<SchemaStatus, DbErr> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let manager = SchemaManager::new(db);
    let done: Vec<String> = if manager.has_table("seaql_migrations").await? {
        seaql_migrations::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.version)
            .collect()
    } else {
        Vec::new()
    };
    Ok(SchemaStatus {
        applied: known.iter().filter(|k| done.contains(k)).cloned().collect(),
        pending: known
            .iter()
            .filter(|k| !done.contains(k))
            .cloned()
            .collect(),
        newer: done.into_iter().filter(|d| !known.contains(d)).collect(),
    })
}

/// Creates the PostgreSQL schema when one is named, applies every pending migration, then runs
/// the data backfills. Safe to run from several processes at once.
pub async fn migrate(options: &DbOptions) -> Result<(), DbErr> {
    // SQLite has no advisory lock: an exclusive lock on a file beside the database does the same
    // for processes on this machine (the only ones that can share a SQLite file). Held until
    // the end of this function.
    let _file_lock = match options.sqlite_file() {
        Some(file) => Some(lock_file(file).await?),
        None => None,
    };
    // One connection: the advisory lock belongs to the session that took it.
    let mut single = pool_options(options, options.schema.as_deref());
    single.max_connections(1).min_connections(1);
    let db = Database::connect(single).await?;
    let result = migrate_on(&db, options).await;
    db.close().await?;
    result
}

async fn migrate_on(db: &DatabaseConnection, options: &DbOptions) -> Result<(), DbErr> {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    if postgres {
        let key = format!(
            "smmm_migrate:{}",
            options.schema.as_deref().unwrap_or("public")
        );
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_lock(hashtext($1))",
            [key.into()],
        ))
        .await?;
        if let Some(schema) = &options.schema {
            db.execute_unprepared(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                schema.replace('"', "")
            ))
            .await?;
        }
    } else {
        // WAL lets readers run beside the writer; the setting is stored in the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Migrator::up(db, None).await?;
    super::users::backfill_folded_text(db).await?;
    // The lock ends with the connection too; unlocking says so sooner.
    if postgres {
        db.execute_unprepared("SELECT pg_advisory_unlock_all()")
            .await?;
    }
    Ok(())
}

async fn lock_file(database: std::path::PathBuf) -> Result<std::fs::File, DbErr> {
    let mut path = database.into_os_string();
    path.push(".migrate-lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&path)?;
        file.lock()?; // waits for the other process
        Ok(file)
    })
    .await
    .map_err(|err| DbErr::Custom(format!("migration lock: {err}")))?
    .map_err(|err: std::io::Error| DbErr::Custom(format!("migration lock: {err}")))
}
