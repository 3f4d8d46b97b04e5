//! `cargo bench --bench fleet -- scale`: the staff pages on a database years old. PostgreSQL
//! with 1,000,000 audit events spread over 400 days and 200,000 sessions (2,000 clients, one in
//! twenty sessions live); the server as its own process. Timed from here over HTTP: the admin
//! dashboard, the audit log's first page, and its 500th page reached by cursor (bar: each
//! median <= 20 ms; the 500th page about as quick as the first).

use std::{
    path::Path,
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::{PASSWORD, Server, ms, percentile, pg_url};

const EVENTS: u64 = 1_000_000;
const SESSIONS: u64 = 200_000;
const CLIENTS: u64 = 2_000;
const TIMED: usize = 60;

pub async fn staff_pages_at_size(dir: &Path, schema: &str) {
    // Keep everything: the retention job must not clear the data under the benchmark.
    let server = Server::start(
        dir,
        schema,
        &[
            ("BCRYPT_COST", "4"),
            ("SESSION_RETENTION_DAYS", "3650"),
            ("AUDIT_RETENTION_DAYS", "0"),
        ],
    )
    .await;
    let started = Instant::now();
    fill(schema).await;
    println!();
    println!(
        "scale: {EVENTS} audit events over 400 days, {SESSIONS} sessions, {CLIENTS} clients written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let client = Client::builder().cookie_store(true).build().unwrap();
    let signed_in = client
        .post(format!("{}/api/auth/sign_in", server.base))
        .json(&json!({"email": "scale-admin@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let call = |path: &'static str, body: Value| {
        let request = client.post(format!("{}{path}", server.base)).json(&body);
        async move {
            let started = Instant::now();
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let body: Value = response.json().await.unwrap();
            (started.elapsed(), body)
        }
    };

    // Walk to the 500th page the way a reader would: by each page's cursor.
    let mut before = Value::Null;
    let walk = Instant::now();
    for _ in 1..500 {
        let (_, page) = call("/api/admin/audit", json!({"filter": {"before": before}})).await;
        before = page["next"].clone();
        assert!(!before.is_null(), "fewer than 500 pages");
    }
    let walked = walk.elapsed();

    let time = |path: &'static str, body: Value| {
        let call = &call;
        async move {
            for _ in 0..5 {
                call(path, body.clone()).await;
            }
            let mut times = Vec::with_capacity(TIMED);
            let mut last = Value::Null;
            for _ in 0..TIMED {
                let (took, body) = call(path, body.clone()).await;
                times.push(took);
                last = body;
            }
            times.sort();
            (times, last)
        }
    };
    let (dashboard, summary) = time("/api/admin/summary", json!({})).await;
    let (first, first_page) = time("/api/admin/audit", json!({"filter": {}})).await;
    let (deep, deep_page) = time("/api/admin/audit", json!({"filter": {"before": before}})).await;
    assert_eq!(first_page["total_capped"], json!(true));
    assert_eq!(deep_page["items"].as_array().map(Vec::len), Some(20));
    assert!(summary["active_sessions"].as_u64().unwrap() > 0);

    let line = |what: &str, times: &[Duration]| {
        println!(
            "  {what:<34} median {:>6.2} ms  p90 {:>6.2} ms  (bar: median <= 20 ms)",
            ms(percentile(times, 0.5)),
            ms(percentile(times, 0.9)),
        );
    };
    println!("staff pages at size, {TIMED} requests each, one after another:");
    line("admin dashboard", &dashboard);
    line("audit log, first page", &first);
    line("audit log, 500th page by cursor", &deep);
    println!(
        "  500th page / first page: {:.2}x; walking pages 1..499 took {:.1} ms a page",
        ms(percentile(&deep, 0.5)) / ms(percentile(&first, 0.5)),
        ms(walked) / 499.0
    );
}

/// Writes the rows in SQL (seconds, not hours), then has PostgreSQL analyze them.
async fn fill(schema: &str) {
    let mut options = app::db::DbOptions::new(pg_url());
    options.schema = Some(schema.to_owned());
    options.statement_timeout = None;
    let db = app::db::connect(&options).await.unwrap();
    let admin_hash = bcrypt::hash(PASSWORD, 4).unwrap();
    let statements = [
        format!(
            "INSERT INTO users (email, name, password_hash, role, active, created_at, updated_at, \
             password_changed_at, version, search_text) VALUES ('scale-admin@example.com', \
             'Scale Admin', '{admin_hash}', 'ADMIN', true, now(), now(), now(), 0, \
             'scale admin scale-admin@example.com')"
        ),
        format!(
            "INSERT INTO users (email, name, password_hash, role, active, created_at, updated_at, \
             password_changed_at, version, search_text) \
             SELECT 'client' || g || '@example.com', 'Client ' || g, '{admin_hash}', 'CLIENT', \
             g % 10 <> 0, now() - interval '500 days', now(), now(), 0, \
             'client ' || g || ' client' || g || '@example.com' \
             FROM generate_series(1, {CLIENTS}) g"
        ),
        // Oldest first, so ids grow with time as they do in life; 400 days / 1,000,000.
        format!(
            "INSERT INTO auth_events (kind, user_id, attempted_email, client_addr, user_agent, \
             created_at, detail) \
             SELECT (ARRAY['sign_in', 'sign_in_failed', 'sign_out', 'session_revoked'])[1 + g % 4], \
             (SELECT min(id) FROM users) + g % {CLIENTS}, NULL, '10.0.' || (g % 250) || '.7', \
             'Mozilla/5.0 (bench)', now() - ({EVENTS} - g) * interval '34.56 seconds', NULL \
             FROM generate_series(1, {EVENTS}) g"
        ),
        // One in twenty live; the rest revoked or past their end, over the same 400 days.
        format!(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, revoked_at, \
             revoked_reason, user_agent, client_addr) \
             SELECT md5(g::text), (SELECT min(id) FROM users) + 1 + g % {CLIENTS}, t, t, \
             CASE WHEN g % 20 = 0 THEN now() + interval '8 hours' ELSE t + interval '12 hours' END, \
             CASE WHEN g % 20 = 0 OR g % 3 = 0 THEN NULL ELSE t + interval '1 hour' END, \
             CASE WHEN g % 20 = 0 OR g % 3 = 0 THEN NULL ELSE 'signed out' END, \
             'Mozilla/5.0 (bench)', '10.0.0.7' \
             FROM (SELECT g, CASE WHEN g % 20 = 0 THEN now() - interval '10 minutes' \
                   ELSE now() - (g * interval '172.8 seconds') END AS t \
                   FROM generate_series(1, {SESSIONS}) g) s"
        ),
        "ANALYZE users".to_owned(),
        "ANALYZE auth_events".to_owned(),
        "ANALYZE sessions".to_owned(),
    ];
    for sql in statements {
        db.execute_unprepared(&sql).await.unwrap();
    }
}
