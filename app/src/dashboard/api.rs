//! Protected server functions: any signed-in user, staff only, clients only.

use leptos::prelude::*;

use super::model::{AdminSummary, ClientSummary};
use crate::{error::ApiError, session::SessionUser};

/// `POST /api/me`: the signed-in user (401 when signed out).
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<SessionUser, ApiError> {
    crate::respond::finish(
        crate::session::server::auth()
            .await
            .map(|current| current.session.user),
    )
}

/// `POST /api/admin/summary`: the staff dashboard (ADMIN only).
#[server(prefix = "/api/admin", endpoint = "summary")]
pub async fn admin_dashboard() -> Result<AdminSummary, ApiError> {
    use crate::{
        session::{Role, server::require_role},
        state::AppState,
    };
    crate::respond::finish(
        async {
            require_role(Role::Admin).await?;
            super::queries::admin_summary(&AppState::current()?.db).await
        }
        .await,
    )
}

/// `POST /api/client/summary`: the client dashboard (CLIENT only).
#[server(prefix = "/api/client", endpoint = "summary")]
pub async fn client_dashboard() -> Result<ClientSummary, ApiError> {
    use crate::{
        session::{Role, server::require_role},
        state::AppState,
    };
    crate::respond::finish(
        async {
            let current = require_role(Role::Client).await?;
            super::queries::client_summary(&AppState::current()?.db, &current).await
        }
        .await,
    )
}
