//! Account recovery and mail: `account_links` (the single-use links a password reset, an
//! invitation or an email change sends: only a digest of the token is stored), `outgoing_mail`
//! (the queue the mail worker sends from, so a message survives a restart or an SMTP outage),
//! and `users.invited_at` (an account waiting for its owner to accept an invitation).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountLinks {
    Table,
    Id,
    UserId,
    /// `reset`, `invite` or `email_change`.
    Purpose,
    /// SHA-256 of the token, hex.
    TokenDigest,
    /// For an email change: the address it moves the account to.
    NewEmail,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    /// Set when a newer link, a password change, an email change or a deactivation voided it.
    VoidedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum OutgoingMail {
    Table,
    Id,
    Kind,
    UserId,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    /// A worker took it until then (another instance's worker leaves it alone meanwhile).
    ClaimedUntil,
    SentAt,
    FailedAt,
    LastError,
}

#[derive(DeriveIden)]
enum UsersInvited {
    InvitedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountLinks::Table)
                    .col(
                        ColumnDef::new(AccountLinks::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::Purpose)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::TokenDigest)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::NewEmail)
                            .string_len(320)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AccountLinks::VoidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(AccountLinks::CreatedBy).big_integer().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_links_user")
                            .from(AccountLinks::Table, AccountLinks::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_links_user")
                    .table(AccountLinks::Table)
                    .col(AccountLinks::UserId)
                    .col(AccountLinks::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutgoingMail::Table)
                    .col(
                        ColumnDef::new(OutgoingMail::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(OutgoingMail::Kind).string_len(40).not_null())
                    .col(ColumnDef::new(OutgoingMail::UserId).big_integer().null())
                    .col(
                        ColumnDef::new(OutgoingMail::Recipient)
                            .string_len(320)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::Subject)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OutgoingMail::TextBody).text().not_null())
                    .col(ColumnDef::new(OutgoingMail::HtmlBody).text().not_null())
                    .col(
                        ColumnDef::new(OutgoingMail::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::ClaimedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::FailedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OutgoingMail::LastError)
                            .string_len(500)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's question: what is due and not yet sent.
        manager
            .create_index(
                Index::create()
                    .name("idx_outgoing_mail_due")
                    .table(OutgoingMail::Table)
                    .col(OutgoingMail::SentAt)
                    .col(OutgoingMail::FailedAt)
                    .col(OutgoingMail::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(UsersInvited::InvitedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(UsersInvited::InvitedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(OutgoingMail::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AccountLinks::Table).to_owned())
            .await
    }
}
