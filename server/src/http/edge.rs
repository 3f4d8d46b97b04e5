//! What every request passes first, and the only part the most frequent answers pass at all: it
//! names the request, refuses or answers the API's hot paths itself, adds the security headers
//! and writes the access line. Everything else goes on to the router.
//!
//! A service of its own, not a middleware layer around the router: a `from_fn` layer boxes a
//! future per request (as large as everything it may await), and the router's own fallback
//! boxes and clones once more, and a refused call (401) is cheap enough that those were much of
//! its cost. Here an answer known at once is a ready future: nothing boxed, nothing cloned. What
//! each part does lives in its own module: `request_log` (ids, access line, metrics), `csrf`,
//! `fast_path`, `security`.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use app::{domain::lang, session::server::request::SignedInUser, state::AppState};
use axum::{
    Router,
    extract::{ConnectInfo, Request},
    http::{HeaderMap, HeaderValue, header},
    response::Response,
    serve::{IncomingStream, Listener},
};
use futures::future::{BoxFuture, Either, Ready, ready};
use tower::{Service, ServiceExt};
use tracing::Instrument;

use super::{
    api, csrf, errors, fast_path,
    request_log::{self, Seen, TrustedProxy},
    security::SecurityHeaders,
};

/// What the edge checks against and adds.
pub struct Edge {
    pub proxy: TrustedProxy,
    pub security: SecurityHeaders,
    pub allowed: csrf::AllowedOrigin,
    /// The largest request body an API call may declare.
    pub limit: usize,
    pub state: AppState,
    pub endpoints: api::Endpoints,
}

/// The server as `axum::serve` takes it: makes each connection's service, which knows the
/// peer's address (the session layer reads it as `ConnectInfo`, as `Router`'s
/// `into_make_service_with_connect_info` would give it).
#[derive(Clone)]
pub struct Server {
    edge: Arc<Edge>,
    routes: Router,
}

impl Server {
    pub fn new(edge: Edge, routes: Router) -> Self {
        Self {
            edge: Arc::new(edge),
            routes,
        }
    }
}

impl<L> Service<IncomingStream<'_, L>> for Server
where
    L: Listener<Addr = SocketAddr>,
{
    type Response = Connection;
    type Error = Infallible;
    type Future = Ready<Result<Connection, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: IncomingStream<'_, L>) -> Self::Future {
        ready(Ok(Connection {
            edge: self.edge.clone(),
            routes: self.routes.clone(),
            peer: ConnectInfo(*stream.remote_addr()),
        }))
    }
}

/// One connection's service: the edge, then the router.
#[derive(Clone)]
pub struct Connection {
    edge: Arc<Edge>,
    routes: Router,
    peer: ConnectInfo<SocketAddr>,
}

type Answer = Result<Response, Infallible>;

impl Service<Request> for Connection {
    type Response = Response;
    type Error = Infallible;
    /// Ready when the edge answered at once, boxed when it has to wait.
    type Future = Either<Ready<Answer>, BoxFuture<'static, Answer>>;

    /// A `Router` is always ready.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let seen = Seen {
            id: request_log::name(self.edge.proxy, &request),
            method: request.method().clone(),
            uri: request.uri().clone(),
            user: SignedInUser::default(),
            started: Instant::now(),
        };
        if request_log::is_api(seen.uri.path()) {
            let edge = &self.edge;
            if let Some(refused) = csrf::refusal(&edge.allowed, &request, seen.id.as_str()) {
                return Either::Left(ready(Ok(edge.finish(seen, refused, None))));
            }
            match edge.at_once(request.headers(), &seen) {
                AtOnce::Answer(response, route) => {
                    return Either::Left(ready(Ok(edge.finish(seen, response, route))));
                }
                AtOnce::SessionCheck(route) => {
                    let edge = edge.clone();
                    return Either::Right(Box::pin(async move {
                        // May read the database: its log lines carry the request's span.
                        let response =
                            fast_path::session_check(&edge.state, request.headers(), &seen.user)
                                .instrument(request_log::span(&seen.id))
                                .await;
                        Ok(edge.finish(seen, response, Some(route)))
                    }));
                }
                AtOnce::Run => {}
            }
        }
        let extensions = request.extensions_mut();
        extensions.insert(self.peer);
        // Where the session layer says whose request it was.
        extensions.insert(seen.user.clone());
        let (edge, routes) = (self.edge.clone(), self.routes.clone());
        // Every sentence said while the router answers (`domain::say`) is in this language.
        let lang = lang::of_request(request.headers());
        Either::Right(Box::pin(async move {
            let span = request_log::span(&seen.id);
            let Ok(response) = lang::scope(lang, routes.oneshot(request).instrument(span)).await;
            Ok(edge.finish(seen, response, None))
        }))
    }
}

/// What the edge can do for an API call before it runs.
enum AtOnce {
    /// Answered: a refusal, or the 401 of `fast_path` (with the API call, when it was one).
    Answer(Response, Option<&'static str>),
    /// The session check (`fast_path`), which may have to read the database.
    SessionCheck(&'static str),
    /// Neither: the call runs.
    Run,
}

impl Edge {
    /// Before any other work on an API call (a cross-site one was refused already): refuses a
    /// body declared larger than the limit (413; the body limit further in still stops a
    /// streamed body that grows past it); then the hot paths (`fast_path`): the 401 of a
    /// protected call with no live session it can see at once, and the session check.
    fn at_once(&self, headers: &HeaderMap, seen: &Seen) -> AtOnce {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > self.limit) {
            let refused = lang::sync_scope(lang::of_request(headers), || {
                errors::payload_too_large(self.limit)
            });
            return AtOnce::Answer(refused, None);
        }
        let Some(route) = self.endpoints.known(seen.uri.path(), &seen.method) else {
            return AtOnce::Run;
        };
        match fast_path::refusal(&self.state, route, headers) {
            Some(refused) => AtOnce::Answer(refused, Some(route)),
            None if route == "/api/auth/session" => AtOnce::SessionCheck(route),
            None => AtOnce::Run,
        }
    }

    /// Whoever answered: an API answer is never cached, the security headers go on, the access
    /// line is written.
    fn finish(
        &self,
        seen: Seen,
        mut response: Response,
        api_route: Option<&'static str>,
    ) -> Response {
        let api_call = request_log::is_api(seen.uri.path());
        if api_call {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if !api_call && crate::http::security::opens_a_link(seen.uri.path()) {
            response.headers_mut().insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
        }
        self.security.add_to(&mut response, api_call);
        request_log::finish(seen, api_route, &mut response);
        response
    }
}
