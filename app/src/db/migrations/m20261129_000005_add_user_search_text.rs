use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, Statement},
};

use super::m20261129_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsersSearch {
    SearchText,
}

/// Name and email, lower-cased by Rust (full Unicode: SQLite's `lower()` folds ASCII only, so
/// "ÖZTÜRK" would not match "öztürk" there), for the staff's user search.
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
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, name, email FROM users",
            ))
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let name: String = row.try_get("", "name")?;
            let email: String = row.try_get("", "email")?;
            let update = Query::update()
                .table(Users::Table)
                .value(
                    UsersSearch::SearchText,
                    crate::db::users::search_text(&name, &email),
                )
                .and_where(Expr::col(Users::Id).eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
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
