//! The sign-in limits: shared by every instance, kept over restarts, and no way for a stranger
//! to lock the owner out.

use std::time::Duration;

use app::domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::json;

use crate::helpers::*;

/// Behind one trusted proxy, so each request can say which address it comes from.
async fn app_behind_a_proxy() -> TestApp {
    TestApp::builder()
        .env("TRUSTED_PROXY_HOPS", "1")
        .spawn()
        .await
}

async fn sign_in_from(client: &TestClient, address: &str, email: &str, password: &str) -> Response {
    client
        .request(Method::POST, "/api/auth/sign_in")
        .header("x-forwarded-for", address)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = app_behind_a_proxy().await;
    let user = app.create_user(Role::Client).await;
    // The owner has signed in from this browser before: it holds the device cookie.
    let owner = app.client();
    let first = sign_in_from(&owner, "198.51.100.1", &user.email, &user.password).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(
        set_cookies(first.headers())
            .iter()
            .any(|c| c.starts_with("smmm_device=") && c.contains("HttpOnly")),
        "{:?}",
        set_cookies(first.headers())
    );

    // A stranger guesses from one address: five failures, then that address is refused.
    let stranger = app.client();
    for _ in 0..5 {
        let response = sign_in_from(&stranger, "203.0.113.66", &user.email, "guess-guess-1").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = sign_in_from(&stranger, "203.0.113.66", &user.email, "guess-guess-1").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=900).contains(&retry_after(&response)));

    // From another address the stranger is slowed down: the account is past its free failures.
    let response = sign_in_from(&stranger, "203.0.113.67", &user.email, "guess-guess-2").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        (1..=36).contains(&retry_after(&response)),
        "a delay, not a lock"
    );

    // The owner's browser is exempt from the account's delay: in at once, from anywhere.
    let response = sign_in_from(&owner, "198.51.100.2", &user.email, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Refused requests wrote one audit event per window, not one each.
    for _ in 0..3 {
        sign_in_from(&stranger, "203.0.113.66", &user.email, "guess-guess-1").await;
    }
    assert_eq!(
        count_events(&app, "sign_in_locked").await,
        2,
        "pair, then account"
    );
}

#[tokio::test]
async fn the_account_delay_grows_and_a_correct_password_gets_in_after_it() {
    let app = app_behind_a_proxy().await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client();
    // Five failures from five addresses: each address is far from its own limit.
    for i in 0..5 {
        let response = sign_in_from(
            &browser,
            &format!("203.0.113.{i}"),
            &user.email,
            "guess-guess-1",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let mut waits = Vec::new();
    for i in 10..12 {
        let address = format!("203.0.113.{i}");
        let refused = sign_in_from(&browser, &address, &user.email, "guess-guess-1").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait = retry_after(&refused);
        waits.push(wait);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let checked = sign_in_from(&browser, &address, &user.email, "guess-guess-1").await;
        assert_eq!(
            checked.status(),
            StatusCode::UNAUTHORIZED,
            "checked after the wait"
        );
    }
    assert!(waits[1] > waits[0], "the delay grows: {waits:?}");
    let refused = sign_in_from(&browser, "203.0.113.20", &user.email, &user.password).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(Duration::from_secs(retry_after(&refused))).await;
    let response = sign_in_from(&browser, "203.0.113.20", &user.email, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    // And the success forgot the failures.
    let response = sign_in_from(&browser, "203.0.113.21", &user.email, "guess-guess-1").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guesses_in_parallel_from_many_addresses_cannot_outrun_the_delay() {
    let app = app_behind_a_proxy().await;
    let user = app.create_user(Role::Client).await;
    for i in 0..5 {
        sign_in_from(
            &app.client(),
            &format!("203.0.113.{i}"),
            &user.email,
            "guess-1",
        )
        .await;
    }
    // Past the delay the fifth failure set: the next attempt may go ahead, but only one.
    let wait = sign_in_from(&app.client(), "203.0.113.9", &user.email, "guess-1").await;
    assert_eq!(wait.status(), StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(Duration::from_secs(retry_after(&wait))).await;
    let before = count_events(&app, "sign_in_failed").await;
    let clients: Vec<TestClient> = (0..12).map(|_| app.client()).collect();
    let guesses = clients.iter().enumerate().map(|(i, client)| {
        let address = format!("198.51.100.{i}");
        let email = user.email.clone();
        async move {
            sign_in_from(client, &address, &email, "guess-2")
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = count_events(&app, "sign_in_failed").await - before;
    assert_eq!(
        checked, 1,
        "one at a time past the free failures: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count()
            >= 11,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_correct_password_waits_for_attempts_in_flight_instead_of_being_refused() {
    let app = TestApp::builder()
        .env("SIGNIN_MAX_FAILURES_PER_ACCOUNT", "3")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let clients: Vec<TestClient> = (0..5).map(|_| app.client()).collect();
    // Two wrong and three right at once, from one address: three fill the budget while in
    // flight, and the others wait for their results.
    let attempts = clients.iter().enumerate().map(|(i, client)| {
        let password = if i < 2 {
            "guess-guess-1"
        } else {
            user.password.as_str()
        };
        let email = user.email.clone();
        async move { client.sign_in_with(&email, password).await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    assert_eq!(
        statuses[2..],
        [StatusCode::OK; 3],
        "every correct password got in: {statuses:?}"
    );
}

#[tokio::test]
async fn the_limits_hold_across_instances_and_restarts() {
    let first = TestApp::spawn().await;
    let second = first.second_instance().await;
    let user = first.create_user(Role::Client).await;
    // Alternating between the instances, as a load balancer would.
    for i in 0..5 {
        let instance = if i % 2 == 0 { &first } else { &second };
        let response = instance
            .client()
            .sign_in_with(&user.email, "guess-guess-1")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = second
        .client()
        .sign_in_with(&user.email, "guess-guess-1")
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // An instance started afterwards (a restart) knows it too.
    let third = first.second_instance().await;
    drop(second);
    let response = third
        .client()
        .sign_in_with(&user.email, &user.password)
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_strangers_failures_never_stop_the_owner_from_changing_the_password() {
    let app = app_behind_a_proxy().await;
    let owner = app.signed_in_as(Role::Client).await;
    let email = owner.user().email.clone();
    for i in 0..10 {
        sign_in_from(
            &app.client(),
            &format!("203.0.113.{i}"),
            &email,
            "guess-guess-1",
        )
        .await;
    }
    let (status, body) = owner
        .call(
            "/api/account/change_password",
            json!({"current_password": PASSWORD, "new_password": "Kadikoy-Iskele-88"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn attempts_cancelled_by_their_client_leave_no_count_behind() {
    // bcrypt at cost 12 takes long enough for the client to give up while it runs.
    let app = TestApp::builder()
        .env("BCRYPT_COST", "12")
        .env("TRUSTED_PROXY_HOPS", "1")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    for _ in 0..8 {
        let cancelled = app
            .client()
            .request(Method::POST, "/api/auth/sign_in")
            .header("x-forwarded-for", "203.0.113.50")
            .json(&json!({"email": user.email, "password": "guess-guess-1"}))
            .timeout(Duration::from_millis(40))
            .send()
            .await;
        assert!(cancelled.is_err(), "the client gave up: {cancelled:?}");
    }
    // The server gave every cancelled attempt back: the owner gets in. (Had the eight stayed
    // counted in flight, they would fill the (account, address) budget, and the owner's attempt
    // would wait for them until it gave up with 429. No timing is asserted: this machine's load
    // is not the server's behaviour.)
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let response = sign_in_from(&app.client(), "203.0.113.50", &user.email, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_device_cookie_has_a_limit_of_its_own_and_a_new_password_ends_it() {
    let app = app_behind_a_proxy().await;
    let user = app.create_user(Role::Client).await;
    let device = app.client();
    let first = sign_in_from(&device, "198.51.100.1", &user.email, &user.password).await;
    assert_eq!(first.status(), StatusCode::OK);

    // Guessing from a trusted browser, from ever new addresses: its own limit stops it.
    for i in 0..5 {
        let response = sign_in_from(
            &device,
            &format!("198.51.100.{}", 10 + i),
            &user.email,
            "guess-1",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = sign_in_from(&device, "198.51.100.20", &user.email, "guess-1").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    // After a password change the old cookie vouches for nothing: the account's delay applies.
    let owner = app.client_signed_in(&user).await;
    let (status, _) = owner
        .call(
            "/api/account/change_password",
            json!({"current_password": PASSWORD, "new_password": "Kadikoy-Iskele-88"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for i in 0..5 {
        sign_in_from(
            &app.client(),
            &format!("203.0.113.{i}"),
            &user.email,
            "guess-2",
        )
        .await;
    }
    let response = sign_in_from(&device, "198.51.100.30", &user.email, "Kadikoy-Iskele-88").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}
