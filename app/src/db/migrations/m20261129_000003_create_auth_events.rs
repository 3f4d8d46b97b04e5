use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuthEvents {
    Table,
    Id,
    Kind,
    UserId,
    AttemptedEmail,
    ClientAddr,
    UserAgent,
    CreatedAt,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthEvents::Table)
                    .col(
                        ColumnDef::new(AuthEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuthEvents::Kind).string_len(32).not_null())
                    // No foreign key: the audit log outlives the accounts it mentions.
                    .col(ColumnDef::new(AuthEvents::UserId).big_integer().null())
                    .col(
                        ColumnDef::new(AuthEvents::AttemptedEmail)
                            .string_len(254)
                            .null(),
                    )
                    .col(ColumnDef::new(AuthEvents::ClientAddr).string_len(64).null())
                    .col(ColumnDef::new(AuthEvents::UserAgent).string_len(512).null())
                    .col(
                        ColumnDef::new(AuthEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuthEvents::Detail).string_len(512).null())
                    .to_owned(),
            )
            .await?;
        // Newest first, by kind (the dashboard's 24-hour counts) and by user.
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_events_kind_created")
                    .table(AuthEvents::Table)
                    .col(AuthEvents::Kind)
                    .col(AuthEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
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
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_events_created")
                    .table(AuthEvents::Table)
                    .col(AuthEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuthEvents::Table).to_owned())
            .await
    }
}
