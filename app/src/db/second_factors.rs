//! A user's second factor and recovery codes, and the sign-in challenges between the password
//! and the code. Every use of a code is one conditional update: of two requests with the same
//! code, on any instances, one wins.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::entities::{recovery_codes, second_factors, sign_in_challenges};

/// A user's row, whatever its state.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<second_factors::Model>, DbErr> {
    second_factors::Entity::find_by_id(user_id).one(db).await
}

/// The user's sealed secret, when two-step sign-in is on for them.
pub async fn confirmed_secret(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<(String, Option<i64>)>, DbErr> {
    Ok(find(db, user_id)
        .await?
        .and_then(|row| Some((row.secret?, row.last_step))))
}

/// Every row (the key rotation goes through them all; an office has a few hundred at most).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<second_factors::Model>, DbErr> {
    second_factors::Entity::find().all(db).await
}

/// The row's sealed values, sealed again under another key: only if they are still `before`
/// (an enrolment finished meanwhile wins; the next run seals it). Answers whether it was.
pub async fn replace_sealed(
    db: &impl ConnectionTrait,
    before: &second_factors::Model,
    secret: Option<String>,
    pending: Option<String>,
) -> Result<bool, DbErr> {
    let same = |column: second_factors::Column, value: &Option<String>| match value {
        Some(value) => column.eq(value.clone()),
        None => column.is_null(),
    };
    let updated = second_factors::Entity::update_many()
        .col_expr(second_factors::Column::Secret, Expr::value(secret))
        .col_expr(second_factors::Column::PendingSecret, Expr::value(pending))
        .filter(second_factors::Column::UserId.eq(before.user_id))
        .filter(same(second_factors::Column::Secret, &before.secret))
        .filter(same(
            second_factors::Column::PendingSecret,
            &before.pending_secret,
        ))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Keeps `sealed` as the secret being enrolled (replacing one shown before).
pub async fn set_pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let updated = second_factors::Entity::update_many()
        .col_expr(second_factors::Column::PendingSecret, Expr::value(sealed))
        .col_expr(second_factors::Column::PendingAt, Expr::value(now))
        .filter(second_factors::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        second_factors::ActiveModel {
            user_id: Set(user_id),
            secret: Set(None),
            confirmed_at: Set(None),
            pending_secret: Set(Some(sealed.to_owned())),
            pending_at: Set(Some(now)),
            last_step: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Makes the pending secret `sealed` the user's, its code of `step` used, and their recovery
/// codes `digests` (replacing any): `false` when the pending secret changed meanwhile.
pub async fn confirm(
    db: &DatabaseConnection,
    user_id: i64,
    sealed: &str,
    step: i64,
    digests: &[String],
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let updated = second_factors::Entity::update_many()
        .col_expr(second_factors::Column::Secret, Expr::value(sealed))
        .col_expr(second_factors::Column::ConfirmedAt, Expr::value(now))
        .col_expr(
            second_factors::Column::PendingSecret,
            Expr::value(None::<String>),
        )
        .col_expr(
            second_factors::Column::PendingAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(second_factors::Column::LastStep, Expr::value(step))
        .filter(second_factors::Column::UserId.eq(user_id))
        .filter(second_factors::Column::PendingSecret.eq(sealed))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    replace_recovery_codes(&txn, user_id, digests).await?;
    txn.commit().await?;
    Ok(true)
}

/// Records that the code of `step` was used: `false` when that step, or a later one, already
/// was (a replay, here or on another instance) or the factor is gone.
pub async fn use_step(db: &impl ConnectionTrait, user_id: i64, step: i64) -> Result<bool, DbErr> {
    let updated = second_factors::Entity::update_many()
        .col_expr(second_factors::Column::LastStep, Expr::value(step))
        .filter(second_factors::Column::UserId.eq(user_id))
        .filter(second_factors::Column::Secret.is_not_null())
        .filter(
            Condition::any()
                .add(second_factors::Column::LastStep.is_null())
                .add(second_factors::Column::LastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Turns two-step sign-in off for the user: the secret and every recovery code go.
pub async fn remove(db: &DatabaseConnection, user_id: i64) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let removed = second_factors::Entity::delete_many()
        .filter(second_factors::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(removed.rows_affected > 0)
}

/// The user's recovery codes become `digests`: the old ones, used or not, are gone.
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i64,
    digests: &[String],
) -> Result<(), DbErr> {
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if !digests.is_empty() {
        recovery_codes::Entity::insert_many(digests.iter().map(|digest| {
            recovery_codes::ActiveModel {
                user_id: Set(user_id),
                digest: Set(digest.clone()),
                used_at: Set(None),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Uses the recovery code whose digest is `digest`: `false` when there is none unused.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i64,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = recovery_codes::Entity::update_many()
        .col_expr(recovery_codes::Column::UsedAt, Expr::value(now))
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::Digest.eq(digest))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// How many of the user's recovery codes are unused.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// A new challenge.
pub struct NewChallenge<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub keep_signed_in: bool,
    pub required_action: Option<&'a str>,
    pub password_changed_at: DateTime<Utc>,
}

pub async fn create_challenge(
    db: &impl ConnectionTrait,
    new: NewChallenge<'_>,
) -> Result<(), DbErr> {
    sign_in_challenges::ActiveModel {
        id: Set(new.id.to_owned()),
        user_id: Set(new.user_id),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
        failures: Set(0),
        keep_signed_in: Set(new.keep_signed_in),
        required_action: Set(new.required_action.map(str::to_owned)),
        password_changed_at: Set(new.password_changed_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The challenge `id`, when it can still be used: not used, not voided, not expired.
pub async fn open_challenge(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<sign_in_challenges::Model>, DbErr> {
    Ok(sign_in_challenges::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|c| c.used_at.is_none() && now < c.expires_at))
}

/// Counts a wrong code on the challenge, and voids it at `max`: answers whether it is void.
pub async fn fail_challenge(
    db: &impl ConnectionTrait,
    id: &str,
    max: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    sign_in_challenges::Entity::update_many()
        .col_expr(
            sign_in_challenges::Column::Failures,
            Expr::col(sign_in_challenges::Column::Failures).add(1),
        )
        .filter(sign_in_challenges::Column::Id.eq(id))
        .exec(db)
        .await?;
    sign_in_challenges::Entity::update_many()
        .col_expr(sign_in_challenges::Column::UsedAt, Expr::value(now))
        .filter(sign_in_challenges::Column::Id.eq(id))
        .filter(sign_in_challenges::Column::UsedAt.is_null())
        .filter(sign_in_challenges::Column::Failures.gte(max))
        .exec(db)
        .await?;
    // Whoever voided it, every failure from then on hears that it is void.
    Ok(sign_in_challenges::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .is_none_or(|c| c.failures >= max))
}

/// Uses the challenge: `false` when it was used, voided or expired meanwhile.
pub async fn consume_challenge(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = sign_in_challenges::Entity::update_many()
        .col_expr(sign_in_challenges::Column::UsedAt, Expr::value(now))
        .filter(sign_in_challenges::Column::Id.eq(id))
        .filter(sign_in_challenges::Column::UsedAt.is_null())
        .filter(sign_in_challenges::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Deletes the challenges that ended before `before` (the retention job).
pub async fn prune_challenges(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(sign_in_challenges::Entity::delete_many()
        .filter(sign_in_challenges::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
