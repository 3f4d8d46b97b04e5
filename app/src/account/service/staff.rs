//! What staff do to other people's accounts: create clients, change a role or the active flag,
//! list users and read the audit log. The callers are checked as `Role::Admin` by `admin_api`.

use rand::Rng;

use super::{PER_PAGE, check_page, load_user, record};
use crate::{
    account::model::{AuditFilter, AuditLogPage, CreatedUser, Page, UserFilter, UserRow},
    dashboard::queries::audit_entries,
    db::{
        self, audit,
        users::{AdminCreateError, ChangeError, CreateUserError, UserChange},
    },
    domain::{AuditKind, Email, Name, Password, Role, strength},
    error::ApiError,
    session::server::guard::Caller,
    state::AppState,
};

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

/// A new client account; without a password one is generated and returned once.
pub async fn create_client(
    state: &AppState,
    admin: &Caller,
    raw_name: &str,
    raw_email: &str,
    raw_password: Option<&str>,
) -> Result<CreatedUser, ApiError> {
    let name = Name::parse(raw_name)?;
    let email = Email::parse(raw_email)?;
    let (password, generated) = match raw_password.filter(|p| !p.is_empty()) {
        Some(raw) => {
            let password = Password::parse_new(raw, Some(&email))?;
            strength::check(&password, strength::Owner::of(&name, &email))?;
            (password, None)
        }
        None => {
            let generated = random_password();
            (
                Password::parse_new(&generated, Some(&email))?,
                Some(generated),
            )
        }
    };
    let hash = state.sessions.hasher().hash(&password).await?;
    // A generated password is only a first one: its owner chooses their own at the first
    // sign-in (a session limited to that until it is done).
    let new = db::users::NewUser {
        email: &email,
        name: &name,
        password_hash: hash,
        role: Role::Client,
        must_change_password: generated.is_some(),
    };
    let created = db::users::create_by_admin(&state.db, admin.actor(), new);
    let user = match created.await {
        Ok(user) => user,
        Err(AdminCreateError::ActorGone) => return Err(ApiError::unauthenticated()),
        Err(AdminCreateError::Create(CreateUserError::DuplicateEmail)) => {
            return Err(ApiError::invalid(
                "email",
                "An account with this email already exists.",
            ));
        }
        Err(AdminCreateError::Create(CreateUserError::Db(err))) => return Err(err.into()),
    };
    let detail = format!("created by user #{}", admin.user().id);
    record(state, admin, AuditKind::UserCreated, user.id, Some(&detail)).await;
    Ok(CreatedUser {
        user: UserRow::try_from(&user)?,
        generated_password: generated,
    })
}

/// An admin's change of a user's role or active flag; either ends every session of the user.
pub async fn change_user(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
    version: i64,
    change: UserChange,
) -> Result<UserRow, ApiError> {
    let before = load_user(state, user_id).await?;
    let user = db::users::admin_change(&state.db, admin.actor(), user_id, version, change)
        .await
        .map_err(|err| match err {
            ChangeError::ActorGone => ApiError::unauthenticated(),
            ChangeError::NotFound => ApiError::not_found(),
            ChangeError::Stale => ApiError::conflict(
                "This account was changed by someone else in the meantime. Reload it and try again.",
            ),
            ChangeError::LastAdmin => ApiError::conflict(
                "This would leave the office without an active admin. Make another user an admin first.",
            ),
            ChangeError::UnreadableRole(err) => err.into(),
            ChangeError::Db(err) => err.into(),
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
    let detail = format!("by user #{}", admin.user().id);
    if role_changed {
        let detail = format!("{} → {} {detail}", before.role, user.role);
        record(state, admin, AuditKind::RoleChanged, user_id, Some(&detail)).await;
    }
    if active_changed {
        let kind = if user.active {
            AuditKind::UserReactivated
        } else {
            AuditKind::UserDeactivated
        };
        record(state, admin, kind, user_id, Some(&detail)).await;
    }
    UserRow::try_from(&user)
}

pub async fn list_users(state: &AppState, filter: &UserFilter) -> Result<Page<UserRow>, ApiError> {
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
    .await?;
    Ok(Page {
        items: users
            .iter()
            .map(UserRow::try_from)
            .collect::<Result<_, _>>()?,
        page,
        per_page: PER_PAGE,
        total,
    })
}

/// The audit log's total stops counting here ("10,000+").
pub const AUDIT_COUNT_CAP: u64 = 10_000;

pub async fn audit_log(state: &AppState, filter: &AuditFilter) -> Result<AuditLogPage, ApiError> {
    if filter.kind == Some(AuditKind::Other) {
        return Err(ApiError::invalid("kind", "Unknown event kind."));
    }
    if filter.before.is_some_and(|id| id < 1) {
        return Err(ApiError::invalid(
            "before",
            "That is not a place in the audit log: start from the newest events.",
        ));
    }
    let which = audit::Filter {
        user_id: filter.user_id,
        kind: filter.kind,
    };
    // One more than a page: whether there is a next page, without a second query.
    let mut events = audit::list(&state.db, which, filter.before, PER_PAGE + 1).await?;
    let next = if events.len() as u64 > PER_PAGE {
        events.truncate(PER_PAGE as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    let (total, total_capped) = audit::count_capped(&state.db, which, AUDIT_COUNT_CAP).await?;
    Ok(AuditLogPage {
        items: audit_entries(&state.db, events).await?,
        next,
        per_page: PER_PAGE,
        total,
        total_capped,
    })
}
