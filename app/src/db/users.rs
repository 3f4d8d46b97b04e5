//! Queries and changes on `users`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::entities::{sessions, users};
use crate::{
    account::{UserFilter, UserSort},
    domain::{
        Email, Name, Role,
        fold::{normalize_email, search_fold, sort_key},
    },
    error::ApiError,
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

/// What the user search matches: name and email, folded (`domain::fold::search_fold`).
pub fn search_text(name: &str, email: &str) -> String {
    format!("{} {}", search_fold(name), search_fold(email))
}

/// The columns a new name changes besides itself: the search text and the Turkish sort key.
pub fn name_columns(
    name: &str,
    email: &str,
) -> Vec<(users::Column, sea_orm::sea_query::SimpleExpr)> {
    use sea_orm::sea_query::Expr;
    vec![
        (
            users::Column::SearchText,
            Expr::value(search_text(name, email)),
        ),
        (users::Column::SortKey, Expr::value(sort_key(name))),
    ]
}

/// The admin behind a change: their user id and the session they act through.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: i64,
    pub sid: &'a str,
}

/// Checks, inside the change's own transaction, that `actor` is still an active admin on a
/// live session: an admin deactivated (or demoted, or signed out) a moment ago through another
/// instance is refused here even before that instance's revocation reaches this one. On
/// PostgreSQL the actor's row is locked for the rest of the transaction, so the two changes
/// cannot cross.
async fn check_actor(txn: &DatabaseTransaction, actor: Actor<'_>) -> Result<bool, DbErr> {
    use sea_orm::QuerySelect;
    let admin = users::Entity::find_by_id(actor.user_id)
        .lock_shared()
        .one(txn)
        .await?
        .is_some_and(|u| u.active && u.role().is_ok_and(|role| role == Role::Admin));
    let live = sessions::Entity::find_by_id(actor.sid.to_owned())
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .one(txn)
        .await?
        .is_some();
    Ok(admin && live)
}

/// Fills `search_text` and `sort_key` where the search text is still empty (rows from before
/// those columns, or emptied by a migration that changed the folding), `BATCH` rows a statement,
/// each its own short write: no lock is held across the batches. On the way, an email address
/// not in its one spelling (`domain::fold::normalize_email`) is brought to it, unless another
/// account has that spelling already: then it stays as it is, and the warning names both rows
/// for the operator (merging two accounts is a person's decision). Answers how many rows it
/// filled.
pub async fn backfill_folded_text(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    const BATCH: u64 = 500;
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String, String)> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::Name)
            .column(users::Column::Email)
            .filter(users::Column::SearchText.eq(""))
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, name, email) in &rows {
            let normalized = normalize_email(email);
            let mut update = users::Entity::update_many();
            let mut stored = email.as_str();
            if normalized != *email {
                let taken = users::Entity::find()
                    .filter(users::Column::Email.eq(&normalized))
                    .filter(users::Column::Id.ne(*id))
                    .one(db)
                    .await?;
                match taken {
                    Some(other) => tracing::warn!(
                        user_id = id,
                        other_user_id = other.id,
                        "an email address was left as it is: its one spelling belongs to another account"
                    ),
                    None => {
                        update = update.col_expr(users::Column::Email, Expr::value(&normalized));
                        stored = &normalized;
                    }
                }
            }
            for (column, value) in name_columns(name, stored) {
                update = update.col_expr(column, value);
            }
            update.filter(users::Column::Id.eq(*id)).exec(db).await?;
        }
        filled += rows.len() as u64;
    }
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
    let new = NewUser {
        email,
        name,
        password_hash,
        role,
        must_change_password: false,
        invited: false,
    };
    insert(db, new).await
}

/// Inserts `new`: `create`, or an admin's creation (a first password, or an invitation).
async fn insert(
    db: &impl ConnectionTrait,
    new: NewUser<'_>,
) -> Result<users::Model, CreateUserError> {
    let NewUser {
        email,
        name,
        password_hash,
        role,
        must_change_password,
        invited,
    } = new;
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
        version: Set(0),
        search_text: Set(search_text(name.as_ref(), email.as_ref())),
        sort_key: Set(sort_key(name.as_ref())),
        must_change_password: Set(must_change_password),
        invited_at: Set(invited.then_some(now)),
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

pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

impl users::Model {
    /// The stored role. An unknown value (a hand-edited row) grants nothing: it is an error,
    /// never read as a client.
    pub fn role(&self) -> Result<Role, UnreadableRole> {
        Role::parse(&self.role).ok_or_else(|| UnreadableRole {
            user_id: self.id,
            stored: self.role.clone(),
        })
    }
}

/// A user row whose role this version cannot read.
#[derive(Debug, thiserror::Error)]
#[error("user {user_id} has a role this version cannot read: {stored:?}")]
pub struct UnreadableRole {
    pub user_id: i64,
    pub stored: String,
}

/// A corrupt row is a fault on our side (500), logged here once.
impl From<UnreadableRole> for ApiError {
    fn from(err: UnreadableRole) -> Self {
        tracing::error!(%err, "corrupt user row");
        ApiError::internal()
    }
}

/// What an admin changes about another user; either ends every session of that user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    Role(Role),
    Active(bool),
}

/// Why an admin could not create a user.
#[derive(Debug, thiserror::Error)]
pub enum AdminCreateError {
    #[error("the acting admin's session or rights have ended")]
    ActorGone,
    #[error(transparent)]
    Create(#[from] CreateUserError),
}

impl From<DbErr> for AdminCreateError {
    fn from(err: DbErr) -> Self {
        Self::Create(err.into())
    }
}

/// A user an admin creates: who, and whether the admin's choice of password is only a first one.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a Name,
    pub password_hash: String,
    pub role: Role,
    /// The owner chooses their own password at the first sign-in.
    pub must_change_password: bool,
    /// The owner is sent an invitation to choose their password (the hash is of random bytes).
    pub invited: bool,
}

/// Creates a user on an admin's behalf (see `check_actor`).
pub async fn create_by_admin(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    new: NewUser<'_>,
) -> Result<users::Model, AdminCreateError> {
    let txn = db.begin().await?;
    if !check_actor(&txn, actor).await? {
        return Err(AdminCreateError::ActorGone);
    }
    let user = insert(&txn, new).await?;
    txn.commit().await?;
    Ok(user)
}

/// Why a change to a user was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the acting admin's session or rights have ended")]
    ActorGone,
    #[error("no such user")]
    NotFound,
    #[error("the account was changed by someone else")]
    Stale,
    #[error("no active admin would remain")]
    LastAdmin,
    #[error(transparent)]
    UnreadableRole(#[from] UnreadableRole),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A sign-in, as the user row keeps it.
pub struct SignIn<'a> {
    pub session_id: &'a str,
    pub at: chrono::DateTime<Utc>,
    pub client_addr: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// Records a sign-in on the user: the last one becomes the previous one, in one statement (the
/// right-hand sides read the row as it was). Neither the version nor `updated_at` moves: signing
/// in is not an edit of the account.
pub async fn record_sign_in(
    db: &impl ConnectionTrait,
    user_id: i64,
    sign_in: &SignIn<'_>,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    use users::Column as C;
    let truncate = super::audit::truncate;
    users::Entity::update_many()
        .col_expr(C::PreviousSignInAt, Expr::col(C::LastSignInAt))
        .col_expr(C::PreviousSignInAddr, Expr::col(C::LastSignInAddr))
        .col_expr(C::PreviousSignInAgent, Expr::col(C::LastSignInAgent))
        .col_expr(C::LastSignInAt, Expr::value(sign_in.at))
        .col_expr(C::LastSignInSession, Expr::value(sign_in.session_id))
        .col_expr(
            C::LastSignInAddr,
            Expr::value(sign_in.client_addr.map(|a| truncate(a, 64))),
        )
        .col_expr(
            C::LastSignInAgent,
            Expr::value(sign_in.user_agent.map(|a| truncate(a, 512))),
        )
        .filter(C::Id.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Replaces a password's hash with a new hash of the same password (a newer version or cost),
/// only while the stored one is still `old`: a password change that ran meanwhile wins. Neither
/// the version, `updated_at` nor `password_changed_at` moves: the password did not change.
pub async fn replace_password_hash(
    db: &impl ConnectionTrait,
    user_id: i64,
    old: &str,
    new: String,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    let updated = users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(new))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::PasswordHash.eq(old))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Applies `changes` to an active user, bumping the version. `None` when the user is not active
/// any more: a change is never applied over a deactivation.
pub async fn update_active_user(
    db: &impl ConnectionTrait,
    id: i64,
    changes: Vec<(users::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<bool, DbErr> {
    update_active(db, id, None, changes).await
}

/// `update_active_user`, only while the row is still at `version` (an admin's edit against
/// what they saw).
pub async fn update_active_user_at_version(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    changes: Vec<(users::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<bool, DbErr> {
    update_active(db, id, Some(version), changes).await
}

async fn update_active(
    db: &impl ConnectionTrait,
    id: i64,
    version: Option<i64>,
    changes: Vec<(users::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(
            users::Column::Version,
            Expr::col(users::Column::Version).add(1),
        )
        .filter(users::Column::Id.eq(id))
        .filter(users::Column::Active.eq(true));
    if let Some(version) = version {
        update = update.filter(users::Column::Version.eq(version));
    }
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// An admin's change to a user, made against the `expected_version` the admin saw, and refused when it would leave no active admin. Runs in a transaction that locks
/// the active admins' rows (PostgreSQL), so two admins demoting each other cannot both succeed.
pub async fn admin_change(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    id: i64,
    expected_version: i64,
    change: UserChange,
) -> Result<users::Model, ChangeError> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    let txn = db.begin().await?;
    let admins: Vec<i64> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Role.eq(Role::Admin.as_str()))
        .filter(users::Column::Active.eq(true))
        .lock_exclusive()
        .into_tuple()
        .all(&txn)
        .await?;
    if !check_actor(&txn, actor).await? {
        return Err(ChangeError::ActorGone);
    }
    let user = users::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ChangeError::NotFound)?;
    if user.version != expected_version {
        return Err(ChangeError::Stale);
    }
    let stays_admin = match change {
        UserChange::Role(role) => role == Role::Admin && user.active,
        UserChange::Active(active) => user.role()? == Role::Admin && active,
    };
    if admins.contains(&id) && !stays_admin && admins.len() <= 1 {
        return Err(ChangeError::LastAdmin);
    }
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(users::Column::Version, Expr::value(expected_version + 1))
        .filter(users::Column::Id.eq(id))
        .filter(users::Column::Version.eq(expected_version));
    update = match change {
        UserChange::Role(role) => update.col_expr(users::Column::Role, Expr::value(role.as_str())),
        UserChange::Active(active) => update.col_expr(users::Column::Active, Expr::value(active)),
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(ChangeError::Stale);
    }
    let changed = users::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ChangeError::NotFound)?;
    txn.commit().await?;
    Ok(changed)
}

/// Users matching `filter`, in its order, `per_page` at a time (`page` checked by the caller).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &UserFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<users::Model>, u64), DbErr> {
    use sea_orm::{
        Order, QueryOrder, QuerySelect,
        sea_query::{Expr, ExprTrait, NullOrdering},
    };
    let (role, active) = (filter.role, filter.active);
    let mut find = users::Entity::find();
    let query = search_fold(filter.query.trim());
    if !query.is_empty() {
        // `search_text` is folded by Rust when it is written, the query the same way (SQLite's
        // `lower()` folds ASCII only). `%` and `_` typed by the person are matched literally.
        let pattern = format!(
            "%{}%",
            query
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        find = find.filter(
            Expr::col(users::Column::SearchText)
                .like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')),
        );
    }
    if let Some(role) = role {
        find = find.filter(users::Column::Role.eq(role.as_str()));
    }
    if let Some(active) = active {
        find = find.filter(users::Column::Active.eq(active));
    }
    let total = find.clone().count(db).await?;
    let order = if filter.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    // In the database, so the pages stay right.
    let find = match filter.sort {
        // Turkish alphabetical order: PostgreSQL's ICU collation; on SQLite the sort key Rust
        // wrote.
        UserSort::Name => match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => find.order_by(
                Expr::cust(r#""users"."name" COLLATE "tr-x-icu""#),
                order.clone(),
            ),
            _ => find.order_by(users::Column::SortKey, order.clone()),
        },
        UserSort::Created => find.order_by(users::Column::CreatedAt, order.clone()),
        UserSort::LastSignIn => find.order_by_with_nulls(
            users::Column::LastSignInAt,
            order.clone(),
            NullOrdering::Last,
        ),
    };
    let items = find
        .order_by(users::Column::Id, order)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Keeps the language a person chose. Not an edit of the account (no version bump): a staff
/// member's open edit of the same account must not conflict with it.
pub async fn set_language(
    db: &impl ConnectionTrait,
    id: i64,
    lang: crate::domain::Lang,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    users::Entity::update_many()
        .col_expr(users::Column::Language, Expr::value(lang.as_str()))
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The language a person chose, if they did.
pub fn language_of(user: &users::Model) -> Option<crate::domain::Lang> {
    user.language
        .as_deref()
        .and_then(crate::domain::Lang::parse)
}
