//! The probes. `GET /livez`: 200 while the process runs, nothing else asked (a liveness probe
//! that needs the database would restart every instance during a database outage).
//! `GET /readyz` (and `/healthz`, its old name): 200 only when this instance should be sent
//! requests: the database answers within a second, its schema was found to suit this build,
//! revocations are being heard, and it is not stopping. Otherwise 503, with the check that failed.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::state::AppState;

use crate::startup::SchemaChecked;
use axum::{Json, extract::State, http::StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// The probes' paths (routed in `startup`, named in the access line and metrics).
pub const LIVEZ: &str = "/livez";
pub const READYZ: &str = "/readyz";
/// `/readyz` under its old name.
pub const HEALTHZ: &str = "/healthz";

/// How long the database may take to answer the readiness check.
const DATABASE_CHECK: Duration = Duration::from_secs(1);

/// What readiness looks at.
#[derive(Clone)]
pub struct Health {
    state: AppState,
    schema: SchemaChecked,
    draining: Arc<AtomicBool>,
}

impl Health {
    pub fn new(state: AppState, schema: SchemaChecked) -> Self {
        Self {
            state,
            schema,
            draining: Arc::default(),
        }
    }

    /// The instance is stopping: from now on it reports not ready.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }
}

pub async fn livez() -> Json<Value> {
    Json(json!({"status": "alive"}))
}

pub async fn readyz(State(health): State<Health>) -> (StatusCode, Json<Value>) {
    let database = matches!(
        tokio::time::timeout(
            DATABASE_CHECK,
            health.state.db.execute_unprepared("SELECT 1")
        )
        .await,
        Ok(Ok(_))
    );
    let revocations = health.state.sessions.revocations().is_current();
    let draining = health.draining.load(Ordering::Relaxed);
    // Checked once, when the database first answered (it cannot grow older while we run).
    let schema = health.schema.get();
    let ready = database && schema && revocations && !draining;
    if !database {
        tracing::warn!("readiness: the database does not answer");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not_ready" },
            "database": if database { "ok" } else { "unreachable" },
            "schema": if schema { "ok" } else { "unchecked" },
            "revocations": if revocations { "ok" } else { "stale" },
            "draining": draining,
        })),
    )
}
