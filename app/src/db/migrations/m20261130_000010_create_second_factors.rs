//! Two-step sign-in: a user's TOTP secret (`second_factors`, sealed; see
//! `session::server::mfa::secret_box`), their recovery codes (digests), and the challenges a
//! correct password leaves for the second step (`sign_in_challenges`, one row per attempt, so
//! any instance can take the second step and using one is a single atomic update).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    UserId,
    /// The secret in use, sealed; empty until the enrolment is confirmed.
    Secret,
    ConfirmedAt,
    /// A secret shown for enrolment, not yet confirmed with a code.
    PendingSecret,
    PendingAt,
    /// The last time step whose code was accepted: no code of it, or before it, is again.
    LastStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    Digest,
    UsedAt,
}

#[derive(DeriveIden)]
enum SignInChallenges {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    Failures,
    KeepSignedIn,
    RequiredAction,
    /// The user's `password_changed_at` when the password was checked: a change since voids it.
    PasswordChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let user_fk = |table: &str| {
            ForeignKey::create()
                .name(format!("fk_{table}_user"))
                .from(Alias::new(table), Alias::new("user_id"))
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SecondFactors::Table)
                    .col(
                        ColumnDef::new(SecondFactors::UserId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SecondFactors::Secret).string_len(200).null())
                    .col(
                        ColumnDef::new(SecondFactors::ConfirmedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SecondFactors::PendingSecret)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SecondFactors::PendingAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(SecondFactors::LastStep).big_integer().null())
                    .foreign_key(&mut user_fk("second_factors"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(
                        ColumnDef::new(RecoveryCodes::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RecoveryCodes::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RecoveryCodes::Digest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RecoveryCodes::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut user_fk("recovery_codes"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInChallenges::Table)
                    .col(
                        ColumnDef::new(SignInChallenges::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::Failures)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::KeepSignedIn)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::RequiredAction)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SignInChallenges::PasswordChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut user_fk("sign_in_challenges"))
                    .to_owned(),
            )
            .await?;
        // The retention job deletes expired challenges by this.
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_in_challenges_expires")
                    .table(SignInChallenges::Table)
                    .col(SignInChallenges::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInChallenges::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RecoveryCodes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SecondFactors::Table).to_owned())
            .await
    }
}
