use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The sign-in limits, shared by every instance and kept over restarts (see
/// `db::signin_limits`). Times are milliseconds since the epoch: compared and added in SQL alike
/// on SQLite and PostgreSQL.
#[derive(DeriveIden)]
enum SigninLimits {
    Table,
    Key,
    Failures,
    InFlight,
    InFlightMs,
    WindowStartMs,
    NextAttemptMs,
    AuditedMs,
    UpdatedMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let millis = |column: SigninLimits| {
            ColumnDef::new(column)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SigninLimits::Table)
                    .col(
                        ColumnDef::new(SigninLimits::Key)
                            .string_len(400)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SigninLimits::Failures)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SigninLimits::InFlight)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(millis(SigninLimits::InFlightMs))
                    .col(millis(SigninLimits::WindowStartMs))
                    .col(millis(SigninLimits::NextAttemptMs))
                    .col(millis(SigninLimits::AuditedMs))
                    .col(millis(SigninLimits::UpdatedMs))
                    .to_owned(),
            )
            .await?;
        // Pruning finds old rows by this.
        manager
            .create_index(
                Index::create()
                    .name("idx_signin_limits_updated")
                    .table(SigninLimits::Table)
                    .col(SigninLimits::UpdatedMs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SigninLimits::Table).to_owned())
            .await
    }
}
