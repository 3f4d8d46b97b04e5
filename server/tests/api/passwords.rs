//! How passwords are stored: every character counts, older hashes still verify and are upgraded
//! at the next sign-in, a sign-in under another cost writes the hash again at the new one.

use app::{db, domain::Role};
use reqwest::StatusCode;

use crate::helpers::*;

/// A user's row as stored.
async fn stored(app: &TestApp, user_id: i64) -> db::entities::users::Model {
    db::users::find_by_id(&app.state.db, user_id)
        .await
        .unwrap()
        .unwrap()
}

/// A user's password hash as stored.
async fn stored_hash(app: &TestApp, user_id: i64) -> String {
    stored(app, user_id).await.password_hash
}

/// A client whose hash was written directly (as an older version of the server wrote it).
async fn user_with_hash(app: &TestApp, password: &str, hash: String) -> TestUser {
    insert_user(&app.state.db, Role::Client, password, hash).await
}

#[tokio::test]
async fn a_long_turkish_passphrase_counts_whole() {
    let app = TestApp::spawn().await;
    // 70 characters, 81 bytes: past bcrypt's 72.
    let passphrase = "Çalışkan muhasebeci şubat beyannamelerini öğleden önce gönderdi, şükür";
    assert!(passphrase.len() > 72);
    let user = app
        .create_user_with_password(Role::Client, passphrase)
        .await;
    let browser = app.client();
    // The same first 72 bytes, another ending: refused.
    let cut = (72..).find(|&at| passphrase.is_char_boundary(at)).unwrap();
    let mut other = passphrase[..cut].to_owned();
    other.push_str("XXXXXXXX");
    let response = browser.sign_in_with(&user.email, &other).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    browser.sign_in(&user).await;
    assert_eq!(browser.me_status().await, StatusCode::OK);
    // Over 128 characters: 400 naming the field, before any work.
    let (status, body) = browser
        .call(
            "/api/auth/sign_in",
            serde_json::json!({"email": user.email, "password": "x".repeat(129)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "password", "{body}");
}

#[tokio::test]
async fn an_older_hash_verifies_and_is_upgraded_at_the_next_sign_in() {
    let app = TestApp::spawn().await;
    let legacy = bcrypt::hash(PASSWORD, 4).unwrap();
    let user = user_with_hash(&app, PASSWORD, legacy.clone()).await;
    let before = stored(&app, user.id).await;

    let browser = app.client();
    let wrong = browser.sign_in_with(&user.email, "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        stored_hash(&app, user.id).await,
        legacy,
        "a failure changes nothing"
    );

    browser.sign_in(&user).await;
    let upgraded = stored_hash(&app, user.id).await;
    assert!(upgraded.starts_with("$smmm2$"), "{upgraded}");
    // The same password: not a password change, and the session just started stays.
    let after = stored(&app, user.id).await;
    assert_eq!(after.password_changed_at, before.password_changed_at);
    assert_eq!(after.version, before.version);
    assert_eq!(browser.me_status().await, StatusCode::OK);
    // It verifies from now on, once upgraded.
    app.client().sign_in(&user).await;
    assert_eq!(stored_hash(&app, user.id).await, upgraded);
}

#[tokio::test]
async fn a_new_bcrypt_cost_is_applied_at_the_next_sign_in() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    let at_4 = stored_hash(&app, user.id).await;
    assert!(at_4.starts_with("$smmm2$$2b$04$"), "{at_4}");
    // The same database, the cost raised.
    let raised = app.instance_with(&[("BCRYPT_COST", "5")]).await;
    raised.client().sign_in(&user).await;
    let at_5 = stored_hash(&app, user.id).await;
    assert!(at_5.starts_with("$smmm2$$2b$05$"), "{at_5}");
    // Both instances still take the password.
    app.client().sign_in(&user).await;
}

#[tokio::test]
async fn a_new_password_must_be_hard_to_guess_and_the_form_can_ask_how_hard_as_it_is_typed() {
    use serde_json::json;
    let app = TestApp::spawn().await;
    let browser = app.signed_in_as(Role::Client).await;
    let strength = |password: &str| json!({"password": password, "name": null, "email": null});

    let (status, weak) = browser
        .call("/api/account/password_strength", strength("P@ssw0rd2026"))
        .await;
    assert_eq!(status, StatusCode::OK, "{weak}");
    assert_eq!(weak["acceptable"], false, "{weak}");
    assert!(weak["score"].as_u64().unwrap() < 3, "{weak}");
    assert!(weak["warning"].is_string(), "{weak}");
    let (_, strong) = browser
        .call(
            "/api/account/password_strength",
            strength("Uskudar-Vapuru-1926"),
        )
        .await;
    assert_eq!(strong["acceptable"], true, "{strong}");
    // Someone else's name counts when given (an admin creating their account).
    let (_, named) = browser
        .call(
            "/api/account/password_strength",
            json!({"password": "haticekubrasahin", "name": "Hatice Kübra Şahin", "email": "hatice@example.com"}),
        )
        .await;
    let (_, unnamed) = browser
        .call(
            "/api/account/password_strength",
            strength("haticekubrasahin"),
        )
        .await;
    assert_eq!(named["acceptable"], false, "{named}");
    assert_eq!(unnamed["acceptable"], true, "{unnamed}");
    let (status, body) = browser
        .call("/api/account/password_strength", strength(&"x".repeat(129)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "password");
    let (status, _) = app
        .client()
        .call(
            "/api/account/password_strength",
            strength("Uskudar-Vapuru-1926"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // What the estimate calls weak, the change refuses, naming the field.
    let (status, body) = browser
        .call(
            "/api/account/change_password",
            json!({"current_password": PASSWORD, "new_password": "P@ssw0rd2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "new_password");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("too easy to guess"),
        "{body}"
    );
    assert_eq!(browser.me_status().await, StatusCode::OK, "nothing changed");

    // And so does an admin's typed password for a new client.
    let admin = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Zeynep Kaya", "email": "zeynep@example.com", "password": "zeynepkaya12"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "password");
}
