//! Protected server functions: any signed-in user, staff only, clients only.

use leptos::prelude::*;

use super::model::{AdminSummary, ClientSummary};
use crate::{error::ApiError, session::SessionUser};

/// `POST /api/me`: the signed-in user (401 when signed out).
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<SessionUser, ApiError> {
    Ok(crate::session::server::auth().await?.session.user)
}

/// `POST /api/admin/summary`: the staff dashboard (ADMIN only).
#[server(prefix = "/api/admin", endpoint = "summary")]
pub async fn admin_dashboard() -> Result<AdminSummary, ApiError> {
    crate::respond::with_role(crate::domain::Role::Admin, async |state, _| {
        super::queries::admin_summary(&state.db).await
    })
    .await
}

/// `POST /api/client/summary`: the client dashboard (CLIENT only).
#[server(prefix = "/api/client", endpoint = "summary")]
pub async fn client_dashboard() -> Result<ClientSummary, ApiError> {
    crate::respond::with_role(crate::domain::Role::Client, async |state, caller| {
        super::queries::client_summary(&state.db, &caller.session).await
    })
    .await
}
