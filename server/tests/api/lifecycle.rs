//! The server as an operator runs it: probes, a stop that fails no request, the time limit.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn liveness_needs_nothing_and_readiness_says_what_it_checked() {
    let app = TestApp::spawn().await;
    let live = app.client().get("/livez").await;
    assert_eq!(live.status(), StatusCode::OK);
    assert_eq!(live.json::<Value>().await.unwrap()["status"], "alive");
    for probe in ["/readyz", "/healthz"] {
        let ready = app.client().get(probe).await;
        assert_eq!(ready.status(), StatusCode::OK, "{probe}");
        assert_eq!(
            ready.json::<Value>().await.unwrap(),
            json!({"status": "ready", "database": "ok", "schema": "ok", "revocations": "ok", "draining": false}),
            "{probe}"
        );
    }
}

#[tokio::test]
async fn an_api_call_past_the_time_limit_is_503_json() {
    // bcrypt at cost 15 takes seconds here: a sign-in cannot finish within the 1 s limit.
    let app = TestApp::builder()
        .env("REQUEST_TIMEOUT_SECS", "1")
        .env("BCRYPT_COST", "15")
        .spawn()
        .await;
    let started = Instant::now();
    let (status, body) = app
        .client()
        .call(
            "/api/auth/sign_in",
            json!({"email": "nobody@example.com", "password": "some-password-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "unavailable");
    assert!(body["message"].as_str().unwrap().contains("too long"));
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
    // Quick calls are not affected.
    assert_eq!(app.client().session().await.0, StatusCode::OK);
}

/// The server binary as its own process on a SQLite file in `dir`, a development server (seeded
/// with the demo accounts) with `env` besides, and its stderr in `dir/server.log`; ready.
async fn start_server(dir: &std::path::Path, env: &[(&str, &str)]) -> (Process, String) {
    let (server, base) = spawn_server(dir, env);
    wait_until_ready(&format!("{base}/readyz")).await;
    (server, base)
}

#[tokio::test]
async fn sigterm_drains_finishes_requests_in_flight_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(
        dir.path(),
        &[("BCRYPT_COST", "13"), ("SHUTDOWN_DRAIN_SECS", "2")],
    )
    .await;
    let http = reqwest::Client::new();

    // A slow request (a password check at cost 13), then SIGTERM while it runs.
    let slow = tokio::spawn({
        let (http, base) = (http.clone(), base.clone());
        async move {
            http.post(format!("{base}/api/auth/sign_in"))
                .json(&json!({"email": "nobody@example.com", "password": "some-password-1"}))
                .send()
                .await
                .map(|r| r.status())
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.terminate();
    let signalled = Instant::now();

    // Draining: not ready at once, still alive and still answering.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json::<Value>().await.unwrap()["draining"], true);
    assert_eq!(
        http.get(format!("{base}/livez"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // The request in flight finishes with its real answer.
    assert_eq!(
        slow.await.unwrap().unwrap(),
        StatusCode::UNAUTHORIZED,
        "the sign-in ran to its end"
    );
    // Then the process exits on its own, cleanly, after the drain period.
    let exited = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(signalled.elapsed() < Duration::from_secs(20), "exited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exited.success(), "{exited}");
    assert!(
        signalled.elapsed() >= Duration::from_millis(1900),
        "took requests for the drain period: {:?}",
        signalled.elapsed()
    );
    assert!(
        http.get(format!("{base}/livez")).send().await.is_err(),
        "the port is closed"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_taken_only_from_a_trusted_proxy() {
    let direct = TestApp::spawn().await;
    let response = direct
        .client()
        .request(reqwest::Method::GET, "/livez")
        .header("x-request-id", "chosen-by-the-client")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");

    let proxied = TestApp::builder()
        .env("TRUSTED_PROXY_HOPS", "1")
        .spawn()
        .await;
    for (sent, kept) in [("nginx-4f1c.9", true), ("two words", false)] {
        let response = proxied
            .client()
            .request(reqwest::Method::POST, "/api/auth/session")
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(id == sent, kept, "{sent} -> {id}");
    }
}

#[tokio::test]
async fn json_logs_parse_and_name_each_request_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(
        dir.path(),
        &[
            ("BCRYPT_COST", "4"),
            ("SHUTDOWN_DRAIN_SECS", "0"),
            ("TRUSTED_PROXY_HOPS", "1"),
            ("LOG_FORMAT", "json"),
            ("LOG_LEVEL", "info"),
            // Every statement counts as slow: each one is logged, with its request.
            ("DB_SLOW_STATEMENT_MS", "0"),
        ],
    )
    .await;
    let http = reqwest::Client::new();
    // The demo admin a development server seeds (README, "Demo accounts").
    let password = "demo-admin-pass-2026";
    let signed_in = http
        .post(format!("{base}/api/auth/sign_in"))
        .header("x-request-id", "sign-in-1")
        .json(&json!({"email": "admin@smmm.example", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let token = session_token(signed_in.headers()).unwrap();
    let me = http
        .post(format!("{base}/api/me"))
        .header("x-request-id", "me-2")
        .header("cookie", format!("smmm_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let user_id = me.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    server.terminate();
    assert!(server.0.wait().unwrap().success());

    let text = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(lines.len() > 5, "{text}");
    for secret in [password, token.as_str(), "smmm_session=", TEST_SECRET] {
        assert!(!text.contains(secret), "a log line shows a secret");
    }
    let access = |id: &str| {
        lines
            .iter()
            .find(|l| l["target"] == "access" && l["request_id"] == id)
            .unwrap_or_else(|| panic!("no access line for {id}: {text}"))
            .clone()
    };
    let line = access("me-2");
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["route"], "/api/me");
    assert_eq!(line["path"], "/api/me");
    assert_eq!(line["status"], 200);
    assert!(line["latency_ms"].is_number());
    assert_eq!(line["user_id"], user_id);
    assert_eq!(access("sign-in-1")["status"], 200);
    // The statements of a request are logged with its id (every one is slow here).
    assert!(
        lines.iter().any(|l| l["level"] == "WARN"
            && l["span"]["request_id"] == "sign-in-1"
            && l.to_string().contains("slow statement")),
        "{text}"
    );
}
