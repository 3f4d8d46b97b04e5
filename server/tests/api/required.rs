//! Sessions limited to one step: a password shorter than today's minimum, or one an admin's
//! "generate" made, gives a session that may only choose a new password. The server refuses
//! every other call of it; the change gives a full session.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// Eleven characters: one short of today's minimum of twelve.
const SHORT: &str = "kisa-sifre1";
const NEW: &str = "Uskudar-Vapuru-1926";

/// The calls a full session may make and a limited one may not, each with a body it accepts.
fn protected_calls(user_id: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("/api/me", json!({})),
        ("/api/client/summary", json!({})),
        ("/api/account/profile", json!({})),
        ("/api/account/update_profile", json!({"name": "Yeni Ad"})),
        ("/api/account/sessions", json!({})),
        (
            "/api/account/end_other_sessions",
            json!({"password": SHORT}),
        ),
        ("/api/admin/user", json!({"user_id": user_id})),
    ]
}

async fn assert_limited(browser: &TestClient, user_id: i64) {
    for (path, body) in protected_calls(user_id) {
        let (status, answer) = browser.call(path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
        assert_eq!(answer["error"], "password_change_required", "{path}");
    }
    let (status, session) = browser.session().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["required"], "password_change", "{session}");
}

#[tokio::test]
async fn a_password_under_twelve_characters_signs_in_to_a_session_limited_to_changing_it() {
    let app = TestApp::builder()
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .spawn()
        .await;
    let user = app.create_user_with_password(Role::Client, SHORT).await;
    let browser = app.client();
    let response = browser.sign_in_with(&user.email, SHORT).await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in: Value = response.json().await.unwrap();
    assert_eq!(signed_in["required"], "password_change", "{signed_in}");
    assert_limited(&browser, user.id).await;

    // A renewal (the token has expired: the row decides) keeps the limit.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        browser.post_empty("/api/auth/activity").await.status(),
        StatusCode::OK
    );
    assert_limited(&browser, user.id).await;

    // The new password obeys today's rules too: eleven characters are refused, naming the field.
    let (status, body) = browser
        .call(
            "/api/account/change_password",
            json!({"current_password": SHORT, "new_password": "yeni-sifre1"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "new_password");
    assert_limited(&browser, user.id).await;

    let (status, body) = browser
        .call(
            "/api/account/change_password",
            json!({"current_password": SHORT, "new_password": NEW}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(browser.me_status().await, StatusCode::OK);
    let (_, session) = browser.session().await;
    assert!(session.get("required").is_none(), "{session}");
    assert_eq!(count_events(&app, "password_changed").await, 1);

    // From now on, the new password gives a full session at once.
    let again = app.client();
    let response = again.sign_in_with(&user.email, NEW).await;
    let body: Value = response.json().await.unwrap();
    assert!(body.get("required").is_none(), "{body}");
    assert_eq!(again.me_status().await, StatusCode::OK);
}

#[tokio::test]
async fn twelve_characters_are_enough_and_a_limited_session_can_still_sign_out() {
    let app = TestApp::spawn().await;
    let twelve = "tam-on-iki-k";
    assert_eq!(twelve.chars().count(), 12);
    let fine = app.create_user_with_password(Role::Client, twelve).await;
    let browser = app.client();
    let response = browser.sign_in_with(&fine.email, twelve).await;
    let body: Value = response.json().await.unwrap();
    assert!(body.get("required").is_none(), "{body}");
    assert_eq!(browser.me_status().await, StatusCode::OK);

    let short = app.create_user_with_password(Role::Admin, SHORT).await;
    let limited = app.client();
    assert_eq!(
        limited.sign_in_with(&short.email, SHORT).await.status(),
        StatusCode::OK
    );
    // An admin's limited session reaches no admin call either.
    let (status, body) = limited
        .call("/api/admin/users", json!({"filter": {}}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "password_change_required");
    assert_eq!(
        limited.post_empty("/api/auth/sign_out").await.status(),
        StatusCode::OK
    );
    let (_, session) = limited.session().await;
    assert_eq!(session, Value::Null);
    assert_eq!(limited.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_generated_password_must_be_replaced_at_the_first_sign_in_and_a_chosen_one_need_not() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let (status, created) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Ayşe Yılmaz", "email": "ayse@example.com", "password": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let generated = created["generated_password"].as_str().unwrap().to_owned();
    let id = created["user"]["id"].as_i64().unwrap();

    let owner = app.client();
    let response = owner.sign_in_with("ayse@example.com", &generated).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["required"], "password_change", "{body}");
    assert_limited(&owner, id).await;
    let (status, body) = owner
        .call(
            "/api/account/change_password",
            json!({"current_password": generated, "new_password": NEW}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(owner.me_status().await, StatusCode::OK);
    // Done once: the next sign-in is a full one.
    let later = app.client();
    let body: Value = later
        .sign_in_with("ayse@example.com", NEW)
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("required").is_none(), "{body}");

    // A password the admin chose is the owner's to keep.
    let (status, _) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Mehmet Demir", "email": "mehmet@example.com", "password": "Defter-Kalem-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let chosen = app.client();
    let body: Value = chosen
        .sign_in_with("mehmet@example.com", "Defter-Kalem-2026")
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("required").is_none(), "{body}");
    assert_eq!(chosen.me_status().await, StatusCode::OK);
}
