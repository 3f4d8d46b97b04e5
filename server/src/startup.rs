//! Builds the running server from a `Config`: database, session service, router, listener.
//! Tests start it on port 0 through `Application::build`, exactly as `main` does.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use app::{db, mail::Mailer, session::server::SessionService, state::AppState};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{any, get},
};
use tower::ServiceBuilder;
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer};

use crate::{
    config::{AppEnv, Config},
    http::{
        api, csrf,
        edge::{self, Edge},
        errors, events, health, office_page, request_log,
        security::SecurityHeaders,
        static_files,
    },
};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not prepare the database folder {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("could not open or migrate the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(
        "the database schema is older than this server ({} migration(s) pending: {}); \
         run `server migrate` first",
        .0.len(),
        .0.join(", ")
    )]
    SchemaBehind(Vec<String>),
    #[error("could not set up sessions: {0}")]
    Sessions(#[from] app::session::server::service::SetupError),
    #[error("could not set up mail: {0}")]
    Mail(#[from] app::mail::MailSetupError),
    #[error("could not listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

pub struct Application {
    listener: tokio::net::TcpListener,
    server: edge::Server,
    state: AppState,
    streams: events::Streams,
    health: health::Health,
    shutdown_drain: std::time::Duration,
    shutdown_cap: std::time::Duration,
    /// Says why the server must stop at once (a schema found too old once the database came).
    stop_now: tokio::sync::watch::Receiver<Option<String>>,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let (state, checked) = open_state(&config, true).await?;
        let (fatal, stop_now) = tokio::sync::watch::channel(None);
        if !checked.get() {
            wait_for_database(config.clone(), checked.clone(), fatal);
        }
        // Ready from the first request: the revocations of the last token lifetime are known.
        if let Err(err) = state.sessions.revocations().catch_up().await {
            tracing::warn!(%err, "could not read recent revocations at start");
        }
        state.sessions.spawn_background_tasks();
        state.mail.spawn_worker();
        let policy = state
            .sessions
            .retention_policy(config.session_retention, config.audit_retention);
        db::retention::RetentionJob::new(&config.db, &state.db, policy, config.retention_interval)
            .await?
            .spawn();
        let streams = events::Streams::new(state.clone());
        if let Some(addr) = config.metrics_bind {
            let listener = crate::metrics::bind(addr)
                .await
                .map_err(|e| StartError::Bind(addr, e))?;
            tracing::info!(metrics = %listener.local_addr().unwrap_or(addr), "serving /metrics");
            crate::metrics::serve(listener, state.clone(), streams.clone());
        }
        let health = health::Health::new(state.clone(), checked);
        let server = server(&config, state.clone(), streams.clone(), health.clone());
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| StartError::Bind(config.bind, e))?;
        Ok(Self {
            listener,
            server,
            state,
            streams,
            health,
            shutdown_drain: config.shutdown_drain,
            shutdown_cap: config.shutdown_cap,
            stop_now,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then stops without failing a request: `/readyz` fails at
    /// once and open session events streams are closed (browsers reconnect, through the proxy,
    /// to an instance that stays); for `SHUTDOWN_DRAIN_SECS` requests are still taken (the proxy
    /// may not have noticed yet); then the listener closes and the requests in flight finish.
    /// After `SHUTDOWN_TIMEOUT_SECS` in all, it stops whatever still runs. The revocation
    /// listener runs to the end.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let (streams, health) = (self.streams.clone(), self.health.clone());
        let (drain, cap) = (self.shutdown_drain, self.shutdown_cap);
        let (stopping, mut stopped) = tokio::sync::watch::channel(false);
        // No Nagle: a session event (a few dozen bytes) leaves at once instead of waiting for
        // the browser's acknowledgement of the heartbeat before it.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(%err, "could not set TCP_NODELAY");
            }
        });
        let serving = axum::serve(listener, self.server).with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!(
                drain_secs = drain.as_secs(),
                "stopping: no longer ready; draining"
            );
            health.start_draining();
            streams.close_all();
            stopping.send_replace(true);
            tokio::time::sleep(drain).await;
            tracing::info!("stopping: no new connections; finishing the requests in flight");
        });
        let hard_stop = async move {
            let _ = stopped.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(cap).await;
        };
        let mut stop_now = self.stop_now;
        let fatal = async move {
            // The guard `wait_for` answers is not `Send`: copy the reason out of it at once.
            let reason = stop_now
                .wait_for(Option::is_some)
                .await
                .ok()
                .and_then(|reason| reason.clone());
            match reason {
                Some(reason) => reason,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            served = async { serving.await } => served,
            reason = fatal => Err(std::io::Error::other(reason)),
            () = hard_stop => {
                tracing::warn!(cap_secs = cap.as_secs(), "stopping: requests still running at the cap; stopped anyway");
                Ok(())
            }
        }
    }
}

/// Whether the database answered and its schema suits this build (checked, and in development
/// migrated). Until then the instance is not ready.
#[derive(Clone, Default)]
pub struct SchemaChecked(Arc<AtomicBool>);

impl SchemaChecked {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Opens the database and builds the session service. In development the schema is brought up
/// to date first; in production migrating is `server migrate`'s job (run once per deploy), and a
/// schema older than this build is refused.
///
/// For the server (`wait_if_away`), a PostgreSQL database that does not answer does not stop
/// the start: the pool connects when it can, the instance reports not ready, and
/// `wait_for_database` finishes the check later. The admin commands need it now.
pub async fn open_state(
    config: &Config,
    wait_if_away: bool,
) -> Result<(AppState, SchemaChecked), StartError> {
    if let Some(dir) = config.sqlite_dir() {
        std::fs::create_dir_all(&dir)
            .map_err(|e| StartError::DataDir(dir.display().to_string(), e))?;
    }
    let checked = SchemaChecked::default();
    let db = match check_schema(config).await {
        Ok(()) => {
            checked.set();
            db::connect(&config.db).await?
        }
        Err(StartError::Database(err)) if wait_if_away && !config.db.is_sqlite() => {
            tracing::warn!(
                %err,
                "the database does not answer: starting anyway, not ready until it does"
            );
            db::connect_lazily(&config.db).await?
        }
        Err(err) => return Err(err),
    };
    let sessions = Arc::new(SessionService::new(db.clone(), config.auth.clone())?);
    let mail = Arc::new(Mailer::new(db.clone(), config.mail.clone())?);
    sessions.set_mailer(mail.clone());
    let office = Arc::new(app::account::model::Office {
        time_zone: config.office_time_zone.clone(),
        name: config.office_name.clone(),
        phone: config.office_phone.clone(),
        email: config.office_email.clone(),
        logo: config.office_logo.is_some(),
    });
    Ok((
        AppState {
            db,
            sessions,
            mail,
            office,
        },
        checked,
    ))
}

/// Development: migrates. Production: refuses a schema older than this build.
async fn check_schema(config: &Config) -> Result<(), StartError> {
    if config.env != AppEnv::Production {
        return Ok(db::schema::migrate(&config.db).await?);
    }
    let db = db::connect(&config.db).await?;
    let status = db::schema::status(&db).await;
    let _ = db.close().await;
    let status = status?;
    if !status.is_ready() {
        return Err(StartError::SchemaBehind(status.pending));
    }
    if !status.newer.is_empty() {
        tracing::info!(newer = ?status.newer, "the schema is newer than this build: tolerated");
    }
    Ok(())
}

/// Retries the schema check every two seconds until the database answers. Then the instance is
/// ready, or, when the schema is older than this build, it stops with that message (sent on
/// `fatal`).
fn wait_for_database(
    config: Config,
    checked: SchemaChecked,
    fatal: tokio::sync::watch::Sender<Option<String>>,
) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            match check_schema(&config).await {
                Ok(()) => {
                    checked.set();
                    tracing::info!("the database answers and its schema suits this build");
                    return;
                }
                Err(StartError::Database(err)) => {
                    tracing::debug!(%err, "still waiting for the database");
                }
                Err(err) => {
                    tracing::error!(%err, "stopping");
                    fatal.send_replace(Some(err.to_string()));
                    return;
                }
            }
        }
    });
}

/// The router, behind the edge (`http::edge`).
fn server(
    config: &Config,
    state: AppState,
    streams: events::Streams,
    health: health::Health,
) -> edge::Server {
    let limit = config.max_body_bytes;
    let allowed = csrf::AllowedOrigin {
        public_origin: config.auth.public_origin.clone(),
    };
    let events = Router::new()
        .route(events::PATH, get(events::stream))
        .with_state(streams);
    let endpoints = api::Endpoints::registered();
    let api = Router::new()
        .route("/api/{*fn_name}", any(api::handle))
        // Behind one `Arc`: axum clones a route's whole stack, its state with it, per request.
        .with_state(Arc::new((state.clone(), endpoints.clone())))
        // The events stream is long-lived by design: merged after the time limit.
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            time_limit,
        ))
        .merge(events)
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(DefaultBodyLimit::max(limit));

    let session_cookie = state.sessions.cookie().clone();
    let mail_enabled = state.mail.enabled();
    let office = state.office.clone();
    let logo = Router::new().route(
        app::account::Office::LOGO_PATH,
        get(office_page::logo).with_state(config.office_logo.clone()),
    );
    let probes = Router::new()
        .route(health::LIVEZ, get(health::livez))
        .route(health::READYZ, get(health::readyz))
        .route(health::HEALTHZ, get(health::readyz))
        .with_state(health);
    let edge = Edge {
        proxy: request_log::TrustedProxy(config.auth.trusted_proxy_hops > 0),
        security: SecurityHeaders::new(
            &static_files::shells(&config.dist_dir),
            config.auth.secure_cookies(),
        ),
        allowed,
        limit,
        state: state.clone(),
        endpoints,
    };
    let routes = Router::new()
        .merge(probes)
        .merge(logo)
        .merge(api)
        .with_state(state)
        .fallback_service(
            ServiceBuilder::new()
                .layer(middleware::from_fn(static_files::cache_headers))
                .service(static_files::service(
                    &config.dist_dir,
                    session_cookie,
                    mail_enabled,
                    &office,
                )),
        )
        .layer(CompressionLayer::new().br(true).gzip(true));
    // The edge goes around the router as a whole, before any routing (see `http::edge`).
    edge::Server::new(edge, routes)
}

/// An API call that takes longer than `limit` is answered 503 in the API's error form (the work
/// it started is dropped with it).
async fn time_limit(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, limit_secs = limit.as_secs(), "an API call took too long: 503");
            errors::json_error(app::error::ApiError::new(
                app::error::ErrorCode::Unavailable,
                app::domain::say(
                    "Sunucunun yanıt vermesi çok uzun sürdü. Lütfen biraz sonra yeniden deneyin.",
                    "The server took too long to answer. Please try again in a moment.",
                ),
            ))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
