//! `GET /api/auth/events`: the session events stream. It needs a session, tells each browser of
//! its own session's end only (revoked here or on another instance, or its idle end), outlives
//! a proxy's idle timeout by its heartbeats, and is limited per session.

use std::time::{Duration, Instant};

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::helpers::{TestApp, session_token, sid_of, use_postgres};

/// One open stream, read as the browser's `EventSource` would.
pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
    /// Comment lines seen so far: the heartbeats.
    pub heartbeats: usize,
}

/// What reading the stream gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    Event {
        name: String,
        data: String,
    },
    /// The server (or something between) closed the stream.
    Closed,
    /// Nothing within the time given.
    Quiet,
}

impl EventStream {
    /// Opens the stream at `base` with exactly this session cookie (none when empty).
    pub async fn open(base: &str, token: &str) -> Result<Self, (StatusCode, serde_json::Value)> {
        let mut request = reqwest::Client::new().get(format!("{base}/api/auth/events"));
        if !token.is_empty() {
            request = request.header(reqwest::header::COOKIE, format!("smmm_session={token}"));
        }
        let response = request.send().await.unwrap();
        if response.status() != StatusCode::OK {
            let status = response.status();
            return Err((status, response.json().await.unwrap_or_default()));
        }
        let kind = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap();
        assert!(kind.starts_with("text/event-stream"), "{kind}");
        let mut stream = Self {
            response,
            buffer: String::new(),
            heartbeats: 0,
        };
        let ready = stream.next(Duration::from_secs(5)).await;
        assert!(
            matches!(&ready, Read::Event { name, .. } if name == "ready"),
            "{ready:?}"
        );
        Ok(stream)
    }

    /// The next event (heartbeats are counted, not returned).
    pub async fn next(&mut self, within: Duration) -> Read {
        let until = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut data) = (String::from("message"), String::new());
                let mut fields = 0;
                for line in block.lines() {
                    if line.starts_with(':') {
                        self.heartbeats += 1;
                    } else if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                        fields += 1;
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data = value.trim().to_owned();
                        fields += 1;
                    }
                }
                if fields > 0 {
                    return Read::Event { name, data };
                }
            }
            match tokio::time::timeout_at(until, self.response.chunk()).await {
                Err(_) => return Read::Quiet,
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None) | Err(_)) => return Read::Closed,
            }
        }
    }

    /// Waits for the `ended` event, and then for the stream to close.
    pub async fn expect_end(&mut self, reason: &str, within: Duration) {
        let read = self.next(within).await;
        assert_eq!(
            read,
            Read::Event {
                name: "ended".into(),
                data: format!("{{\"reason\":\"{reason}\"}}")
            }
        );
        assert_eq!(self.next(Duration::from_secs(2)).await, Read::Closed);
    }
}

#[tokio::test]
async fn the_stream_needs_a_session() {
    let app = TestApp::spawn().await;
    for token in ["", "not-a-token"] {
        let (status, body) = EventStream::open(&app.base, token).await.err().unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(body["error"], "unauthenticated");
    }
    // A signed-out session's token is refused too.
    let browser = app.client();
    let user = app.create_user(Role::Client).await;
    let token = browser.sign_in(&user).await;
    browser.post_empty("/api/auth/sign_out").await;
    let (status, _) = EventStream::open(&app.base, &token).await.err().unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_stream_hears_its_own_sessions_end_and_nothing_else() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    let other = app.create_user(Role::Client).await;
    let laptop = app.client();
    let laptop_token = laptop.sign_in(&user).await;
    let phone = app.client();
    phone.sign_in(&user).await;
    let stranger = app.client();
    let stranger_token = stranger.sign_in(&other).await;
    let mut laptop_events = EventStream::open(&app.base, &laptop_token).await.unwrap();
    let mut stranger_events = EventStream::open(&app.base, &stranger_token).await.unwrap();

    // Other sessions end, of the same user and of another: nothing for the laptop.
    stranger.post_empty("/api/auth/sign_out").await;
    phone.post_empty("/api/auth/sign_out").await;
    assert_eq!(
        laptop_events.next(Duration::from_millis(500)).await,
        Read::Quiet
    );
    stranger_events
        .expect_end("revoked", Duration::from_secs(2))
        .await;

    // The phone signs in again and ends every other session: the laptop hears at once.
    phone.sign_in(&user).await;
    let started = Instant::now();
    let (status, ended) = phone
        .call("/api/account/end_other_sessions", json!({"password": null}))
        .await;
    assert_eq!((status, ended), (StatusCode::OK, json!(1)));
    laptop_events
        .expect_end("revoked", Duration::from_secs(2))
        .await;
    println!("revocation → event on the stream: {:?}", started.elapsed());
}

#[tokio::test]
async fn deactivation_reaches_the_clients_open_stream() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let client = app.create_user(Role::Client).await;
    let token = app.client().sign_in(&client).await;
    let mut events = EventStream::open(&app.base, &token).await.unwrap();
    let (_, row) = admin
        .call("/api/admin/user", json!({"user_id": client.id}))
        .await;
    let version = row["version"].as_i64().unwrap();
    let (status, body) = admin
        .call(
            "/api/admin/set_active",
            json!({"user_id": client.id, "active": false, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    events.expect_end("revoked", Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_stream_ends_at_the_idle_timeout_without_renewing_anything() {
    let app = TestApp::builder()
        .env("SESSION_TOKEN_TTL_SECS", "1")
        .env("SESSION_IDLE_TIMEOUT_SECS", "2")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let token = app.client().sign_in(&user).await;
    let started = Instant::now();
    let mut events = EventStream::open(&app.base, &token).await.unwrap();
    events.expect_end("ended", Duration::from_secs(5)).await;
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "not before the idle end"
    );
    assert_eq!(app.me_status(&token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn streams_are_limited_per_session() {
    let app = TestApp::builder()
        .env("SESSION_EVENTS_PER_SESSION", "2")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let token = app.client().sign_in(&user).await;
    let first = EventStream::open(&app.base, &token).await.unwrap();
    let _second = EventStream::open(&app.base, &token).await.unwrap();
    let (status, body) = EventStream::open(&app.base, &token).await.err().unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "too_many_requests");
    // Another session of the same user has its own allowance.
    let other = app.client().sign_in(&user).await;
    EventStream::open(&app.base, &other).await.unwrap();
    // A closed stream gives its place back (noticed at its next write: the heartbeat).
    drop(first);
    let reopened = async {
        loop {
            if EventStream::open(&app.base, &token).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(25), reopened)
        .await
        .expect("a place frees up once the stream is gone");
}

/// A proxy that closes a connection when the server has sent nothing for `idle`, as nginx's
/// `proxy_read_timeout` does.
async fn idle_closing_proxy(target: &str, idle: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let target = target.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&target).await else {
                    return;
                };
                let (mut from_client, mut to_client) = tokio::io::split(client);
                let (mut from_server, mut to_server) = tokio::io::split(server);
                let upstream = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_client, &mut to_server).await;
                });
                let mut buffer = vec![0; 8192];
                while let Ok(Ok(n)) =
                    tokio::time::timeout(idle, from_server.read(&mut buffer)).await
                {
                    if n == 0 || to_client.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
                upstream.abort();
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn heartbeats_keep_the_stream_open_through_an_idle_closing_proxy() {
    let idle = Duration::from_millis(2500);
    // Without heartbeats in time, the proxy cuts the stream: the proxy really does close.
    let quiet = TestApp::spawn().await;
    let user = quiet.create_user(Role::Client).await;
    let token = quiet.client().sign_in(&user).await;
    let proxy = idle_closing_proxy(&quiet.base, idle).await;
    let mut events = EventStream::open(&proxy, &token).await.unwrap();
    assert_eq!(events.next(Duration::from_secs(6)).await, Read::Closed);

    // With a heartbeat every second, it stays open well past the proxy's timeout, and the end
    // of the session still arrives through it.
    let app = TestApp::builder()
        .env("SESSION_EVENTS_HEARTBEAT_SECS", "1")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let browser = app.client();
    let token = browser.sign_in(&user).await;
    let proxy = idle_closing_proxy(&app.base, idle).await;
    let mut events = EventStream::open(&proxy, &token).await.unwrap();
    assert_eq!(events.next(Duration::from_secs(6)).await, Read::Quiet);
    assert!(events.heartbeats >= 4, "{} heartbeats", events.heartbeats);
    browser.post_empty("/api/auth/sign_out").await;
    events.expect_end("revoked", Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_revocation_on_another_instance_reaches_the_stream() {
    if !use_postgres() {
        return; // More than one instance means PostgreSQL.
    }
    let first = TestApp::spawn().await;
    let second = first.second_instance().await;
    let user = first.create_user(Role::Client).await;
    let browser = first.client();
    let token = browser.sign_in(&user).await;
    let mut events = EventStream::open(&second.base, &token).await.unwrap();
    let started = Instant::now();
    let response = browser.post_empty("/api/auth/sign_out").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(session_token(response.headers()).is_none());
    events.expect_end("revoked", Duration::from_secs(3)).await;
    println!(
        "sign-out on one instance → event on another's stream: {:?} (session {})",
        started.elapsed(),
        &sid_of(&token)[..6]
    );
}
