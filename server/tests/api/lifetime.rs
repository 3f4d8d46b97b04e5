//! A session's lifetime follows the person: background reads never renew or move it, the
//! activity signal does, "Keep me signed in" decides the cookie's lifetime, and sign-out asks
//! the browser to clear the site's storage.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, session_token, set_cookies, sid_of};

/// The session row's last activity, as stored.
async fn last_seen(app: &TestApp, sid: &str) -> chrono::DateTime<chrono::Utc> {
    app::session::server::store::find(&app.state.db, sid)
        .await
        .unwrap()
        .expect("the session row")
        .last_seen_at
}

fn cookie_of(cookies: &[String]) -> &str {
    cookies
        .iter()
        .find(|c| c.starts_with("smmm_session="))
        .map_or("", String::as_str)
}

#[tokio::test]
async fn background_reads_never_renew_or_move_the_session_and_activity_does() {
    let app = TestApp::builder()
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .env("SESSION_IDLE_TIMEOUT_SECS", "6")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client();
    let token = browser.sign_in(&user).await;
    let sid = sid_of(&token);
    let signed_in_seen = last_seen(&app, &sid).await;

    // The token expires; background reads keep answering from the live row, with no new token
    // and no move of the last activity.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for _ in 0..3 {
        let response = browser.post_empty("/api/auth/session").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            session_token(response.headers()),
            None,
            "a background read never renews the token"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["user"]["email"], user.email.as_str());
        let idle =
            chrono::DateTime::parse_from_rfc3339(body["idle_expires"].as_str().unwrap()).unwrap();
        // (Answered to the second.)
        assert_eq!(
            idle.timestamp(),
            (signed_in_seen + chrono::Duration::seconds(6)).timestamp(),
            "the idle deadline is the row's, unmoved"
        );
        assert!(body["token_expires"].is_string() && body["idle_warning_secs"].is_number());
    }
    assert_eq!(last_seen(&app, &sid).await, signed_in_seen);

    // The person acts: the deadline moves and a new token comes, for the same session.
    let response = browser.post_empty("/api/auth/activity").await;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = session_token(response.headers()).expect("activity renews the token");
    assert_eq!(sid_of(&renewed), sid);
    assert!(last_seen(&app, &sid).await > signed_in_seen);
    let body: serde_json::Value = response.json().await.unwrap();
    let idle =
        chrono::DateTime::parse_from_rfc3339(body["idle_expires"].as_str().unwrap()).unwrap();
    assert!(
        idle.timestamp_millis()
            > (signed_in_seen + chrono::Duration::seconds(6)).timestamp_millis()
    );
}

#[tokio::test]
async fn untouched_the_session_ends_at_the_idle_timeout_even_while_it_is_read() {
    let app = TestApp::builder()
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .env("SESSION_IDLE_TIMEOUT_SECS", "3")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client();
    let sid = sid_of(&browser.sign_in(&user).await);
    // A tab polling every half second, as an open dashboard would (much faster than real).
    let mut answers = Vec::new();
    for _ in 0..9 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        answers.push(browser.session().await.1.is_object());
    }
    assert!(answers[0], "live at first");
    assert!(!answers[8], "ended after the idle timeout: {answers:?}");
    let row = app::session::server::store::find(&app.state.db, &sid)
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.revoked_at.is_some(),
        "the row is revoked, not just ignored"
    );
    assert_eq!(browser.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn activity_without_a_session_is_null_and_clears_a_dead_cookie() {
    let app = TestApp::spawn().await;
    let stranger = app.client();
    let (status, body) = stranger.call("/api/auth/activity", json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::Value::Null));

    let browser = app.signed_in_as(Role::Client).await;
    let response = browser.post_empty("/api/auth/sign_out").await;
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = browser.call("/api/auth/activity", json!({})).await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::Value::Null));
}

#[tokio::test]
async fn keep_me_signed_in_decides_whether_the_cookie_outlives_the_browser() {
    let app = TestApp::builder()
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;

    for (keep, body) in [
        (
            false,
            json!({"email": user.email, "password": user.password}),
        ),
        (
            false,
            json!({"email": user.email, "password": user.password, "keep_signed_in": false}),
        ),
        (
            true,
            json!({"email": user.email, "password": user.password, "keep_signed_in": true}),
        ),
    ] {
        let browser = app.client();
        let response = browser.post("/api/auth/sign_in", body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookies = set_cookies(response.headers());
        let cookie = cookie_of(&cookies);
        assert!(!cookie.is_empty(), "{cookies:?}");
        let lasting = cookie.contains("Max-Age=") || cookie.contains("Expires=");
        assert_eq!(lasting, keep, "keep_signed_in={keep}: {cookie}");

        // A renewal keeps the kind of cookie the person chose.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let response = browser.post_empty("/api/auth/activity").await;
        let cookies = set_cookies(response.headers());
        let renewed = cookie_of(&cookies);
        assert!(!renewed.is_empty(), "renewed: {cookies:?}");
        let lasting = renewed.contains("Max-Age=") || renewed.contains("Expires=");
        assert_eq!(lasting, keep, "renewed, keep_signed_in={keep}: {renewed}");
    }

    let browser = app.client();
    let (status, body) = browser
        .call(
            "/api/auth/sign_in",
            json!({"email": user.email, "password": user.password, "keep_signed_in": "yes"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn sign_out_asks_the_browser_to_clear_the_sites_storage_but_not_its_cache() {
    let app = TestApp::spawn().await;
    let browser = app.signed_in_as(Role::Client).await;
    let response = browser.post_empty("/api/auth/sign_out").await;
    assert_eq!(response.status(), StatusCode::OK);
    let clear = response
        .headers()
        .get("clear-site-data")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(clear, "\"storage\"");
    // Signed out already: the same answer, the same header.
    let response = browser.post_empty("/api/auth/sign_out").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("clear-site-data"));
}
