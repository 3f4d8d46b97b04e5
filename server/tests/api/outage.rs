//! With the database unreachable: fresh tokens are still served from memory, and everything
//! that needs the database answers 503 with a message a person understands. PostgreSQL only
//! (a database of its own is cut off), whatever `TEST_DATABASE` says.

use app::domain::Role;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn fast_path_survives_a_database_outage_and_sign_in_answers_503() {
    let name = unique("smmm_outage");
    let admin = Database::connect(pg_url())
        .await
        .expect("PostgreSQL must be reachable at TEST_PG_URL (default 127.0.0.1:5432/test)");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let app = TestApp::builder()
        .env("DATABASE_URL", &pg_url_of(&name))
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client_signed_in(&user).await;

    // Cut the database off: no new connections, and the pool's are killed.
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();

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
    let health = app.client().get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);

    drop(app);
    let _ = admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await;
    let _ = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
}
