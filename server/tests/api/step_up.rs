//! Step-up: the staff actions on people's accounts, and ending one's own sessions, need a proof
//! of who is acting (the sign-in, or `POST /api/auth/reauth` since) within `REAUTH_WINDOW_SECS`.
//! The server refuses on its own with `403 reauth_required`.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// Every step-up action of an admin, each with a body it accepts for `target`.
fn staff_actions(target: i64, version: i64) -> Vec<(&'static str, Value)> {
    vec![
        (
            "/api/admin/create_client",
            json!({"name": "Elif Öztürk", "email": format!("elif-{target}@example.com"), "password": null}),
        ),
        (
            "/api/admin/set_active",
            json!({"user_id": target, "active": false, "version": version}),
        ),
        // Stale after the line above (409) once the actions go through: still never a 403.
        (
            "/api/admin/set_role",
            json!({"user_id": target, "role": "CLIENT", "version": version}),
        ),
        (
            "/api/admin/end_user_session",
            json!({"user_id": target, "session_id": "no-such-session"}),
        ),
        ("/api/admin/end_user_sessions", json!({"user_id": target})),
        ("/api/account/end_other_sessions", json!({"password": null})),
    ]
}

async fn version_of(app: &TestApp, user_id: i64) -> i64 {
    app::db::users::find_by_id(&app.state.db, user_id)
        .await
        .unwrap()
        .unwrap()
        .version
}

async fn stored_session(app: &TestApp, token: &str) -> app::db::entities::sessions::Model {
    app::session::server::store::find(&app.state.db, &sid_of(token))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn staff_actions_need_a_fresh_proof_and_the_password_gives_one_for_the_window() {
    let app = TestApp::builder()
        .env("REAUTH_WINDOW_SECS", "2")
        .spawn()
        .await;
    let admin = app.signed_in_as(Role::Admin).await;
    let target = app.create_user(Role::Admin).await;
    // Just signed in: a fresh proof.
    let (status, body) = admin
        .call(
            "/api/admin/set_role",
            json!({"user_id": target.id, "role": "CLIENT", "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    tokio::time::sleep(Duration::from_millis(2200)).await;
    let version = version_of(&app, target.id).await;
    for (path, body) in staff_actions(target.id, version) {
        let (status, answer) = admin.call(path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        assert_eq!(answer["error"], "reauth_required", "{path}");
    }
    assert_eq!(
        admin.me_status().await,
        StatusCode::OK,
        "a 403 ends nothing"
    );
    assert_eq!(
        version_of(&app, target.id).await,
        version,
        "nothing changed"
    );

    // A wrong password: 400 on the field, audited, still no proof.
    let (status, body) = admin
        .call("/api/auth/reauth", json!({"password": "wrong-password-1"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "password");
    assert_eq!(count_events(&app, "reauth_failed").await, 1);

    let response = admin
        .post("/api/auth/reauth", json!({"password": PASSWORD}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let token = session_token(response.headers()).expect("a token that says so");
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["user"]["id"], admin.user().id);
    assert_eq!(count_events(&app, "reauthenticated").await, 1);
    let row = stored_session(&app, &token).await;
    assert_eq!(row.amr.as_deref(), Some("pwd"));
    assert!(row.verified_at.unwrap() > row.created_at);
    // The audit log says how, in words.
    let (_, log) = admin
        .call(
            "/api/admin/audit",
            json!({"filter": {"kind": "reauthenticated"}}),
        )
        .await;
    assert_eq!(log["items"][0]["detail"], "with the password", "{log}");

    for (path, body) in staff_actions(target.id, version) {
        let (status, answer) = admin.call(path, body).await;
        assert_ne!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}: {answer}"
        );
    }
    assert_eq!(count_events(&app, "user_deactivated").await, 1);

    // The window passes again.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let (status, body) = admin
        .call(
            "/api/admin/end_user_sessions",
            json!({"user_id": target.id}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("reauth_required"))
    );
}

#[tokio::test]
async fn a_proof_outlives_the_token_that_carried_it() {
    let app = TestApp::builder()
        .env("REAUTH_WINDOW_SECS", "3")
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .spawn()
        .await;
    let admin = app.signed_in_as(Role::Admin).await;
    let target = app.create_user(Role::Client).await;
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let (status, _) = admin
        .call(
            "/api/admin/end_user_sessions",
            json!({"user_id": target.id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = admin
        .call("/api/auth/reauth", json!({"password": PASSWORD}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The token expires; the renewal reads the proof from the session row.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, body) = admin
        .call(
            "/api/admin/end_user_sessions",
            json!({"user_id": target.id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn reauth_needs_a_full_session() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .client()
        .call("/api/auth/reauth", json!({"password": PASSWORD}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    let short = app
        .create_user_with_password(Role::Admin, "kisa-sifre1")
        .await;
    let limited = app.client_signed_in(&short).await;
    let (status, body) = limited
        .call("/api/auth/reauth", json!({"password": "kisa-sifre1"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
    let (status, body) = limited
        .call("/api/auth/reauth", json!({"password": "x".repeat(129)}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the session is checked first: {body}"
    );
}
