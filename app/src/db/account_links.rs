//! Queries and changes on `account_links`: the single-use links of a password reset, an
//! invitation and an email change. Using one is a single conditional update, so a link followed
//! twice at once (two tabs, two instances) works once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};

use super::entities::account_links::{self, Column as C, Entity as Links};

/// A stored link.
pub type Link = account_links::Model;

/// What a link does. A link of one purpose is never taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Invite,
    EmailChange,
}

impl Purpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Invite => "invite",
            Self::EmailChange => "email_change",
        }
    }
}

/// A link to store: only the token's digest.
pub struct NewLink<'a> {
    pub user_id: i64,
    pub purpose: Purpose,
    pub token_digest: &'a str,
    pub new_email: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

/// Stores `new` and voids every earlier pending link of the same user and purpose: the newest
/// link is the only one that works. Call inside a transaction: the user's row is locked for
/// its rest (PostgreSQL; SQLite runs one writer at a time), so two links made at once cannot
/// both stay live.
pub async fn replace(
    db: &impl ConnectionTrait,
    new: NewLink<'_>,
    now: DateTime<Utc>,
) -> Result<account_links::Model, DbErr> {
    // On SQLite the void below is the transaction's first statement: it takes the one write
    // lock (a read first would start a snapshot that cannot become a write once another
    // writer has committed).
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        use sea_orm::QuerySelect;
        super::entities::users::Entity::find_by_id(new.user_id)
            .lock_exclusive()
            .one(db)
            .await?;
    }
    void(db, new.user_id, &[new.purpose], now).await?;
    account_links::ActiveModel {
        user_id: Set(new.user_id),
        purpose: Set(new.purpose.as_str().to_owned()),
        token_digest: Set(new.token_digest.to_owned()),
        new_email: Set(new.new_email.map(str::to_owned)),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
        voided_at: Set(None),
        created_by: Set(new.created_by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The link with this digest, whatever its purpose, while it may still be used.
pub async fn find_live_any(
    db: &impl ConnectionTrait,
    token_digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<account_links::Model>, DbErr> {
    Links::find()
        .filter(C::TokenDigest.eq(token_digest))
        .filter(C::UsedAt.is_null())
        .filter(C::VoidedAt.is_null())
        .filter(C::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// The newest pending link of `user_id` for `purpose`, if any.
pub async fn pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<account_links::Model>, DbErr> {
    Links::find()
        .filter(C::UserId.eq(user_id))
        .filter(C::Purpose.eq(purpose.as_str()))
        .filter(C::UsedAt.is_null())
        .filter(C::VoidedAt.is_null())
        .filter(C::ExpiresAt.gt(now))
        .order_by_desc(C::Id)
        .one(db)
        .await
}

/// Uses the link `id`: `true` for the one caller that got it while it was still live.
pub async fn consume(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Links::update_many()
        .col_expr(C::UsedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::UsedAt.is_null())
        .filter(C::VoidedAt.is_null())
        .filter(C::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Voids every pending link of `user_id` with one of `purposes`; answers how many.
pub async fn void(
    db: &impl ConnectionTrait,
    user_id: i64,
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let purposes: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let result = Links::update_many()
        .col_expr(C::VoidedAt, Expr::value(now))
        .filter(C::UserId.eq(user_id))
        .filter(C::Purpose.is_in(purposes))
        .filter(C::UsedAt.is_null())
        .filter(C::VoidedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes the links that expired before `before` (used or not): the retention job.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = Links::delete_many()
        .filter(C::ExpiresAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
