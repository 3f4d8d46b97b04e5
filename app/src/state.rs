//! What the server hands to every server function through Leptos context (never a global).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{mail::Mailer, session::server::SessionService};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub sessions: Arc<SessionService>,
    pub mail: Arc<Mailer>,
    /// What the office is, as pages show it.
    pub office: Arc<crate::account::model::Office>,
}

impl AppState {
    /// The state of the current request. A server function that runs without it is a wiring bug
    /// in `server`, answered 500.
    pub fn current() -> Result<Self, crate::error::ApiError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            crate::error::ApiError::internal()
        })
    }
}
