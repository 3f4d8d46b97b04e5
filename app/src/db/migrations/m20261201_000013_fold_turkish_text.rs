//! Turkish text in the users table (`domain::fold`): `users.sort_key`, the Turkish alphabetical
//! order as bytes (SQLite has no Turkish collation; PostgreSQL sorts by `tr-x-icu`), and every
//! `search_text` emptied so the start-up backfill (`db::users::backfill_folded_text`) writes it
//! again with the new folding (i, ı, İ and I alike; marks dropped), fills `sort_key` and brings
//! stored email addresses to the one spelling, refusing any that would collide with another.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsersFolded {
    SortKey,
    SearchText,
}

const SORT_INDEX: &str = "idx_users_sort_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(UsersFolded::SortKey)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SORT_INDEX)
                    .table(Users::Table)
                    .col(UsersFolded::SortKey)
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(UsersFolded::SearchText, "")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SORT_INDEX)
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(UsersFolded::SortKey)
                    .to_owned(),
            )
            .await
    }
}
