//! Staff only (every function checks with `with_role(Role::Admin, …)`): users, their sessions,
//! and the audit log: `/api/admin/*`. The changes to people's accounts also need a fresh proof of
//! who is acting (`with_role_fresh`, see `session::step_up`).

use leptos::prelude::*;
use server_fn::codec::Json;

use super::model::{
    AuditFilter, AuditLogPage, CreatedUser, DeviceSession, InvitationLink, Page, UserFilter,
    UserRow,
};
use crate::{domain::Role, error::ApiError};

#[cfg(feature = "ssr")]
use {
    super::service::{self, staff},
    crate::{db::users::UserChange, session::step_up::Sensitive},
};

/// `POST /api/admin/users` with `{"filter": {"query", "role", "active", "page"}}`.
#[server(prefix = "/api/admin", endpoint = "users", input = Json)]
pub async fn list_users(filter: UserFilter) -> Result<Page<UserRow>, ApiError> {
    crate::respond::with_role(Role::Admin, async |state, _| {
        staff::list_users(&state, &filter).await
    })
    .await
}

/// `POST /api/admin/user` with `{"user_id": …}`: the row, with a pending invitation's end
/// and a pending email change.
#[server(prefix = "/api/admin", endpoint = "user", input = Json)]
pub async fn get_user(user_id: i64) -> Result<UserRow, ApiError> {
    crate::respond::with_role(Role::Admin, async |state, _| {
        staff::user_detail(&state, user_id).await
    })
    .await
}

/// `POST /api/admin/create_client` with `{"name", "email", "password": null | …, "invite":
/// false}`. `invite: true` emails an invitation (its link is answered too, to copy); else
/// without a password one is generated and returned once.
#[server(prefix = "/api/admin", endpoint = "create_client", input = Json)]
pub async fn create_client(
    name: String,
    email: String,
    password: Option<String>,
    invite: Option<bool>,
) -> Result<CreatedUser, ApiError> {
    crate::respond::with_role_fresh(
        Role::Admin,
        Sensitive::CreateAccount,
        async |state, admin| {
            let access = match (invite.unwrap_or(false), password.as_deref()) {
                (true, Some(p)) if !p.is_empty() => {
                    return Err(ApiError::invalid(
                        "password",
                        crate::domain::say(
                            "Müşteriyi ya davet edin ya da bir şifre verin; ikisi birden olmaz.",
                            "Either invite the client or give a password, not both.",
                        ),
                    ));
                }
                (true, _) => staff::FirstAccess::Invitation,
                (false, Some(p)) if !p.is_empty() => staff::FirstAccess::Password(p),
                (false, _) => staff::FirstAccess::Generated,
            };
            staff::create_client(&state, &admin, &name, &email, access).await
        },
    )
    .await
}

/// `POST /api/admin/update_user` with `{"user_id", "version", "name", "email"}` (step-up): the
/// name changes at once; a new email only once the link sent to it is followed (the old
/// address gets a notice). Answers the user as `user` does.
#[server(prefix = "/api/admin", endpoint = "update_user", input = Json)]
pub async fn update_user(
    user_id: i64,
    version: i64,
    name: String,
    email: String,
) -> Result<UserRow, ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::AccountCare, async |state, admin| {
        staff::update_user(&state, &admin, user_id, version, &name, &email).await
    })
    .await
}

/// `POST /api/admin/send_reset_link` with `{"user_id"}` (step-up): emails the user a password
/// reset link.
#[server(prefix = "/api/admin", endpoint = "send_reset_link", input = Json)]
pub async fn send_reset_link(user_id: i64) -> Result<(), ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::AccountCare, async |state, admin| {
        staff::send_reset_link(&state, &admin, user_id).await
    })
    .await
}

/// `POST /api/admin/send_invitation` with `{"user_id"}` (step-up): a new invitation for an
/// account that has not accepted one; the old link stops working.
#[server(prefix = "/api/admin", endpoint = "send_invitation", input = Json)]
pub async fn send_invitation(user_id: i64) -> Result<InvitationLink, ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::AccountCare, async |state, admin| {
        staff::send_invitation(&state, &admin, user_id).await
    })
    .await
}

/// `POST /api/admin/revoke_invitation` with `{"user_id"}` (step-up): the pending invitation
/// link stops working.
#[server(prefix = "/api/admin", endpoint = "revoke_invitation", input = Json)]
pub async fn revoke_invitation(user_id: i64) -> Result<(), ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::AccountCare, async |state, admin| {
        staff::revoke_invitation(&state, &admin, user_id).await
    })
    .await
}

/// `POST /api/admin/set_active` with `{"user_id", "active", "version"}`. Deactivation ends every
/// session of the user at once.
#[server(prefix = "/api/admin", endpoint = "set_active", input = Json)]
pub async fn set_user_active(
    user_id: i64,
    active: bool,
    version: i64,
) -> Result<UserRow, ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::SetActive, async |state, admin| {
        staff::change_user(&state, &admin, user_id, version, UserChange::Active(active)).await
    })
    .await
}

/// `POST /api/admin/set_role` with `{"user_id", "role", "version"}`. Ends the user's sessions.
#[server(prefix = "/api/admin", endpoint = "set_role", input = Json)]
pub async fn set_user_role(user_id: i64, role: Role, version: i64) -> Result<UserRow, ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::ChangeRole, async |state, admin| {
        staff::change_user(&state, &admin, user_id, version, UserChange::Role(role)).await
    })
    .await
}

/// `POST /api/admin/user_sessions` with `{"user_id": …}`.
#[server(prefix = "/api/admin", endpoint = "user_sessions", input = Json)]
pub async fn user_sessions(user_id: i64) -> Result<Vec<DeviceSession>, ApiError> {
    crate::respond::with_role(Role::Admin, async |state, admin| {
        service::load_user(&state, user_id).await?;
        service::device_sessions(&state, user_id, admin.sid()).await
    })
    .await
}

/// `POST /api/admin/end_user_session` with `{"user_id", "session_id"}`.
#[server(prefix = "/api/admin", endpoint = "end_user_session", input = Json)]
pub async fn end_user_session(user_id: i64, session_id: String) -> Result<(), ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::EndUserSessions, async |state, _| {
        service::end_session(&state, user_id, &session_id, "ended by an admin").await
    })
    .await
}

/// `POST /api/admin/end_user_sessions` with `{"user_id": …}`: answers how many ended.
#[server(prefix = "/api/admin", endpoint = "end_user_sessions", input = Json)]
pub async fn end_user_sessions(user_id: i64) -> Result<usize, ApiError> {
    crate::respond::with_role_fresh(Role::Admin, Sensitive::EndUserSessions, async |state, _| {
        service::load_user(&state, user_id).await?;
        state
            .sessions
            .revoke_all_for_user(user_id, None, "ended by an admin")
            .await
    })
    .await
}

/// `POST /api/admin/reset_two_step` with `{"user_id": …}` (step-up): turns off the user's
/// two-step sign-in (a lost phone, no recovery codes left) and ends every session of theirs;
/// they sign in with the password and may set it up again. 409 when it is not on.
#[server(prefix = "/api/admin", endpoint = "reset_two_step", input = Json)]
pub async fn reset_two_step(user_id: i64) -> Result<(), ApiError> {
    crate::respond::with_role_fresh(
        Role::Admin,
        Sensitive::ResetTwoStep,
        async |state, admin| {
            service::load_user(&state, user_id).await?;
            if user_id == admin.user().id {
                return Err(ApiError::conflict(crate::domain::say(
                    "Kendi hesabınızda iki adımlı oturum açmayı Profil sayfasından, şifrenizi ve bir kodu girerek kapatın.",
                    "Turn your own two-step sign-in off from your profile, with your password and a code.",
                )));
            }
            let by = format!("by user #{}", admin.user().id);
            if state.sessions.reset_two_step(user_id, &by).await? {
                Ok(())
            } else {
                Err(ApiError::conflict(crate::domain::say(
                    "Bu hesapta iki adımlı oturum açma zaten kapalı.",
                    "Two-step sign-in is not on for this account.",
                )))
            }
        },
    )
    .await
}

/// `POST /api/admin/audit` with `{"filter": {"user_id", "kind", "before", "since", "until"}}`:
/// newest first, a page at a time; the answer's `next` is the `before` of the next page.
#[server(prefix = "/api/admin", endpoint = "audit", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditLogPage, ApiError> {
    crate::respond::with_role(Role::Admin, async |state, _| {
        staff::audit_log(&state, &filter).await
    })
    .await
}
