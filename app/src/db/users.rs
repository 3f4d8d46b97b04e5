//! Queries and changes on `users`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use super::entities::users;
use crate::{
    input::{Email, Name},
    session::Role,
};

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email.as_ref()))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    users::Entity::find().count(db).await
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email already exists")]
    DuplicateEmail,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Inserts an active user. `password_hash` must already be a bcrypt hash.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &Email,
    name: &Name,
    password_hash: String,
    role: Role,
) -> Result<users::Model, CreateUserError> {
    if find_by_email(db, email).await?.is_some() {
        return Err(CreateUserError::DuplicateEmail);
    }
    let now = Utc::now();
    let inserted = users::ActiveModel {
        email: Set(email.as_ref().to_owned()),
        name: Set(name.as_ref().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        password_changed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Two creations racing past the check above: the unique index decides.
        Err(err) if is_unique_violation(&err) => Err(CreateUserError::DuplicateEmail),
        Err(err) => Err(err.into()),
    }
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

impl users::Model {
    /// The stored role; an unknown value (a hand-edited row) grants nothing.
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}
