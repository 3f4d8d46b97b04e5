//! Turns an `ApiError` into the real HTTP status (and `Retry-After`) of the server function's
//! response (Leptos would otherwise answer every error with 500), and the shared body of the
//! protected server functions: check the caller, get the state, do the work, set the status.

use http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::{
    error::ApiError,
    session::{
        Role,
        server::{CurrentSession, auth, require_role},
    },
    state::AppState,
};

pub fn set_status(error: &ApiError) {
    let Some(options) = use_context::<ResponseOptions>() else {
        return;
    };
    options.set_status(
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    if let Some(secs) = error.retry_after {
        options.insert_header(RETRY_AFTER, HeaderValue::from(secs));
    }
}

/// Every server function ends with this: an error sets its status on the way out.
pub fn finish<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}

/// The body of a protected server function: `work` runs for the signed-in caller (401
/// otherwise) with the app state, and an error sets the answer's status.
pub async fn signed_in<T>(
    work: impl AsyncFnOnce(AppState, CurrentSession) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    finish(
        async {
            let current = auth().await?;
            work(AppState::current()?, current).await
        }
        .await,
    )
}

/// The same for a caller of `role` only (403 for the other role).
pub async fn with_role<T>(
    role: Role,
    work: impl AsyncFnOnce(AppState, CurrentSession) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    finish(
        async {
            let current = require_role(role).await?;
            work(AppState::current()?, current).await
        }
        .await,
    )
}
