//! Turns an `ApiError` into the real HTTP status (and `Retry-After`) of the server function's
//! response. Leptos would otherwise answer every error with 500.

use http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::ApiError;

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
