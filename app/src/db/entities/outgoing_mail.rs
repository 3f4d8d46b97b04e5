//! `outgoing_mail`: the mail queue. A row is sent by whichever instance's worker claims it
//! first; once sent (or given up) its bodies are emptied, so a link in them does not outlive
//! its delivery in the database.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outgoing_mail")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the message is (`password_reset`, `invitation`, …): for the log and the audit.
    pub kind: String,
    pub user_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

/// Written by hand: the bodies carry links that open accounts.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("user_id", &self.user_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
