//! The shared body of the protected server functions: check the caller, get the state, do the
//! work. (The HTTP status of a failure is set by the server's API handler, not here.)

use crate::{
    domain::Role,
    error::ApiError,
    session::{
        Requirement,
        server::guard::{self, Caller},
        step_up::Sensitive,
    },
    state::AppState,
};

/// `work` runs for the signed-in caller (401 otherwise) with the app state.
pub async fn signed_in<T>(
    work: impl AsyncFnOnce(AppState, Caller) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let state = AppState::current()?;
    let caller = guard::caller(&state, None).await?;
    work(state, caller).await
}

/// `work` runs for the signed-in caller whose session is full or limited to `step`: the calls
/// that do that step (a password change, say).
pub async fn signed_in_for_step<T>(
    step: Requirement,
    work: impl AsyncFnOnce(AppState, Caller) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let state = AppState::current()?;
    let caller = guard::caller_for_step(&state, step).await?;
    work(state, caller).await
}

/// The same for a caller of `role` only (403 for the other role).
pub async fn with_role<T>(
    role: Role,
    work: impl AsyncFnOnce(AppState, Caller) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let state = AppState::current()?;
    let caller = guard::caller(&state, Some(role)).await?;
    work(state, caller).await
}

/// `with_role`, for an action that needs a fresh proof of who is acting (see `step_up`): 403
/// `reauth_required` when the caller's is too old.
pub async fn with_role_fresh<T>(
    role: Role,
    action: Sensitive,
    work: impl AsyncFnOnce(AppState, Caller) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let state = AppState::current()?;
    let caller = guard::caller(&state, Some(role)).await?;
    guard::require_fresh(&state, &caller, action)?;
    work(state, caller).await
}
