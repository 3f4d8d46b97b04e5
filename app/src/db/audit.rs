//! The audit log: every sign-in success and failure, sign-out and revocation.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::auth_events;
use crate::domain::AuditKind;

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub user_id: Option<i64>,
    pub attempted_email: Option<&'a str>,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub detail: Option<&'a str>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    kind: AuditKind,
    event: Event<'_>,
) -> Result<(), DbErr> {
    auth_events::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        user_id: Set(event.user_id),
        attempted_email: Set(event.attempted_email.map(|s| truncate(s, 254))),
        client_addr: Set(event.client_addr.map(|s| truncate(s, 64))),
        user_agent: Set(event.user_agent.map(|s| truncate(s, 512))),
        created_at: Set(Utc::now()),
        detail: Set(event.detail.map(|s| truncate(s, 512))),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Records `event`, logging a failure instead of returning it: the audit log must never make
/// the action it records fail.
pub async fn record_best_effort(db: &impl ConnectionTrait, kind: AuditKind, event: Event<'_>) {
    if let Err(err) = record(db, kind, event).await {
        tracing::warn!(%err, kind = kind.as_str(), "could not write an audit event");
    }
}

/// Events of `user_id` and `kind` (each when given), newest first, `per_page` at a time (page
/// 1-based), and how many there are in all.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    kind: Option<AuditKind>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<auth_events::Model>, u64), DbErr> {
    let mut find = auth_events::Entity::find();
    if let Some(user_id) = user_id {
        find = find.filter(auth_events::Column::UserId.eq(user_id));
    }
    if let Some(kind) = kind {
        find = find.filter(auth_events::Column::Kind.eq(kind.as_str()));
    }
    let total = find.clone().count(db).await?;
    let events = find
        .order_by_desc(auth_events::Column::CreatedAt)
        .order_by_desc(auth_events::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((events, total))
}

/// How many events of `kind` happened since `since`.
pub async fn count_since(
    db: &impl ConnectionTrait,
    kind: AuditKind,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    auth_events::Entity::find()
        .filter(auth_events::Column::Kind.eq(kind.as_str()))
        .filter(auth_events::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// Cuts a free-text value (a user agent, say) to its column's width on a character boundary.
pub fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}
