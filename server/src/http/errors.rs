//! The HTTP side of `ApiError`: its status and `Retry-After`, for the server functions' answers
//! and for failures that happen before a server function runs. The one place either is set.

use app::{
    domain::say,
    error::{ApiError, ErrorCode},
};
use axum::{
    Json,
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};

/// The same `{"error", "message"}` body the server functions answer with, and its status.
pub fn json_error(error: ApiError) -> Response {
    let (mut parts, body) = Json(&error).into_response().into_parts();
    apply(&error, &mut parts.status, &mut parts.headers);
    Response::from_parts(parts, body)
}

/// A server function's failure leaves server_fn as a 500 marked with its error header and the
/// `ApiError` as its JSON body: this gives it the status its code names. Anything else passes
/// untouched.
pub async fn with_error_status(response: Response) -> Response {
    if !response
        .headers()
        .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    // An `ApiError` body is a few hundred bytes; a larger one is not one of ours.
    const MAX_ERROR_BODY: usize = 64 * 1024;
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        tracing::error!("a server function's error body could not be read");
        return json_error(ApiError::internal());
    };
    match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(error) => apply(&error, &mut parts.status, &mut parts.headers),
        Err(err) => tracing::error!(%err, "a server function's error body is not an ApiError"),
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn apply(error: &ApiError, status: &mut StatusCode, headers: &mut HeaderMap) {
    *status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(secs) = error.retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
}

/// The 413 of a body declared larger than `limit`, in the current language (the edge answers
/// it before the request's language scope: it sets one around this call).
pub fn payload_too_large(limit: usize) -> Response {
    json_error(ApiError::new(
        ErrorCode::PayloadTooLarge,
        say(
            format!("İstek gövdesi, bu adresin kabul ettiği {limit} bayttan büyük."),
            format!("The request body is larger than the {limit} bytes this endpoint accepts."),
        ),
    ))
}
