//! The dashboards' database reads, and audit rows as staff see them.

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use super::model::{Actor, AdminSummary, AuditEntry, ClientSummary, SignInRecord};
use crate::{
    db::{
        self, audit,
        entities::{auth_events, users},
    },
    domain::{AuditKind, Role},
    error::ApiError,
    session::{
        model::Amr,
        server::{CurrentSession, store},
    },
};

/// How many audit lines the staff dashboard shows.
const RECENT_EVENTS: u64 = 10;

pub async fn admin_summary(db: &DatabaseConnection) -> Result<AdminSummary, ApiError> {
    let now = Utc::now();
    let day_ago = now - Duration::hours(24);
    let clients = users::Entity::find().filter(users::Column::Role.eq(Role::Client.as_str()));
    let recent = audit::list(db, audit::Filter::default(), None, RECENT_EVENTS).await?;
    Ok(AdminSummary {
        clients: clients.clone().count(db).await?,
        active_clients: clients
            .filter(users::Column::Active.eq(true))
            .count(db)
            .await?,
        active_sessions: store::count_active(db, None, now).await?,
        sign_ins_24h: audit::count_since(db, AuditKind::SignIn, day_ago).await?,
        failed_sign_ins_24h: audit::count_since(db, AuditKind::SignInFailed, day_ago).await?,
        recent_events: audit_entries(db, recent).await?,
    })
}

pub async fn client_summary(
    db: &DatabaseConnection,
    current: &CurrentSession,
) -> Result<ClientSummary, ApiError> {
    let user_id = current.user().id;
    let user = db::users::find_by_id(db, user_id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let previous = previous_sign_in(&user, &current.sid);
    Ok(ClientSummary {
        name: user.name,
        email: user.email,
        member_since: db::rfc3339(user.created_at),
        active_sessions: store::count_active(db, Some(user_id), Utc::now()).await?,
        previous_sign_in: previous,
    })
}

/// The sign-in before the current session's: the user's last one, unless that is this session
/// (then the one before it). Read from the user row, which outlives pruned session rows.
fn previous_sign_in(user: &users::Model, current_sid: &str) -> Option<SignInRecord> {
    if user.last_sign_in_session.as_deref() == Some(current_sid) {
        user.previous_sign_in_at.map(|at| SignInRecord {
            at: db::rfc3339(at),
            client_addr: user.previous_sign_in_addr.clone(),
            user_agent: user.previous_sign_in_agent.clone(),
        })
    } else {
        user.last_sign_in_at.map(|at| SignInRecord {
            at: db::rfc3339(at),
            client_addr: user.last_sign_in_addr.clone(),
            user_agent: user.last_sign_in_agent.clone(),
        })
    }
}

/// Audit rows as staff see them: the account's name and email for known users and the acting
/// staff member's name (looked up in one query), what was typed for unknown ones.
pub(crate) async fn audit_entries(
    db: &DatabaseConnection,
    events: Vec<auth_events::Model>,
) -> Result<Vec<AuditEntry>, ApiError> {
    use crate::domain::audit_detail::split_actor;
    let actors: Vec<Option<i64>> = events
        .iter()
        .map(|e| e.detail.as_deref().and_then(|d| split_actor(d).1))
        .collect();
    let ids: Vec<i64> = events
        .iter()
        .filter_map(|e| e.user_id)
        .chain(actors.iter().flatten().copied())
        .collect();
    let people: std::collections::HashMap<i64, (String, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Name)
        .column(users::Column::Email)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, email)| (id, (name, email)))
        .collect();
    Ok(events
        .into_iter()
        .zip(actors)
        .map(|(e, actor)| {
            let person = e.user_id.and_then(|id| people.get(&id));
            let kind = AuditKind::from_stored(&e.kind);
            let detail = e
                .detail
                .as_deref()
                .map(|d| readable(kind, split_actor(d).0).to_owned());
            AuditEntry {
                id: e.id,
                email: person.map(|(_, email)| email.clone()).or(e.attempted_email),
                name: person.map(|(name, _)| name.clone()),
                kind,
                user_id: e.user_id,
                client_addr: e.client_addr,
                at: db::rfc3339(e.created_at),
                detail: detail.filter(|d| !d.is_empty()),
                actor: actor.map(|id| Actor {
                    id,
                    name: people
                        .get(&id)
                        .map(|(name, _)| name.clone())
                        .unwrap_or_default(),
                }),
            }
        })
        .collect())
}

/// A note as the log says it now. Step-ups used to store the bare `amr` code ("pwd", "otp"):
/// those rows read as the newer ones do ("with the password").
fn readable(kind: AuditKind, note: &str) -> &str {
    if kind != AuditKind::Reauthenticated {
        return note;
    }
    Amr::ALL
        .into_iter()
        .find(|amr| amr.as_str() == note)
        .map_or(note, |amr| amr.audit_note())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_step_up_rows_say_how_in_words() {
        assert_eq!(
            readable(AuditKind::Reauthenticated, "pwd"),
            "with the password"
        );
        assert_eq!(readable(AuditKind::Reauthenticated, "otp"), "with a code");
        assert_eq!(
            readable(AuditKind::Reauthenticated, "recovery"),
            "with a recovery code"
        );
        assert_eq!(
            readable(AuditKind::Reauthenticated, "with a code"),
            "with a code"
        );
        // Only a step-up's note was ever a bare code.
        assert_eq!(readable(AuditKind::SignInFailed, "pwd"), "pwd");
    }
}
