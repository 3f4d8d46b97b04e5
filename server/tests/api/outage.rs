//! With the database unreachable: fresh tokens are still served from memory, and everything
//! that needs the database answers 503 with a message a person understands. PostgreSQL only
//! (a database of its own is cut off), whatever `TEST_DATABASE` says.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::helpers::*;

/// A PostgreSQL database of the test's own, which the test can cut off and reopen.
struct OwnDatabase {
    admin: sea_orm::DatabaseConnection,
    name: String,
}

impl OwnDatabase {
    async fn create(prefix: &str) -> Self {
        let name = unique(prefix);
        let admin = Database::connect(pg_url())
            .await
            .expect("PostgreSQL must be reachable at TEST_PG_URL (default 127.0.0.1:5432/test)");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        Self { admin, name }
    }

    fn url(&self) -> String {
        pg_url_of(&self.name)
    }

    /// No new connections, and the pool's are killed.
    async fn cut_off(&self) {
        let name = &self.name;
        self.admin
            .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
            .await
            .unwrap();
        self.admin
            .execute_unprepared(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .await
            .unwrap();
    }

    async fn reopen(&self) {
        self.admin
            .execute_unprepared(&format!(
                "ALTER DATABASE {} ALLOW_CONNECTIONS true",
                self.name
            ))
            .await
            .unwrap();
    }

    /// Reopens (if need be) and drops it; the app using it must be dropped first.
    async fn remove(self) {
        let name = &self.name;
        let _ = self
            .admin
            .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
            .await;
        let _ = self
            .admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

#[tokio::test]
async fn fast_path_survives_a_database_outage_and_sign_in_answers_503() {
    let database = OwnDatabase::create("smmm_outage").await;
    let app = TestApp::builder()
        .env("DATABASE_URL", &database.url())
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client_signed_in(&user).await;

    database.cut_off().await;

    let (status, session) = browser.session().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        session["user"]["email"], user.email,
        "served by the fast path"
    );
    assert_eq!(browser.me_status().await, StatusCode::OK);

    let response = app.client().sign_in_with(&user.email, &user.password).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("temporarily unavailable"),
        "{body}"
    );
    // Not ready (say why), but alive: a liveness probe must not restart it for this.
    for probe in ["/readyz", "/healthz"] {
        let health = app.client().get(probe).await;
        assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE, "{probe}");
        let body: Value = health.json().await.unwrap();
        assert_eq!(body["database"], "unreachable", "{probe}");
        assert_eq!(body["status"], "not_ready", "{probe}");
    }
    assert_eq!(app.client().get("/livez").await.status(), StatusCode::OK);
    // And ready again once the database is back.
    database.reopen().await;
    let started = std::time::Instant::now();
    while app.client().get("/readyz").await.status() != StatusCode::OK {
        assert!(
            started.elapsed().as_secs() < 10,
            "ready again after the outage"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    drop(app);
    database.remove().await;
}

#[tokio::test]
async fn a_sign_out_the_database_cannot_record_is_refused_here_and_retried_until_recorded() {
    use app::db::entities::sessions;
    use sea_orm::EntityTrait;
    let database = OwnDatabase::create("smmm_signout").await;
    let app = TestApp::builder()
        .env("DATABASE_URL", &database.url())
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client();
    let token = browser.sign_in(&user).await;

    database.cut_off().await;

    // Not `200 null`: 503 JSON that says so, and the cookie goes all the same.
    let response = browser.post_empty("/api/auth/sign_out").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        set_cookies(response.headers())
            .iter()
            .any(|c| c.starts_with("smmm_session=;") && c.contains("Max-Age=0")),
        "{:?}",
        set_cookies(response.headers())
    );
    // The browser clears what it stored for the session all the same.
    assert_eq!(
        response
            .headers()
            .get("clear-site-data")
            .and_then(|v| v.to_str().ok()),
        Some("\"storage\"")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unavailable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("signed out on this device"),
        "{body}"
    );
    // This instance refuses the (still fresh) token at once.
    assert_eq!(app.me_status(&token).await, StatusCode::UNAUTHORIZED);

    // The database comes back: the sign-out is recorded without anyone asking again.
    database.reopen().await;
    let started = std::time::Instant::now();
    loop {
        let row = sessions::Entity::find_by_id(sid_of(&token))
            .one(&app.state.db)
            .await
            .ok()
            .flatten();
        if row.is_some_and(|r| r.revoked_at.is_some()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the sign-out was never recorded"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    drop(app);
    database.remove().await;
}

/// The server binary in production on `database`, its stderr in `dir/server.log`; not waited
/// for (its database may be away).
fn start_production(dir: &std::path::Path, database: &OwnDatabase) -> (Process, String) {
    let url = database.url();
    spawn_server(
        dir,
        &[
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://portal.example.com"),
            ("SESSION_SECRET", "k3Jx9-aQ2mV7pL0sZ8wT4nB6cR1yU5eH"),
            ("DATABASE_URL", &url),
            ("LOG_LEVEL", "info"),
            ("MAIL_DISABLED", "true"),
        ],
    )
}

async fn get(url: &str) -> Option<(StatusCode, Value)> {
    let response = reqwest::get(url).await.ok()?;
    let status = response.status();
    Some((status, response.json().await.unwrap_or(Value::Null)))
}

/// Waits (30 s at most) until `url` answers `status`; answers its body.
async fn until_status(url: &str, status: StatusCode) -> Value {
    for _ in 0..300 {
        if let Some((now, body)) = get(url).await
            && now == status
        {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never answered {status}");
}

#[tokio::test]
async fn a_server_started_while_its_database_is_away_is_ready_once_it_returns() {
    let database = OwnDatabase::create("smmm_away").await;
    app::db::schema::migrate(&app::db::DbOptions::new(database.url()))
        .await
        .unwrap();
    database.cut_off().await;
    let dir = tempfile::tempdir().unwrap();
    let (server, base) = start_production(dir.path(), &database);

    // Started: alive, and not ready, saying why.
    until_status(&format!("{base}/livez"), StatusCode::OK).await;
    let (status, ready) = get(&format!("{base}/readyz")).await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        (&ready["database"], &ready["schema"]),
        (&json!("unreachable"), &json!("unchecked"))
    );

    database.reopen().await;
    let ready = until_status(&format!("{base}/readyz"), StatusCode::OK).await;
    assert_eq!(ready["schema"], "ok");
    drop(server);
    database.remove().await;
}

#[tokio::test]
async fn a_schema_found_too_old_when_the_database_returns_stops_the_server() {
    // Never migrated: older than this build.
    let database = OwnDatabase::create("smmm_behind").await;
    database.cut_off().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_production(dir.path(), &database);
    until_status(&format!("{base}/livez"), StatusCode::OK).await;

    database.reopen().await;
    let mut exit = None;
    for _ in 0..300 {
        exit = server.0.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exit = exit.expect("the server stops once it sees the schema");
    assert!(!exit.success());
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(log.contains("run `server migrate` first"), "{log}");
    drop(server);
    database.remove().await;
}
