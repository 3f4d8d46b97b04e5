//! The audit log: every sign-in success and failure, sign-out and revocation.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
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

/// Which events to list: of a user, of a kind, at or after `since`, before `until` (each when
/// given).
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub user_id: Option<i64>,
    pub kind: Option<AuditKind>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Filter {
    fn apply(self, mut find: Select<auth_events::Entity>) -> Select<auth_events::Entity> {
        if let Some(user_id) = self.user_id {
            find = find.filter(auth_events::Column::UserId.eq(user_id));
        }
        if let Some(kind) = self.kind {
            find = find.filter(auth_events::Column::Kind.eq(kind.as_str()));
        }
        if let Some(since) = self.since {
            find = find.filter(auth_events::Column::CreatedAt.gte(since));
        }
        if let Some(until) = self.until {
            find = find.filter(auth_events::Column::CreatedAt.lt(until));
        }
        find
    }
}

/// Up to `limit` events matching `filter`, newest first (in the order they were recorded),
/// older than the event `before` when given: a keyset page, as fast at the 500th page as at
/// the first (an index on each filter's column and the id; no OFFSET).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<auth_events::Model>, DbErr> {
    let mut find = filter.apply(auth_events::Entity::find());
    if let Some(before) = before {
        find = find.filter(auth_events::Column::Id.lt(before));
    }
    find.order_by_desc(auth_events::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// How many events match `filter`, counting no further than `cap`: `(cap, true)` means "at least
/// `cap`". A count of a million rows would take longer than the page it describes.
pub async fn count_capped(
    db: &impl ConnectionTrait,
    filter: Filter,
    cap: u64,
) -> Result<(u64, bool), DbErr> {
    use sea_orm::sea_query::{Alias, Expr, Query};
    let matching = filter
        .apply(auth_events::Entity::find())
        .select_only()
        .column(auth_events::Column::Id)
        .limit(cap.saturating_add(1))
        .into_query();
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(matching, Alias::new("matching"))
        .to_owned();
    let counted = match db.query_one(&count).await? {
        Some(row) => u64::try_from(row.try_get_by_index::<i64>(0)?).unwrap_or(0),
        None => 0,
    };
    Ok((counted.min(cap), counted > cap))
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
