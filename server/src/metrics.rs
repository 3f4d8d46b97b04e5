//! Prometheus metrics, served on a listener of their own (`METRICS_BIND`, off by default; never
//! the public port): `GET /metrics` in the text format.
//!
//! Counted where they happen (the `metrics` facade): requests by route and status and their
//! latency (`http::request_log`), sign-ins by outcome and lockouts (`session::server::service`),
//! the password-check queue (`session::server::password`), the revocation fan-out lag
//! (`session::server::revocation`). Sampled here every `SAMPLE_EVERY`, not per scrape (a scrape
//! must not cost a database count): the pool's connections, the denylist, live sessions, open
//! event streams.

use std::{net::SocketAddr, sync::OnceLock, time::Duration};

use app::{session::server::store, state::AppState};
use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::http::events::Streams;

const SAMPLE_EVERY: Duration = Duration::from_secs(15);

/// Latency buckets in seconds: a fast-path call takes about a millisecond, bcrypt a few hundred.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Whether this process records metrics (a server with `METRICS_BIND` installed the recorder).
pub fn installed() -> bool {
    HANDLE.get().is_some()
}

/// The process's recorder, installed on first use. Every server in the process reports to it
/// (the tests start several in one process; a real deployment starts one).
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let recorder = match builder.set_buckets(BUCKETS) {
                Ok(builder) => builder.build_recorder(),
                // Only for an empty bucket list, which BUCKETS is not.
                Err(_) => PrometheusBuilder::new().build_recorder(),
            };
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!(
                    "a metrics recorder was already installed: these metrics stay empty"
                );
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "Requests answered, by method, route and status."
    );
    describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by method and route (streams: until their headers)."
    );
    describe_counter!(
        "auth_sign_ins_total",
        "Sign-in attempts by outcome: success, failure (wrong credentials), limited, unavailable."
    );
    describe_counter!(
        "auth_lockouts_total",
        "Sign-in limits that started refusing, by limit (account and address, address, account)."
    );
    describe_histogram!(
        "auth_password_check_wait_seconds",
        Unit::Seconds,
        "Time a password check waited for a bcrypt slot."
    );
    describe_counter!(
        "auth_password_check_refusals_total",
        "Password checks refused (503) because the bcrypt queue stayed full."
    );
    describe_histogram!(
        "session_revocation_lag_seconds",
        Unit::Seconds,
        "From a revocation on another instance to this one hearing of it."
    );
    describe_gauge!(
        "db_pool_connections",
        "Request pool connections, by state (in_use, idle); sampled."
    );
    describe_gauge!(
        "session_denylist_size",
        "Session ids this instance refuses from memory; sampled."
    );
    describe_gauge!(
        "sessions_active",
        "Sessions not revoked and not past their end; sampled."
    );
    describe_gauge!(
        "session_event_streams",
        "Session events streams open on this instance; sampled."
    );
}

/// Starts serving `/metrics` on `listener`, and the sampler.
pub fn serve(listener: tokio::net::TcpListener, state: AppState, streams: Streams) {
    let handle = handle();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        // Histograms drain into the rendered form at upkeep.
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    tokio::spawn(sample(state, streams));
    let router = Router::new()
        .route("/metrics", get(render))
        .with_state(handle);
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(%err, "the metrics listener stopped");
        }
    });
}

/// Binds `METRICS_BIND` (before the server takes requests: a wrong address stops the start).
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

async fn render(State(handle): State<PrometheusHandle>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
}

async fn sample(state: AppState, streams: Streams) {
    let mut every = tokio::time::interval(SAMPLE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let (in_use, idle) = pool_connections(&state);
        metrics::gauge!("db_pool_connections", "state" => "in_use").set(in_use as f64);
        metrics::gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
        metrics::gauge!("session_denylist_size").set(state.sessions.denylist_len() as f64);
        metrics::gauge!("session_event_streams").set(streams.open() as f64);
        match store::count_active(&state.db, None, chrono::Utc::now()).await {
            Ok(active) => metrics::gauge!("sessions_active").set(active as f64),
            Err(err) => tracing::debug!(%err, "metrics: could not count active sessions"),
        }
    }
}

/// The request pool's connections in use and idle.
fn pool_connections(state: &AppState) -> (usize, usize) {
    let (size, idle) = match state.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        _ => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
    };
    (size.saturating_sub(idle), idle)
}
