//! `GET /api/auth/events`: the session events stream (server-sent events).
//!
//! One per browser: the leader tab holds it and relays what it hears to the other tabs. It is
//! bound to the session of the cookie it was opened with, and tells the browser, within moments,
//! when that session ends: `event: ended` with `{"reason": "revoked"}` when it is revoked here
//! or on any other instance (sign-out elsewhere, ended from "My sessions", a password change,
//! deactivation, a role change), or `{"reason": "ended"}` at its idle or absolute end; then the
//! stream closes. A comment line every `events_heartbeat` keeps proxies from closing it as
//! idle. Opening or holding it never renews a token and never counts as activity.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{
    error::{ApiError, ErrorCode},
    session::server::{
        SessionService,
        request::ClientInfo,
        service::{CurrentSession, Resolved},
    },
    state::AppState,
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use chrono::{DateTime, Utc};
use tokio::sync::broadcast::error::RecvError;

use super::errors::json_error;

/// Where the stream is served (routed in `startup`, named in the access line and metrics).
pub const PATH: &str = "/api/auth/events";

/// How long the browser waits before reconnecting a stream that dropped (the `retry` field).
const RECONNECT_MS: u64 = 2000;
/// The same, when this instance is stopping: sooner, since another instance is there.
const RECONNECT_AFTER_STOP_MS: u64 = 500;
/// When the database cannot say whether the session still lives, ask again this much later.
const RECHECK_AFTER_OUTAGE: Duration = Duration::from_secs(5);

/// The open streams, counted per session and per client address.
#[derive(Clone)]
pub struct Streams {
    state: AppState,
    open: Arc<Mutex<HashMap<String, usize>>>,
    /// Set when the server stops: every stream ends, so the graceful shutdown can finish.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Streams {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            open: Arc::default(),
            closing: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Ends every open stream (the server is stopping). The browsers reconnect on their own.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// How many streams are open on this instance.
    pub fn open(&self) -> usize {
        self.counts()
            .iter()
            .filter(|(key, _)| key.starts_with("s:"))
            .map(|(_, n)| n)
            .sum()
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// A place for one more stream of `sid` from `addr`, or `None` when either is at its limit.
    fn take_slot(&self, sid: &str, addr: Option<&str>) -> Option<Slot> {
        let config = self.state.sessions.config();
        let mut keys = vec![(format!("s:{sid}"), config.max_streams_per_session)];
        if let Some(addr) = addr {
            keys.push((format!("a:{addr}"), config.max_streams_per_address));
        }
        let mut counts = self.counts();
        if keys
            .iter()
            .any(|(key, limit)| counts.get(key).copied().unwrap_or(0) >= *limit)
        {
            return None;
        }
        for (key, _) in &keys {
            *counts.entry(key.clone()).or_default() += 1;
        }
        Some(Slot {
            open: Arc::clone(&self.open),
            keys: keys.into_iter().map(|(key, _)| key).collect(),
        })
    }
}

/// One stream's place in the counts, given back when the stream ends (the browser went away,
/// or the session ended).
struct Slot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    keys: Vec<String>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self
            .open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        for key in &self.keys {
            if let Some(n) = counts.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    counts.remove(key);
                }
            }
        }
    }
}

/// Opens a stream for the request's session: 401 without one, 429 past a limit.
pub async fn stream(State(streams): State<Streams>, request: Request) -> Response {
    let state = streams.state.clone();
    let (parts, _) = request.into_parts();
    let sessions = &state.sessions;
    let Some(token) = sessions.cookie().read(&parts.headers) else {
        return json_error(ApiError::unauthenticated());
    };
    let current = match peek_token(sessions, &token).await {
        Ok(Some(current)) => current,
        Ok(None) => {
            let mut refused = json_error(ApiError::unauthenticated());
            if let Ok(clear) = HeaderValue::from_str(&sessions.cookie().clear()) {
                refused.headers_mut().append(header::SET_COOKIE, clear);
            }
            return refused;
        }
        Err(error) => return json_error(error),
    };
    let client = ClientInfo::from_parts(&parts, sessions.config().trusted_proxy_hops);
    let Some(slot) = streams.take_slot(&current.sid, client.addr.as_deref()) else {
        return json_error(ApiError {
            retry_after: Some(30),
            ..ApiError::new(
                ErrorCode::TooManyRequests,
                app::domain::say(
                    "Bu oturum ya da adres için çok fazla oturum olay akışı açık.",
                    "Too many session event streams are open for this session or address.",
                ),
            )
        });
    };
    let watch = Watch {
        closing: streams.closing.subscribe(),
        revocations: sessions.subscribe_revocations(),
        state: state.clone(),
        token,
        check_at: current
            .idle_expires
            .min(absolute_end(&current.session.expires)),
        sid: current.sid,
        _slot: slot,
        started: false,
        done: false,
    };
    let events = futures::stream::unfold(watch, |mut watch| async move {
        let event = watch.next_event().await?;
        Some((Ok::<_, std::convert::Infallible>(event), watch))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(sessions.config().events_heartbeat))
        .into_response();
    // nginx would otherwise buffer the stream until it fills a buffer.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The session behind `token`, read without renewing or moving anything.
async fn peek_token(
    sessions: &SessionService,
    token: &str,
) -> Result<Option<CurrentSession>, ApiError> {
    Ok(match sessions.peek(token).await? {
        Resolved::Valid { current, .. } => Some(current),
        Resolved::Invalid => None,
    })
}

fn absolute_end(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))
}

/// One stream's watch over its session.
struct Watch {
    state: AppState,
    /// The cookie the stream was opened with: read again (never renewed) at the session's
    /// deadline to learn whether activity moved it.
    token: String,
    sid: String,
    revocations: tokio::sync::broadcast::Receiver<Arc<str>>,
    closing: tokio::sync::watch::Receiver<bool>,
    /// The session's idle or absolute end, as last known.
    check_at: DateTime<Utc>,
    _slot: Slot,
    started: bool,
    done: bool,
}

impl Watch {
    /// The next event to send, or `None` once the stream is over.
    async fn next_event(&mut self) -> Option<Event> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            return Some(
                Event::default()
                    .event("ready")
                    .retry(Duration::from_millis(RECONNECT_MS))
                    .data("{}"),
            );
        }
        loop {
            let until_check = (self.check_at - Utc::now()).to_std().unwrap_or_default();
            if *self.closing.borrow() {
                return Some(self.reconnect_elsewhere());
            }
            tokio::select! {
                // The server is stopping: a last word asks the browser to come back soon (its
                // EventSource reconnects by itself, through the proxy to an instance that
                // stays), and the stream ends. Not `ended`: the session lives on.
                _ = self.closing.changed() => return Some(self.reconnect_elsewhere()),
                heard = self.revocations.recv() => match heard {
                    Ok(sid) if *sid == *self.sid => return Some(self.end("revoked")),
                    Ok(_) => {}
                    // Fell behind the feed: whether this session was among the missed ones,
                    // only a look at the session can say.
                    Err(RecvError::Lagged(_)) => {
                        if let Some(ended) = self.look_again().await {
                            return Some(ended);
                        }
                    }
                    Err(RecvError::Closed) => return None,
                },
                () = tokio::time::sleep(until_check) => {
                    if let Some(ended) = self.look_again().await {
                        return Some(ended);
                    }
                }
            }
        }
    }

    /// Reads the session again; `Some(ended)` when it is over.
    async fn look_again(&mut self) -> Option<Event> {
        match peek_token(&self.state.sessions, &self.token).await {
            Ok(Some(current)) => {
                self.check_at = current
                    .idle_expires
                    .min(absolute_end(&current.session.expires));
                None
            }
            Ok(None) => Some(self.end("ended")),
            Err(_) => {
                self.check_at = Utc::now() + RECHECK_AFTER_OUTAGE;
                None
            }
        }
    }

    fn reconnect_elsewhere(&mut self) -> Event {
        self.done = true;
        Event::default()
            .retry(Duration::from_millis(RECONNECT_AFTER_STOP_MS))
            .comment("this server is stopping: reconnect")
    }

    fn end(&mut self, reason: &str) -> Event {
        self.done = true;
        Event::default()
            .event("ended")
            .data(format!("{{\"reason\":\"{reason}\"}}"))
    }
}
