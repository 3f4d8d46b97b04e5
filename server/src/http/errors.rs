//! JSON error responses for failures that happen before a server function runs.

use app::error::{ApiError, ErrorCode};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// The same `{"error", "message"}` body the server functions answer with, and its status.
pub fn json_error(error: ApiError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(error)).into_response()
}

pub fn payload_too_large(limit: usize) -> Response {
    json_error(ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("The request body is larger than the {limit} bytes this endpoint accepts."),
    ))
}
