//! With the database unreachable: fresh tokens are still served from memory, and everything
//! that needs the database answers 503 with a message a person understands. PostgreSQL only
//! (a database of its own is cut off), whatever `TEST_DATABASE` says.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

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
