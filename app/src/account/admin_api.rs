//! Staff only: users, their sessions, and the audit log: `/api/admin/*`.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::model::{AuditFilter, CreatedUser, DeviceSession, Page, UserFilter, UserRow};
use crate::{dashboard::AuditEntry, error::ApiError, session::Role};

/// `POST /api/admin/users` with `{"filter": {"query", "role", "active", "page"}}`.
#[server(prefix = "/api/admin", endpoint = "users", input = Json)]
pub async fn list_users(filter: UserFilter) -> Result<Page<UserRow>, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            super::service::list_users(&AppState::current()?, &filter).await
        }
        .await,
    )
}

/// `POST /api/admin/user` with `{"user_id": …}`.
#[server(prefix = "/api/admin", endpoint = "user", input = Json)]
pub async fn get_user(user_id: i64) -> Result<UserRow, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            Ok(super::service::user_row(
                &super::service::load_user(&AppState::current()?, user_id).await?,
            ))
        }
        .await,
    )
}

/// `POST /api/admin/create_client` with `{"name", "email", "password": null | …}`. Without a
/// password one is generated and returned once.
#[server(prefix = "/api/admin", endpoint = "create_client", input = Json)]
pub async fn create_client(
    name: String,
    email: String,
    password: Option<String>,
) -> Result<CreatedUser, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            let admin = require_role(Role::Admin).await?;
            super::service::create_client(
                &AppState::current()?,
                admin.user().id,
                &name,
                &email,
                password.as_deref(),
            )
            .await
        }
        .await,
    )
}

/// `POST /api/admin/set_active` with `{"user_id", "active", "version"}`. Deactivation ends every
/// session of the user at once.
#[server(prefix = "/api/admin", endpoint = "set_active", input = Json)]
pub async fn set_user_active(
    user_id: i64,
    active: bool,
    version: i64,
) -> Result<UserRow, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            let admin = require_role(Role::Admin).await?;
            super::service::admin_change(
                &AppState::current()?,
                admin.user().id,
                user_id,
                version,
                None,
                Some(active),
            )
            .await
        }
        .await,
    )
}

/// `POST /api/admin/set_role` with `{"user_id", "role", "version"}`. Ends the user's sessions.
#[server(prefix = "/api/admin", endpoint = "set_role", input = Json)]
pub async fn set_user_role(user_id: i64, role: Role, version: i64) -> Result<UserRow, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            let admin = require_role(Role::Admin).await?;
            super::service::admin_change(
                &AppState::current()?,
                admin.user().id,
                user_id,
                version,
                Some(role),
                None,
            )
            .await
        }
        .await,
    )
}

/// `POST /api/admin/user_sessions` with `{"user_id": …}`.
#[server(prefix = "/api/admin", endpoint = "user_sessions", input = Json)]
pub async fn user_sessions(user_id: i64) -> Result<Vec<DeviceSession>, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            let admin = require_role(Role::Admin).await?;
            let state = AppState::current()?;
            super::service::load_user(&state, user_id).await?;
            super::service::device_sessions(&state, user_id, Some(&admin.sid)).await
        }
        .await,
    )
}

/// `POST /api/admin/end_user_session` with `{"user_id", "session_id"}`.
#[server(prefix = "/api/admin", endpoint = "end_user_session", input = Json)]
pub async fn end_user_session(user_id: i64, session_id: String) -> Result<(), ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            super::service::end_session(
                &AppState::current()?,
                user_id,
                &session_id,
                "ended by an admin",
            )
            .await
        }
        .await,
    )
}

/// `POST /api/admin/end_user_sessions` with `{"user_id": …}`: answers how many ended.
#[server(prefix = "/api/admin", endpoint = "end_user_sessions", input = Json)]
pub async fn end_user_sessions(user_id: i64) -> Result<usize, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            let state = AppState::current()?;
            super::service::load_user(&state, user_id).await?;
            state
                .sessions
                .revoke_all_for_user(user_id, None, "ended by an admin")
                .await
        }
        .await,
    )
}

/// `POST /api/admin/audit` with `{"filter": {"user_id", "kind", "page"}}`: newest first.
#[server(prefix = "/api/admin", endpoint = "audit", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<Page<AuditEntry>, ApiError> {
    use crate::{session::server::require_role, state::AppState};
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            super::service::audit_log(&AppState::current()?, &filter).await
        }
        .await,
    )
}
