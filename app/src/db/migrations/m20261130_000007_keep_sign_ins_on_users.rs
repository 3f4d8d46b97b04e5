use sea_orm_migration::prelude::*;

use super::m20261129_000001_create_users::Users;

/// A user's last two sign-ins kept on the user (the client dashboard's "previous sign-in"), so
/// that deleting ended sessions after `SESSION_RETENTION_DAYS` loses nothing a person sees;
/// filled from the session rows that exist today. And the indexes that keep the dashboards and
/// the audit log fast at size.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignIns {
    LastSignInAt,
    LastSignInSession,
    LastSignInAddr,
    LastSignInAgent,
    PreviousSignInAt,
    PreviousSignInAddr,
    PreviousSignInAgent,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    RevokedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuthEvents {
    Table,
    Id,
    Kind,
    UserId,
    CreatedAt,
}

/// Fills a user column from the user's `nth` newest session (0-based).
fn backfill(column: &str, from: &str, nth: u32) -> String {
    format!(
        "UPDATE users SET {column} = (SELECT s.{from} FROM sessions s WHERE s.user_id = users.id \
         ORDER BY s.created_at DESC, s.id DESC LIMIT 1 OFFSET {nth})"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(SignIns::LastSignInAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::LastSignInSession)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::LastSignInAddr)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::LastSignInAgent)
                .string_len(512)
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::PreviousSignInAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::PreviousSignInAddr)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(SignIns::PreviousSignInAgent)
                .string_len(512)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        for (column, from, nth) in [
            ("last_sign_in_at", "created_at", 0),
            ("last_sign_in_session", "id", 0),
            ("last_sign_in_addr", "client_addr", 0),
            ("last_sign_in_agent", "user_agent", 0),
            ("previous_sign_in_at", "created_at", 1),
            ("previous_sign_in_addr", "client_addr", 1),
            ("previous_sign_in_agent", "user_agent", 1),
        ] {
            db.execute_unprepared(&backfill(column, from, nth)).await?;
        }

        // The dashboard counts live sessions: only the rows not revoked, by their end.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_live_expires")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .and_where(Expr::col(Sessions::RevokedAt).is_null())
                    .to_owned(),
            )
            .await?;
        // The audit log pages by id (newest first), filtered by kind or by user.
        for (name, column) in [
            ("idx_auth_events_kind_id", AuthEvents::Kind),
            ("idx_auth_events_user_id_id", AuthEvents::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuthEvents::Table)
                        .col(column)
                        .col(AuthEvents::Id)
                        .to_owned(),
                )
                .await?;
        }
        // Replaced by the one above.
        manager
            .drop_index(
                Index::drop()
                    .name("idx_auth_events_user_created")
                    .table(AuthEvents::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_events_user_created")
                    .table(AuthEvents::Table)
                    .col(AuthEvents::UserId)
                    .col(AuthEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        for name in ["idx_auth_events_kind_id", "idx_auth_events_user_id_id"] {
            manager
                .drop_index(Index::drop().name(name).table(AuthEvents::Table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_live_expires")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            SignIns::LastSignInAt,
            SignIns::LastSignInSession,
            SignIns::LastSignInAddr,
            SignIns::LastSignInAgent,
            SignIns::PreviousSignInAt,
            SignIns::PreviousSignInAddr,
            SignIns::PreviousSignInAgent,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
