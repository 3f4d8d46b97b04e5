//! `second_factors`: a user's TOTP secret, sealed (`session::server::mfa::secret_box`). One row
//! per user; `secret` is set once an enrolment is confirmed with a code.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub secret: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub pending_secret: Option<String>,
    pub pending_at: Option<DateTimeUtc>,
    /// The last time step whose code was accepted.
    pub last_step: Option<i64>,
}

/// Never shows the sealed secrets.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactor")
            .field("user_id", &self.user_id)
            .field("confirmed_at", &self.confirmed_at)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
