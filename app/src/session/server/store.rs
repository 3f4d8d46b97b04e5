//! Session rows: create, read, touch, revoke.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, sea_query::Expr,
};

use crate::db::entities::sessions;

/// A new session id: 256 bits from the OS generator, base64url (43 characters).
pub fn new_session_id() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub struct NewSession<'a> {
    pub user_id: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub client_addr: Option<&'a str>,
    /// The one step the session is limited to, if any.
    pub required: Option<crate::session::Requirement>,
    /// How the person proved who they are at sign-in.
    pub amr: crate::session::Amr,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewSession<'_>,
) -> Result<sessions::Model, DbErr> {
    sessions::ActiveModel {
        id: Set(new_session_id()),
        user_id: Set(new.user_id),
        created_at: Set(new.now),
        last_seen_at: Set(new.now),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        user_agent: Set(new.user_agent.map(|s| crate::db::audit::truncate(s, 512))),
        client_addr: Set(new.client_addr.map(|s| crate::db::audit::truncate(s, 64))),
        required_action: Set(new.required.map(|r| r.as_str().to_owned())),
        verified_at: Set(Some(new.now)),
        amr: Set(Some(new.amr.as_str().to_owned())),
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, sid: &str) -> Result<Option<sessions::Model>, DbErr> {
    sessions::Entity::find_by_id(sid.to_owned()).one(db).await
}

/// Records activity (at renewal time). `false` when the session was revoked meanwhile.
pub async fn touch(
    db: &impl ConnectionTrait,
    sid: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(sid))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a fresh proof of who is behind a session (a step-up), which also counts as activity.
/// `false` when the session was revoked meanwhile.
pub async fn record_verification(
    db: &impl ConnectionTrait,
    sid: &str,
    now: DateTime<Utc>,
    amr: crate::session::Amr,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::update_many()
        .col_expr(sessions::Column::VerifiedAt, Expr::value(now))
        .col_expr(sessions::Column::Amr, Expr::value(amr.as_str()))
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(sid))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A session limited to `step` becomes a full one. `false` when it was revoked, or not limited
/// to that step.
pub async fn lift_requirement(
    db: &impl ConnectionTrait,
    sid: &str,
    step: crate::session::Requirement,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::update_many()
        .col_expr(
            sessions::Column::RequiredAction,
            Expr::value(None::<String>),
        )
        .filter(sessions::Column::Id.eq(sid))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::RequiredAction.eq(step.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks one session revoked. Answers whether this call revoked it (false when it already was).
pub async fn revoke(
    db: &impl ConnectionTrait,
    sid: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
        .filter(sessions::Column::Id.eq(sid))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Ids of the sessions revoked after `since`: what another instance may have revoked.
pub async fn revoked_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    sessions::Entity::find()
        .select_only()
        .column(sessions::Column::Id)
        .filter(sessions::Column::RevokedAt.gt(since))
        .into_tuple::<String>()
        .all(db)
        .await
}

/// Sessions that are neither revoked nor past their absolute end (idle ones included until
/// their next request finds them out).
pub async fn count_active(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut query = sessions::Entity::find()
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now));
    if let Some(user_id) = user_id {
        query = query.filter(sessions::Column::UserId.eq(user_id));
    }
    query.count(db).await
}

/// A user's live sessions, newest first: not revoked, not past their absolute end, and active
/// within the idle timeout.
pub async fn list_active(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
    idle_timeout: chrono::Duration,
) -> Result<Vec<sessions::Model>, DbErr> {
    use sea_orm::QueryOrder;
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .filter(sessions::Column::LastSeenAt.gt(now - idle_timeout))
        .order_by_desc(sessions::Column::CreatedAt)
        .all(db)
        .await
}

/// Revokes every live session of a user but `except`; answers the ids it revoked.
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: i64,
    except: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let mut live = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::Id)
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null());
    if let Some(except) = except {
        live = live.filter(sessions::Column::Id.ne(except));
    }
    let ids: Vec<String> = live.into_tuple().all(db).await?;
    if !ids.is_empty() {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
            .filter(sessions::Column::Id.is_in(ids.clone()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(ids)
}
