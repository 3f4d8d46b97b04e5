//! Schema migrations, applied at start-up (`server` and `server migrate`) and in every test
//! database. Named `mYYYYMMDD_NNNNNN_verb_noun`; never edit one that has shipped, add another.

use sea_orm_migration::prelude::*;

mod m20261129_000001_create_users;
mod m20261129_000002_create_sessions;
mod m20261129_000003_create_auth_events;
mod m20261129_000004_add_user_version;
mod m20261129_000005_add_user_search_text;
mod m20261130_000006_create_signin_limits;
mod m20261130_000007_keep_sign_ins_on_users;
mod m20261130_000008_add_required_actions;
mod m20261130_000009_add_session_verification;
mod m20261130_000010_create_second_factors;
mod m20261201_000011_create_account_links_and_mail;
mod m20261201_000012_add_user_language;
mod m20261201_000013_fold_turkish_text;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_users::Migration),
            Box::new(m20261129_000002_create_sessions::Migration),
            Box::new(m20261129_000003_create_auth_events::Migration),
            Box::new(m20261129_000004_add_user_version::Migration),
            Box::new(m20261129_000005_add_user_search_text::Migration),
            Box::new(m20261130_000006_create_signin_limits::Migration),
            Box::new(m20261130_000007_keep_sign_ins_on_users::Migration),
            Box::new(m20261130_000008_add_required_actions::Migration),
            Box::new(m20261130_000009_add_session_verification::Migration),
            Box::new(m20261130_000010_create_second_factors::Migration),
            Box::new(m20261201_000011_create_account_links_and_mail::Migration),
            Box::new(m20261201_000012_add_user_language::Migration),
            Box::new(m20261201_000013_fold_turkish_text::Migration),
        ]
    }
}
