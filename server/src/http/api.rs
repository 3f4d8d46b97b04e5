//! `/api/*`: the Leptos server functions, with the app state in their context.

use std::{collections::HashMap, sync::Arc};

use app::{
    domain::say,
    error::{ApiError, ErrorCode},
    state::AppState,
};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, header},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

use super::errors::{json_error, with_error_status};

/// The registered server functions, read once at start-up: checking a request against this set
/// is cheaper than asking server_fn to build the function's service twice.
#[derive(Clone)]
pub struct Endpoints(Arc<HashMap<&'static str, Vec<Method>>>);

impl Endpoints {
    pub fn registered() -> Self {
        let mut paths: HashMap<&'static str, Vec<Method>> = HashMap::new();
        for (path, method) in server_fn::axum::server_fn_paths() {
            paths.entry(path).or_default().push(method);
        }
        Self(Arc::new(paths))
    }

    fn has(&self, path: &str, method: &Method) -> bool {
        self.known(path, method).is_some()
    }

    /// The registered path equal to `path` (a label no caller can make up), when it takes
    /// `method`.
    pub fn known(&self, path: &str, method: &Method) -> Option<&'static str> {
        self.0
            .get_key_value(path)
            .filter(|(_, methods)| methods.contains(method))
            .map(|(known, _)| *known)
    }
}

/// Set on the response of a call to a registered server function: its path, for the metrics
/// (any other `/api/…` path counts as one route).
#[derive(Debug, Clone, Copy)]
pub struct ApiRoute(pub &'static str);

/// Runs the server function at the request's path, or answers 404/405 in JSON.
pub async fn handle(
    State(shared): State<Arc<(AppState, Endpoints)>>,
    mut request: Request<Body>,
) -> Response {
    let (state, endpoints) = &*shared;
    let path = request.uri().path().to_owned();
    let Some(route) = endpoints.known(&path, request.method()) else {
        return if endpoints.has(&path, &Method::POST) {
            let mut response = json_error(ApiError::new(
                ErrorCode::InvalidInput,
                say(
                    "Bu adres yalnızca POST isteklerini kabul eder.",
                    "This endpoint only accepts POST.",
                ),
            ));
            *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            response
        } else {
            json_error(ApiError::new(
                ErrorCode::NotFound,
                say(
                    format!("{path} adresinde bir API uç noktası yok."),
                    format!("There is no API endpoint at {path}."),
                ),
            ))
        };
    };
    // leptos_axum turns a request that accepts HTML into a redirect to its Referer (for plain
    // HTML forms). This API always answers JSON.
    request
        .headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let response = leptos_axum::handle_server_fns_with_context(
        {
            let state = state.clone();
            move || provide_context(state.clone())
        },
        request,
    )
    .await
    .into_response();
    let mut response = with_error_status(response).await;
    response.extensions_mut().insert(ApiRoute(route));
    response
}
