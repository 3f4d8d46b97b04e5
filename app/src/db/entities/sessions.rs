//! `sessions`: one row per sign-in. The id is 256 random bits (base64url); the JWT carries it
//! as `sid`. A row is live while `revoked_at` is empty, `expires_at` is ahead and `last_seen_at`
//! is within the idle timeout.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: i64,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
    pub user_agent: Option<String>,
    pub client_addr: Option<String>,
    /// The one action this session is limited to (`session::Requirement`), or none: a full
    /// session.
    pub required_action: Option<String>,
    /// When the person last proved who they are in this session (sign-in, or a step-up since);
    /// empty for rows from before it was kept: the sign-in, `created_at`.
    pub verified_at: Option<DateTimeUtc>,
    /// How (`session::Amr`): empty for rows from before it was kept, the password.
    pub amr: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
