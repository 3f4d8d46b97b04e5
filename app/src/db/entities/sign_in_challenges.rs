//! `sign_in_challenges`: what a correct password leaves for the second step. The id (256 random
//! bits) rides in an HttpOnly cookie; the row says whose it is, until when, how many wrong codes
//! it has seen, and whether it was used.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: i64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub failures: i32,
    pub keep_signed_in: bool,
    /// What the session will be limited to (see `session::Requirement`), decided with the
    /// password.
    pub required_action: Option<String>,
    /// The user's `password_changed_at` when the password was checked.
    pub password_changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
