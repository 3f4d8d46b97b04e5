//! Forged, altered and foreign tokens are refused; a rotated secret keeps old tokens working.

use app::domain::Role;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

/// A real token's header and claims, to tamper with.
async fn real_token(app: &TestApp) -> (String, Value, Value) {
    let user = app.create_user(Role::Client).await;
    let token = app.client().sign_in(&user).await;
    let parts: Vec<&str> = token.split('.').collect();
    (token.clone(), decode_part(parts[0]), decode_part(parts[1]))
}

fn sign(header: &Value, claims: &Value, secret: &[u8], alg: Algorithm) -> String {
    let mut h = Header::new(alg);
    h.kid = header["kid"].as_str().map(str::to_owned);
    jsonwebtoken::encode(&h, claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let response = app.post_with_token("/api/me", token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    let (status, session) = {
        let r = app.post_with_token("/api/auth/session", token).await;
        (r.status(), r.json::<Value>().await.unwrap())
    };
    assert_eq!((status, session), (StatusCode::OK, Value::Null), "{what}");
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (token, header, claims) = real_token(&app).await;
    assert_eq!(app.me_status(&token).await, StatusCode::OK);
    let signature = token.rsplit('.').next().unwrap();

    // alg "none", no signature.
    let mut none = header.clone();
    none["alg"] = json!("none");
    assert_refused(
        &app,
        &format!("{}.{}.", encode_part(&none), encode_part(&claims)),
        "alg none",
    )
    .await;

    // A changed claim under the original signature.
    let mut promoted = claims.clone();
    promoted["role"] = json!("ADMIN");
    assert_refused(
        &app,
        &format!(
            "{}.{}.{signature}",
            encode_part(&header),
            encode_part(&promoted)
        ),
        "changed claim",
    )
    .await;

    // A foreign key, even under our key id.
    assert_refused(
        &app,
        &sign(
            &header,
            &claims,
            b"someone-elses-secret-0123456789-xyz",
            Algorithm::HS256,
        ),
        "foreign key",
    )
    .await;

    // Our key, but another algorithm.
    assert_refused(
        &app,
        &sign(&header, &claims, TEST_SECRET.as_bytes(), Algorithm::HS512),
        "HS512",
    )
    .await;

    // Our key, but a missing or wrong claim.
    for claim in ["sid", "exp", "iss", "aud", "sub", "typ", "iat"] {
        let mut missing = claims.clone();
        missing.as_object_mut().unwrap().remove(claim);
        assert_refused(
            &app,
            &sign(&header, &missing, TEST_SECRET.as_bytes(), Algorithm::HS256),
            claim,
        )
        .await;
    }
    for (claim, value) in [
        ("iss", json!("https://evil.example")),
        ("aud", json!("other")),
        ("typ", json!("refresh")),
    ] {
        let mut wrong = claims.clone();
        wrong[claim] = value;
        assert_refused(
            &app,
            &sign(&header, &wrong, TEST_SECRET.as_bytes(), Algorithm::HS256),
            claim,
        )
        .await;
    }

    // An unknown key id.
    let mut other_kid = header.clone();
    other_kid["kid"] = json!("not-a-key");
    assert_refused(
        &app,
        &sign(
            &other_kid,
            &claims,
            TEST_SECRET.as_bytes(),
            Algorithm::HS256,
        ),
        "kid",
    )
    .await;

    // Well signed, but for a session that does not exist, and expired: renewal finds nothing.
    let mut ghost = claims.clone();
    ghost["sid"] = json!("no-such-session");
    ghost["exp"] = json!(claims["iat"].as_i64().unwrap() - 10);
    ghost["iat"] = json!(claims["iat"].as_i64().unwrap() - 20);
    assert_refused(
        &app,
        &sign(&header, &ghost, TEST_SECRET.as_bytes(), Algorithm::HS256),
        "ghost session",
    )
    .await;

    // The genuine token still works after all that.
    assert_eq!(app.me_status(&token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_rotated_secret_still_verifies_tokens_of_the_previous_one() {
    let old = TestApp::spawn().await;
    let (token, header, _) = real_token(&old).await;
    let rotated = old
        .instance_with(&[
            ("SESSION_SECRET", "the-new-secret-0123456789-abcdefghijkl"),
            ("SESSION_SECRET_PREVIOUS", TEST_SECRET),
        ])
        .await;
    assert_eq!(rotated.me_status(&token).await, StatusCode::OK);

    let (new_token, new_header, _) = real_token(&rotated).await;
    assert_ne!(
        new_header["kid"], header["kid"],
        "new tokens use the new key"
    );
    // And the old instance, which does not know the new secret, refuses them.
    assert_eq!(old.me_status(&new_token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_three_step_rotation_refuses_no_request_on_any_instance() {
    const NEW: &str = "the-new-secret-0123456789-abcdefghijkl";
    let ttl = ("SESSION_TOKEN_TTL_SECS", "1");
    // `origin` owns the database; the instances "restarted" below share it, each step's
    // instances replacing the last step's.
    let origin = TestApp::builder().env(ttl.0, ttl.1).spawn().await;
    let user = origin.create_user(Role::Client).await;
    let a = origin.instance_with(&[ttl]).await;
    let b = origin.instance_with(&[ttl]).await;
    let mut tokens = vec![a.client().sign_in(&user).await];
    // Every token so far works on every instance running now.
    async fn all_accepted(instances: &[&TestApp], tokens: &[String], step: &str) {
        for (i, instance) in instances.iter().enumerate() {
            for (t, token) in tokens.iter().enumerate() {
                let status = instance.me_status(token).await;
                assert_eq!(status, StatusCode::OK, "{step}: token {t} on instance {i}");
            }
        }
    }

    all_accepted(&[&a, &b], &tokens, "before the rotation").await;

    // 1. Every instance learns the next key (restarted one by one), signing with the old one.
    let next = [ttl, ("SESSION_SECRET_NEXT", NEW)];
    let b = origin.instance_with(&next).await;
    all_accepted(&[&a, &b], &tokens, "b knows the next key").await;
    let a = origin.instance_with(&next).await;
    all_accepted(&[&a, &b], &tokens, "both know the next key").await;

    // 2. Every instance signs with it, the old key kept as the previous one. While only b
    //    has moved, a verifies b's new tokens through its next key.
    let new_keys = [
        ttl,
        ("SESSION_SECRET", NEW),
        ("SESSION_SECRET_PREVIOUS", TEST_SECRET),
    ];
    let b = origin.instance_with(&new_keys).await;
    tokens.push(b.client().sign_in(&user).await);
    all_accepted(&[&a, &b], &tokens, "b signs with the new key").await;
    let a = origin.instance_with(&new_keys).await;
    // Tokens of both keys, expired by now: renewed (with the new key) wherever they land.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    all_accepted(&[&a, &b], &tokens, "both sign with the new key").await;
    let renewed = a.client().sign_in(&user).await;
    assert_eq!(b.me_status(&renewed).await, StatusCode::OK);

    // 3. No earlier than the idle timeout later, the old key goes: what the new key signed
    //    lives on, and a token of the old key (no session idles that long) is refused.
    let c = origin.instance_with(&[ttl, ("SESSION_SECRET", NEW)]).await;
    assert_eq!(c.me_status(&renewed).await, StatusCode::OK);
    assert_eq!(c.me_status(&tokens[0]).await, StatusCode::UNAUTHORIZED);
}
