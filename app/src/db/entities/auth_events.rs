//! `auth_events`: the audit log of sign-ins, failures, sign-outs and revocations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// See `crate::domain::AuditKind`.
    pub kind: String,
    pub user_id: Option<i64>,
    /// What was typed at a failed sign-in (normalised); never a password.
    pub attempted_email: Option<String>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTimeUtc,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
