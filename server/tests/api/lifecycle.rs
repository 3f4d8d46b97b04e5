//! The server as an operator runs it: probes, a stop that fails no request, the time limit.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

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
            json!({"status": "ready", "database": "ok", "revocations": "ok", "draining": false}),
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

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn sigterm_drains_finishes_requests_in_flight_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), APP_SHELL_HTML).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(dir.path())
            .env_clear()
            .env("PORT", port.to_string())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/d.db?mode=rwc", dir.path().display()),
            )
            .env("DIST_DIR", dir.path().join("dist"))
            .env("SESSION_SECRET", TEST_SECRET)
            .env("BCRYPT_COST", "13")
            .env("SHUTDOWN_DRAIN_SECS", "2")
            .env("LOG_LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::new();
    let started = Instant::now();
    while http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| r.status())
        .ok()
        != Some(StatusCode::OK)
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server came up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
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
