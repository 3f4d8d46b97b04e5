//! The dashboards' database reads.

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::model::{AdminSummary, AuditEntry, ClientSummary, SignInRecord};
use crate::{
    db::{
        audit::EventKind,
        entities::{auth_events, sessions, users},
    },
    error::ApiError,
    session::{
        Role,
        server::{CurrentSession, service::db_unavailable, store},
    },
};

/// How many audit lines the staff dashboard shows.
const RECENT_EVENTS: u64 = 10;

pub async fn admin_summary(db: &DatabaseConnection) -> Result<AdminSummary, ApiError> {
    let now = Utc::now();
    let day_ago = now - Duration::hours(24);
    let clients = users::Entity::find().filter(users::Column::Role.eq(Role::Client.as_str()));
    let events_since = |kind: EventKind| {
        auth_events::Entity::find()
            .filter(auth_events::Column::Kind.eq(kind.as_str()))
            .filter(auth_events::Column::CreatedAt.gte(day_ago))
    };
    let recent = auth_events::Entity::find()
        .order_by_desc(auth_events::Column::CreatedAt)
        .order_by_desc(auth_events::Column::Id)
        .limit(RECENT_EVENTS)
        .all(db)
        .await
        .map_err(db_unavailable)?;
    Ok(AdminSummary {
        clients: clients.clone().count(db).await.map_err(db_unavailable)?,
        active_clients: clients
            .filter(users::Column::Active.eq(true))
            .count(db)
            .await
            .map_err(db_unavailable)?,
        active_sessions: store::count_active(db, None, now)
            .await
            .map_err(db_unavailable)?,
        sign_ins_24h: events_since(EventKind::SignIn)
            .count(db)
            .await
            .map_err(db_unavailable)?,
        failed_sign_ins_24h: events_since(EventKind::SignInFailed)
            .count(db)
            .await
            .map_err(db_unavailable)?,
        recent_events: audit_entries(db, recent).await?,
    })
}

pub async fn client_summary(
    db: &DatabaseConnection,
    current: &CurrentSession,
) -> Result<ClientSummary, ApiError> {
    let user_id = current.user().id;
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await
        .map_err(db_unavailable)?
        .ok_or_else(crate::error::ApiError::unauthenticated)?;
    let previous = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::Id.ne(current.sid.as_str()))
        .order_by_desc(sessions::Column::CreatedAt)
        .one(db)
        .await
        .map_err(db_unavailable)?;
    Ok(ClientSummary {
        name: user.name,
        email: user.email,
        member_since: crate::db::rfc3339(user.created_at),
        active_sessions: store::count_active(db, Some(user_id), Utc::now())
            .await
            .map_err(db_unavailable)?,
        previous_sign_in: previous.map(|s| SignInRecord {
            at: crate::db::rfc3339(s.created_at),
            client_addr: s.client_addr,
            user_agent: s.user_agent,
        }),
    })
}

/// Audit rows as staff see them: the account's email for known users (looked up in one query),
/// what was typed for unknown ones.
pub(crate) async fn audit_entries(
    db: &DatabaseConnection,
    events: Vec<auth_events::Model>,
) -> Result<Vec<AuditEntry>, ApiError> {
    let ids: Vec<i64> = events.iter().filter_map(|e| e.user_id).collect();
    let emails: std::collections::HashMap<i64, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Email)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await
        .map_err(db_unavailable)?
        .into_iter()
        .collect();
    Ok(events
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            email: e
                .user_id
                .and_then(|id| emails.get(&id).cloned())
                .or(e.attempted_email),
            kind: e.kind,
            user_id: e.user_id,
            client_addr: e.client_addr,
            at: crate::db::rfc3339(e.created_at),
            detail: e.detail,
        })
        .collect())
}
