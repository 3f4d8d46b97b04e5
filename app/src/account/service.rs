//! The account rules, server side. The server functions in `api` and `admin_api` are thin
//! wrappers: they check who is calling, then call these.

use chrono::Utc;
use rand::Rng;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::model::{AuditFilter, CreatedUser, DeviceSession, Page, Profile, UserRow};
use crate::{
    dashboard::AuditEntry,
    db::{
        self, audit,
        audit::{Event, EventKind},
        entities::{auth_events, users},
        rfc3339,
        users::{ChangeError, CreateUserError},
    },
    error::ApiError,
    format::describe_user_agent,
    input::{Email, Name, Password},
    session::{
        Role, SessionUser,
        server::{
            CurrentSession,
            guard::{self, set_cookie},
            service::{db_unavailable, to_chrono},
            store,
        },
    },
    state::AppState,
};

/// How many rows a list page holds.
pub const PER_PAGE: u64 = 20;
/// No list is longer than this many pages; a larger number is a mistake, answered 400.
const MAX_PAGE: u64 = 1_000_000;

fn check_page(page: u64) -> Result<u64, ApiError> {
    if page > MAX_PAGE {
        return Err(ApiError::invalid("page", "That page number is too large."));
    }
    Ok(page.max(1))
}

pub async fn load_user(state: &AppState, id: i64) -> Result<users::Model, ApiError> {
    db::users::find_by_id(&state.db, id)
        .await
        .map_err(db_unavailable)?
        .ok_or_else(ApiError::not_found)
}

pub fn profile(user: &users::Model) -> Profile {
    Profile {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role().unwrap_or(Role::Client),
        created_at: rfc3339(user.created_at),
        password_changed_at: rfc3339(user.password_changed_at),
    }
}

pub fn user_row(user: &users::Model) -> UserRow {
    UserRow {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role().unwrap_or(Role::Client),
        active: user.active,
        created_at: rfc3339(user.created_at),
        version: user.version,
    }
}

async fn record(state: &AppState, kind: EventKind, user_id: i64, detail: Option<&str>) {
    let parts = guard::request_parts().ok();
    let client = parts
        .as_ref()
        .map(|p| guard::client_info(state, p))
        .unwrap_or_default();
    let event = Event {
        user_id: Some(user_id),
        client_addr: client.addr.as_deref(),
        user_agent: client.user_agent.as_deref(),
        detail,
        ..Event::default()
    };
    audit::record_best_effort(&state.db, kind, event).await;
}

/// The signed-in user changes their name; their token is reissued so it shows at once.
pub async fn update_name(
    state: &AppState,
    current: &CurrentSession,
    raw_name: &str,
) -> Result<Profile, ApiError> {
    let name = Name::parse(raw_name)?;
    let id = current.user().id;
    let changed = db::users::update_active_user(
        &state.db,
        id,
        vec![
            (users::Column::Name, Expr::value(name.as_ref())),
            (
                users::Column::SearchText,
                Expr::value(db::users::search_text(name.as_ref(), &current.user().email)),
            ),
        ],
    )
    .await
    .map_err(db_unavailable)?;
    if !changed {
        return Err(ApiError::unauthenticated());
    }
    let user = load_user(state, id).await?;
    set_cookie(&state.sessions.reissue(current, &session_user(&user))?);
    record(state, EventKind::ProfileUpdated, id, Some("name changed")).await;
    Ok(profile(&user))
}

fn session_user(user: &users::Model) -> SessionUser {
    SessionUser {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role().unwrap_or(Role::Client),
    }
}

/// The signed-in user changes their password: every session of theirs ends, and this device
/// continues on a fresh session id.
pub async fn change_password(
    state: &AppState,
    current: &CurrentSession,
    current_password: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    let user = load_user(state, current.user().id).await?;
    let typed = Password::parse(current_password).map_err(|e| ApiError {
        field: Some("current_password".into()),
        ..e
    })?;
    if !state.sessions.verify_password(&user, &typed).await? {
        return Err(ApiError::invalid(
            "current_password",
            "The current password is incorrect.",
        ));
    }
    let email = Email::parse(&user.email)?;
    let new = Password::parse_new(new_password, Some(&email)).map_err(|e| ApiError {
        field: Some("new_password".into()),
        ..e
    })?;
    if new.expose() == typed.expose() {
        return Err(ApiError::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = state.sessions.hasher().hash(&new).await?;
    let changed = db::users::update_active_user(
        &state.db,
        user.id,
        vec![
            (users::Column::PasswordHash, Expr::value(hash)),
            (users::Column::PasswordChangedAt, Expr::value(Utc::now())),
        ],
    )
    .await
    .map_err(db_unavailable)?;
    if !changed {
        return Err(ApiError::unauthenticated());
    }
    state
        .sessions
        .revoke_all_for_user(user.id, None, "password changed")
        .await?;
    let parts = guard::request_parts()?;
    let client = guard::client_info(state, &parts);
    let started = state.sessions.start_session(&user, &client).await?;
    set_cookie(&started.set_cookie);
    record(state, EventKind::PasswordChanged, user.id, None).await;
    Ok(())
}

/// Ending sessions needs a recent sign-in, or the password now.
pub async fn confirm_fresh(
    state: &AppState,
    current: &CurrentSession,
    password: Option<&str>,
) -> Result<(), ApiError> {
    let window = to_chrono(state.sessions.config().reauth_window);
    if Utc::now() - current.signed_in_at <= window {
        return Ok(());
    }
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Err(ApiError::reauth_required());
    };
    let password = Password::parse(password)?;
    let user = load_user(state, current.user().id).await?;
    if state.sessions.verify_password(&user, &password).await? {
        Ok(())
    } else {
        Err(ApiError::invalid("password", "The password is incorrect."))
    }
}

/// A user's live sessions, `current` marked.
pub async fn device_sessions(
    state: &AppState,
    user_id: i64,
    current_sid: Option<&str>,
) -> Result<Vec<DeviceSession>, ApiError> {
    let idle = to_chrono(state.sessions.config().idle_timeout);
    let rows = store::list_active(&state.db, user_id, Utc::now(), idle)
        .await
        .map_err(db_unavailable)?;
    Ok(rows
        .into_iter()
        .map(|row| DeviceSession {
            current: Some(row.id.as_str()) == current_sid,
            device: describe_user_agent(row.user_agent.as_deref().unwrap_or_default()),
            client_addr: row.client_addr,
            signed_in_at: rfc3339(row.created_at),
            last_active_at: rfc3339(row.last_seen_at),
            id: row.id,
        })
        .collect())
}

/// Ends one session of `user_id`. Someone else's session answers 404, as if it did not exist.
pub async fn end_session(
    state: &AppState,
    user_id: i64,
    session_id: &str,
    reason: &str,
) -> Result<(), ApiError> {
    let row = store::find(&state.db, session_id)
        .await
        .map_err(db_unavailable)?;
    match row {
        Some(row) if row.user_id == user_id => state.sessions.revoke(&row.id, reason).await,
        _ => Err(ApiError::not_found()),
    }
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: String = (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    // Groups of four read and type more easily.
    chars
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

pub async fn create_client(
    state: &AppState,
    admin_id: i64,
    raw_name: &str,
    raw_email: &str,
    raw_password: Option<&str>,
) -> Result<CreatedUser, ApiError> {
    let name = Name::parse(raw_name)?;
    let email = Email::parse(raw_email)?;
    let (password, generated) = match raw_password.filter(|p| !p.is_empty()) {
        Some(raw) => (Password::parse_new(raw, Some(&email))?, None),
        None => {
            let generated = random_password();
            (
                Password::parse_new(&generated, Some(&email))?,
                Some(generated),
            )
        }
    };
    let hash = state.sessions.hasher().hash(&password).await?;
    let user = match db::users::create(&state.db, &email, &name, hash, Role::Client).await {
        Ok(user) => user,
        Err(CreateUserError::DuplicateEmail) => {
            return Err(ApiError::invalid(
                "email",
                "An account with this email already exists.",
            ));
        }
        Err(CreateUserError::Db(err)) => return Err(db_unavailable(err)),
    };
    record(
        state,
        EventKind::UserCreated,
        user.id,
        Some(&format!("created by user #{admin_id}")),
    )
    .await;
    Ok(CreatedUser {
        user: user_row(&user),
        generated_password: generated,
    })
}

/// An admin's change of role or active flag; either ends every session of the user.
pub async fn admin_change(
    state: &AppState,
    admin_id: i64,
    user_id: i64,
    version: i64,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<UserRow, ApiError> {
    let before = load_user(state, user_id).await?;
    let user = db::users::admin_change(&state.db, user_id, version, role, active)
        .await
        .map_err(|err| match err {
            ChangeError::NotFound => ApiError::not_found(),
            ChangeError::Stale => ApiError::conflict(
                "This account was changed by someone else in the meantime. Reload it and try again.",
            ),
            ChangeError::LastAdmin => ApiError::conflict(
                "This would leave the office without an active admin. Make another user an admin first.",
            ),
            ChangeError::Db(err) => db_unavailable(err),
        })?;
    let role_changed = before.role != user.role;
    let active_changed = before.active != user.active;
    if role_changed || active_changed {
        let reason = if role_changed {
            "role changed"
        } else {
            "account deactivated"
        };
        state
            .sessions
            .revoke_all_for_user(user_id, None, reason)
            .await?;
    }
    let detail = format!("by user #{admin_id}");
    if role_changed {
        record(
            state,
            EventKind::RoleChanged,
            user_id,
            Some(&format!("{} → {} {detail}", before.role, user.role)),
        )
        .await;
    }
    if active_changed {
        let kind = if user.active {
            EventKind::UserReactivated
        } else {
            EventKind::UserDeactivated
        };
        record(state, kind, user_id, Some(&detail)).await;
    }
    Ok(user_row(&user))
}

pub async fn list_users(
    state: &AppState,
    filter: &super::model::UserFilter,
) -> Result<Page<UserRow>, ApiError> {
    if filter.query.chars().count() > 100 {
        return Err(ApiError::invalid(
            "query",
            "Search for at most 100 characters.",
        ));
    }
    let page = check_page(filter.page)?;
    let (users, total) = db::users::list(
        &state.db,
        &filter.query,
        filter.role,
        filter.active,
        page,
        PER_PAGE,
    )
    .await
    .map_err(db_unavailable)?;
    Ok(Page {
        items: users.iter().map(user_row).collect(),
        page,
        per_page: PER_PAGE,
        total,
    })
}

pub async fn audit_log(
    state: &AppState,
    filter: &AuditFilter,
) -> Result<Page<AuditEntry>, ApiError> {
    let mut find = auth_events::Entity::find();
    if let Some(user_id) = filter.user_id {
        find = find.filter(auth_events::Column::UserId.eq(user_id));
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        if !super::model::AUDIT_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(ApiError::invalid("kind", "Unknown event kind."));
        }
        find = find.filter(auth_events::Column::Kind.eq(kind));
    }
    let page = check_page(filter.page)?;
    let total = find
        .clone()
        .count(&state.db)
        .await
        .map_err(db_unavailable)?;
    let events = find
        .order_by_desc(auth_events::Column::CreatedAt)
        .order_by_desc(auth_events::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(&state.db)
        .await
        .map_err(db_unavailable)?;
    Ok(Page {
        items: crate::dashboard::queries::audit_entries(&state.db, events).await?,
        page,
        per_page: PER_PAGE,
        total,
    })
}
