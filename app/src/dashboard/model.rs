//! What the dashboards show.

//! Times are RFC 3339 strings in UTC: the browser formats them for the reader's locale, and the
//! WASM carries no date library.

use serde::{Deserialize, Serialize};

use crate::domain::AuditKind;

/// One line of the audit log, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub kind: AuditKind,
    pub user_id: Option<i64>,
    pub email: Option<String>,
    /// The account's name, for a known user.
    #[serde(default)]
    pub name: Option<String>,
    pub client_addr: Option<String>,
    pub at: String,
    /// The note, without the staff member who acted ("name changed").
    pub detail: Option<String>,
    /// Who acted, when staff did (stored in the note as "by user #3").
    #[serde(default)]
    pub actor: Option<Actor>,
}

/// A staff member named in an audit line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: i64,
    /// Empty when the account is gone (the page then says "user #3").
    pub name: String,
}

/// The staff dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSummary {
    pub clients: u64,
    pub active_clients: u64,
    pub active_sessions: u64,
    pub sign_ins_24h: u64,
    pub failed_sign_ins_24h: u64,
    pub recent_events: Vec<AuditEntry>,
}

/// A sign-in, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRecord {
    pub at: String,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

/// The client dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub name: String,
    pub email: String,
    pub member_since: String,
    pub active_sessions: u64,
    /// The sign-in before the current session's, if any.
    pub previous_sign_in: Option<SignInRecord>,
}
