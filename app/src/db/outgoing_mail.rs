//! The mail queue (`outgoing_mail`): a message is written here on the request path and sent by
//! `mail::worker` off it. Claiming a row is one conditional update, so with several instances
//! each message is sent by one of them; a claim runs out, so one lost with its process is taken
//! up again.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Condition, Expr, ExprTrait},
};

use super::entities::outgoing_mail::{self, Column as C, Entity as Mail};

/// A message to queue.
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
}

pub async fn enqueue(
    db: &impl ConnectionTrait,
    new: NewMail<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = outgoing_mail::ActiveModel {
        kind: Set(new.kind.to_owned()),
        user_id: Set(new.user_id),
        recipient: Set(new.recipient.to_owned()),
        subject: Set(new.subject.to_owned()),
        text_body: Set(new.text_body.to_owned()),
        html_body: Set(new.html_body.to_owned()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The ids of up to `limit` messages due now and claimed by nobody.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    Mail::find()
        .select_only()
        .column(C::Id)
        .filter(C::SentAt.is_null())
        .filter(C::FailedAt.is_null())
        .filter(C::NextAttemptAt.lte(now))
        .filter(unclaimed(now))
        .order_by_asc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

fn unclaimed(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(C::ClaimedUntil.is_null())
        .add(C::ClaimedUntil.lt(now))
}

/// Claims message `id` until `until`: the row when this caller got it, `None` when another
/// worker has it or it is done.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<outgoing_mail::Model>, DbErr> {
    let result = Mail::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(until))
        .filter(C::Id.eq(id))
        .filter(C::SentAt.is_null())
        .filter(C::FailedAt.is_null())
        .filter(unclaimed(now))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(None);
    }
    Mail::find_by_id(id).one(db).await
}

/// Sent: the bodies are emptied (the links in them are no business of the database any more).
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Mail::update_many()
        .col_expr(C::SentAt, Expr::value(now))
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::TextBody, Expr::value(""))
        .col_expr(C::HtmlBody, Expr::value(""))
        .filter(C::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Not sent this time: tried again at `next`.
pub async fn mark_retry(
    db: &impl ConnectionTrait,
    id: i64,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    Mail::update_many()
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .col_expr(C::NextAttemptAt, Expr::value(next))
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(
            C::LastError,
            Expr::value(super::audit::truncate(error, 500)),
        )
        .filter(C::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Given up: not tried again, the bodies emptied.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    Mail::update_many()
        .col_expr(C::FailedAt, Expr::value(now))
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(
            C::LastError,
            Expr::value(super::audit::truncate(error, 500)),
        )
        .col_expr(C::TextBody, Expr::value(""))
        .col_expr(C::HtmlBody, Expr::value(""))
        .filter(C::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// How many messages wait to be sent (the metrics' queue length).
pub async fn waiting(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Mail::find()
        .filter(C::SentAt.is_null())
        .filter(C::FailedAt.is_null())
        .count(db)
        .await
}

/// Deletes the messages sent or given up before `before`: the retention job.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = Mail::delete_many()
        .filter(
            Condition::any()
                .add(C::SentAt.lt(before))
                .add(C::FailedAt.lt(before)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
