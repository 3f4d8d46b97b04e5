//! `cargo bench --bench fleet -- sessions-memory`: the server's resident memory with 100,000
//! live sessions, 10,000 revoked ids on its denylist, after 1,000,000 session checks (bar: under
//! 32 MB). PostgreSQL; the rows are written in SQL before the server starts, so the revocations
//! reach the denylist by the start's catch-up, as after a restart in the middle of a busy day.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use sea_orm::ConnectionTrait;

use crate::{PASSWORD, Server, create_user, pg_url, sign_in, token_of};

const LIVE: u64 = 100_000;
const REVOKED: u64 = 10_000;
const CHECKS: u64 = 1_000_000;
const LIMIT_MB: f64 = 32.0;

pub async fn with_many_sessions(dir: &Path, schema: &str) {
    // Once to create the schema, then stopped while the rows go in.
    drop(Server::start(dir, schema, &[("BCRYPT_COST", "4")]).await);
    create_user(schema, "memory-sessions@example.com", 4).await;
    fill(schema).await;

    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics_bind = format!("127.0.0.1:{metrics_port}");
    let server = Server::start(
        dir,
        schema,
        &[("BCRYPT_COST", "4"), ("METRICS_BIND", &metrics_bind)],
    )
    .await;
    let client = Client::new();
    // The start's catch-up put the revocations on the denylist (the sampler reads it at start).
    let metrics = client
        .get(format!("http://{metrics_bind}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let denylisted: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("session_denylist_size "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(denylisted >= REVOKED as f64, "denylist holds {denylisted}");
    let token = token_of(
        &sign_in(
            &client,
            &server.base,
            "memory-sessions@example.com",
            PASSWORD,
        )
        .await,
    );
    let cookie = format!("smmm_session={token}");
    let me = client
        .post(format!("{}/api/auth/session", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let at_start = server.rss_kib();

    // 1,000,000 session checks from wrk, in rounds until there are that many.
    let post = dir.join("post-memory.lua");
    std::fs::write(&post, "wrk.method = \"POST\"\n").unwrap();
    let started = Instant::now();
    let mut checks = 0;
    while checks < CHECKS {
        let output = Command::new("wrk")
            .args(["-t2", "-c32", "-d5s", "-s"])
            .arg(&post)
            .args(["-H", &format!("Cookie: {cookie}")])
            .arg(format!("{}/api/auth/session", server.base))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let summary = text
            .lines()
            .find(|l| l.contains(" requests in "))
            .unwrap_or_else(|| panic!("wrk printed no summary:\n{text}"));
        checks += summary
            .split_whitespace()
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap();
        assert!(!text.contains("Non-2xx"), "refused checks:\n{text}");
        assert!(started.elapsed() < Duration::from_secs(300), "too slow");
    }
    let after = server.rss_kib();
    println!();
    println!(
        "memory with {LIVE} live sessions and {denylisted} revoked ids on the denylist: RSS {:.1} MB at start, {:.1} MB after {checks} session checks in {:.0} s  (bar: < {LIMIT_MB} MB)",
        at_start as f64 / 1024.0,
        after as f64 / 1024.0,
        started.elapsed().as_secs_f64()
    );
}

/// 100,000 live sessions and 10,000 revoked a minute ago (inside the denylist's window), for
/// 2,000 clients.
async fn fill(schema: &str) {
    let mut options = app::db::DbOptions::new(pg_url());
    options.schema = Some(schema.to_owned());
    options.statement_timeout = None;
    let db = app::db::connect(&options).await.unwrap();
    let statements = [
        "INSERT INTO users (email, name, password_hash, role, active, created_at, updated_at, \
         password_changed_at, version, search_text) \
         SELECT 'many' || g || '@example.com', 'Many ' || g, 'x', 'CLIENT', true, now(), now(), \
         now(), 0, 'many' FROM generate_series(1, 2000) g"
            .to_owned(),
        format!(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) \
             SELECT 'live-' || g, (SELECT min(id) FROM users) + g % 2000, now(), now(), \
             now() + interval '8 hours' FROM generate_series(1, {LIVE}) g"
        ),
        format!(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, revoked_at, \
             revoked_reason) \
             SELECT md5('revoked-' || g) || md5('x' || g), (SELECT min(id) FROM users) + g % 2000, \
             now() - interval '1 hour', now() - interval '1 minute', now() + interval '7 hours', \
             now() - interval '1 minute', 'signed out' FROM generate_series(1, {REVOKED}) g"
        ),
        "ANALYZE sessions".to_owned(),
    ];
    for sql in statements {
        db.execute_unprepared(&sql).await.unwrap();
    }
}
