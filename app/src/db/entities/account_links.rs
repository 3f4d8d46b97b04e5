//! `account_links`: a password reset, an invitation or an email change waiting to be followed.
//! The token itself is only in the email; this row keeps its SHA-256.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `reset`, `invite` or `email_change` (see `account::links::Purpose`).
    pub purpose: String,
    #[sea_orm(unique)]
    pub token_digest: String,
    pub new_email: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub voided_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
