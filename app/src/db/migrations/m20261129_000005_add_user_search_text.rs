use sea_orm_migration::prelude::*;

use super::m20261129_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsersSearch {
    SearchText,
}

/// Name and email, lower-cased by Rust (full Unicode: SQLite's `lower()` folds ASCII only, so
/// "ÖZTÜRK" would not match "öztürk" there), for the staff's user search. The column starts
/// empty; `db::users::backfill_search_text` fills it after the migration, in batches, outside
/// this migration's transaction (it used to run here, row by row, holding the table's lock).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(UsersSearch::SearchText)
                            .string_len(400)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(UsersSearch::SearchText)
                    .to_owned(),
            )
            .await
    }
}
