//! `users`: staff (ADMIN) and clients (CLIENT). The email is stored lower-cased, so its unique
//! index makes addresses unique whatever their case.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// bcrypt hash; never leaves the server (this type derives neither `Serialize` nor `Debug`
    /// with the hash in it).
    pub password_hash: String,
    /// `ADMIN` or `CLIENT`; see `crate::domain::Role`.
    pub role: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
    /// Bumped by every change, for optimistic concurrency.
    pub version: i64,
    /// Name and email folded (`domain::fold::search_fold`), what the staff's search matches.
    pub search_text: String,
    /// The name's Turkish alphabetical order as bytes (`domain::fold::sort_key`), for SQLite.
    pub sort_key: String,
    /// The last two sign-ins, kept here so that pruning ended sessions loses neither (the
    /// client dashboard shows the one before the current session).
    pub last_sign_in_at: Option<DateTimeUtc>,
    pub last_sign_in_session: Option<String>,
    pub last_sign_in_addr: Option<String>,
    pub last_sign_in_agent: Option<String>,
    pub previous_sign_in_at: Option<DateTimeUtc>,
    pub previous_sign_in_addr: Option<String>,
    pub previous_sign_in_agent: Option<String>,
    /// Set when an admin created the account with a generated password: its owner chooses
    /// their own at the next sign-in.
    pub must_change_password: bool,
    /// Set while the account waits for its owner to accept an invitation and choose a password
    /// (its stored hash is of random bytes nobody knows).
    pub invited_at: Option<DateTimeUtc>,
    /// The language the person chose (`tr`/`en`); see `domain::lang`.
    pub language: Option<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
}

impl Related<super::sessions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
