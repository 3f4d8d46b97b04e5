//! Prometheus metrics on their own listener: the names an operator alerts on are there, and
//! they move with what happens. The recorder is one per process, shared by every test server
//! here, so counters are compared before and after, never against a fixed value.

use std::time::Duration;

use app::domain::Role;
use reqwest::{Client, StatusCode};

use crate::helpers::*;

async fn scrape(url: &str) -> String {
    let response = Client::new().get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of the sample `series` (name and labels exactly as rendered), 0 when absent.
fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_are_served_apart_and_counters_move() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/metrics");
    let app = TestApp::builder()
        .env("METRICS_BIND", &format!("127.0.0.1:{port}"))
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let before = scrape(&url).await;

    let client = app.client();
    client.sign_in(&user).await;
    assert_eq!(client.me_status().await, StatusCode::OK);
    let stranger = app.client();
    for _ in 0..7 {
        stranger.sign_in_with(&user.email, "not-the-password").await;
    }
    let unknown = stranger
        .post("/api/no_such_function_7c1f", serde_json::json!({}))
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // Histograms reach the rendered text at the exporter's upkeep (every 5 s).
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let after = scrape(&url).await;

    let moved = |series: &str, by: f64| {
        let (was, now) = (value(&before, series), value(&after, series));
        assert!(now - was >= by, "{series}: {was} -> {now}\n{after}");
    };
    moved(r#"auth_sign_ins_total{outcome="success"}"#, 1.0);
    moved(r#"auth_sign_ins_total{outcome="failure"}"#, 5.0);
    moved(r#"auth_sign_ins_total{outcome="limited"}"#, 1.0);
    moved(
        r#"http_requests_total{method="POST",route="/api/auth/sign_in",status="200"}"#,
        1.0,
    );
    moved(
        r#"http_requests_total{method="POST",route="/api/me",status="200"}"#,
        1.0,
    );
    moved(
        r#"http_requests_total{method="POST",route="/api/(other)",status="404"}"#,
        1.0,
    );
    moved(r#"auth_password_check_wait_seconds_count"#, 6.0);
    assert!(after.contains("auth_lockouts_total{limit="), "{after}");
    assert!(
        after.contains(
            r#"http_request_duration_seconds_bucket{method="POST",route="/api/me",le="0.005"}"#
        ),
        "{after}"
    );
    // Sampled at start: the pool, the denylist, live sessions, open streams.
    for gauge in [
        r#"db_pool_connections{state="idle"}"#,
        r#"db_pool_connections{state="in_use"}"#,
        "session_denylist_size",
        "sessions_active",
        "session_event_streams",
    ] {
        assert!(
            after.lines().any(|l| l.starts_with(gauge)),
            "{gauge} missing:\n{after}"
        );
    }
    // A made-up path never becomes a label.
    assert!(!after.contains("no_such_function"));
    // And the public port does not serve them.
    let public = app.client().get("/metrics").await.text().await.unwrap();
    assert!(!public.contains("http_requests_total"));
}

#[tokio::test]
async fn the_revocation_lag_is_measured_between_instances() {
    if !use_postgres() {
        return;
    }
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/metrics");
    let first = TestApp::spawn().await;
    let second = first
        .instance_with(&[("METRICS_BIND", &format!("127.0.0.1:{port}"))])
        .await;
    let before = value(&scrape(&url).await, "session_revocation_lag_seconds_count");
    let user = first.create_user(Role::Client).await;
    let client = first.client_signed_in(&user).await;
    client.post_empty("/api/auth/sign_out").await;
    let mut now = before;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        now = value(&scrape(&url).await, "session_revocation_lag_seconds_count");
        if now > before {
            break;
        }
    }
    assert!(now > before, "no lag recorded: {before} -> {now}");
    drop(second);
}
