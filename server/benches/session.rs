//! `make bench`: the session layer against its baselines, measured in one run on this machine.
//!
//! 1. `POST /api/auth/session` with a valid cookie (the fast path) against a bare axum handler
//!    that verifies the same HS256 token, and against the server's cheapest static route.
//! 2. One sign-in against one raw bcrypt verify at the same cost.
//!
//! Absolute numbers depend on the machine and what else runs on it; the ratios are the result.
//! Run with `cargo bench -p server --bench session` (release build).

#![expect(clippy::unwrap_used)]

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{Router, http::HeaderMap, response::IntoResponse, routing::post};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use server::{Application, Config};

const SECRET: &str = "bench-secret-0123456789-abcdefghijklmnop";
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-2026";
const CONCURRENCY: usize = 16;
/// Each target gets `ROUNDS` turns of `ROUND` (8 s in all), interleaved with the others.
const ROUNDS: u32 = 16;
const ROUND: Duration = Duration::from_millis(500);
const SIGN_INS: usize = 12;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let cost: u32 = std::env::var("BCRYPT_COST")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>",
    )
    .unwrap();
    std::fs::write(dist.join("robots.txt"), "User-agent: *\nDisallow: /api/\n").unwrap();
    let env: HashMap<String, String> = [
        ("PORT", "0".to_owned()),
        ("SESSION_SECRET", SECRET.to_owned()),
        ("BCRYPT_COST", cost.to_string()),
        ("LOG_LEVEL", "error".to_owned()),
        ("DIST_DIR", dist.display().to_string()),
        (
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("bench.db").display()
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let app = Application::build(Config::from_source(&env, dir.path()).unwrap())
        .await
        .unwrap();
    let state = app.state().clone();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let hasher = state.sessions.hasher();
    let hash = hasher
        .hash(&app::domain::Password::parse(PASSWORD).unwrap())
        .await
        .unwrap();
    app::db::users::create(
        &state.db,
        &app::domain::Email::parse(EMAIL).unwrap(),
        &app::domain::Name::parse("Bench").unwrap(),
        hash.clone(),
        app::domain::Role::Client,
    )
    .await
    .unwrap();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let sign_in = || {
        client
            .post(format!("{base}/api/auth/sign_in"))
            .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
            .send()
    };
    let response = sign_in().await.unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    // The baseline: a bare axum handler that verifies the same token, nothing else.
    let bare_port = spawn_bare_verifier(state.sessions.config().public_origin.clone()).await;
    let bare = format!("http://127.0.0.1:{bare_port}/verify");

    println!(
        "SMMM Portal benchmark (concurrency {CONCURRENCY}, {ROUNDS} interleaved rounds of {ROUND:?} per target, bcrypt cost {cost})"
    );
    // The three targets take turns in short rounds, so the machine's drift (it is shared)
    // weighs on each of them alike and the ratios stay meaningful.
    let targets = [
        (reqwest::Method::POST, bare.clone()),
        (reqwest::Method::POST, format!("{base}/api/auth/session")),
        (reqwest::Method::GET, format!("{base}/robots.txt")),
    ];
    let mut samples: Vec<(Vec<Duration>, usize)> = vec![(Vec::new(), 0); targets.len()];
    for (method, url) in &targets {
        run_for(&client, method, url, &cookie, Duration::from_millis(300)).await; // warm-up
    }
    for _ in 0..ROUNDS {
        for (i, (method, url)) in targets.iter().enumerate() {
            let (latencies, errors) = run_for(&client, method, url, &cookie, ROUND).await;
            samples[i].0.extend(latencies);
            samples[i].1 += errors;
        }
    }
    let mut results = samples
        .into_iter()
        .map(|(l, e)| LoadResult::from_samples(l, e));
    let (baseline, session, stat) = (
        results.next().unwrap(),
        results.next().unwrap(),
        results.next().unwrap(),
    );
    baseline.print("bare axum HS256 verify");
    session.print("POST /api/auth/session");
    stat.print("GET /robots.txt (static)");

    // Sign-in against one bcrypt verify at the same cost, alternating so drift hits both.
    let mut sign_in_times = Vec::new();
    let mut verify_times = Vec::new();
    for _ in 0..SIGN_INS {
        let started = Instant::now();
        let response = sign_in().await.unwrap();
        assert_eq!(response.status(), 200);
        sign_in_times.push(started.elapsed());
        let hash = hash.clone();
        let started = Instant::now();
        tokio::task::spawn_blocking(move || bcrypt::verify(PASSWORD, &hash).unwrap())
            .await
            .unwrap();
        verify_times.push(started.elapsed());
    }
    let sign_in_median = median(&mut sign_in_times);
    let verify_median = median(&mut verify_times);
    println!(
        "{:<28} median {:>8.1} ms",
        "POST /api/auth/sign_in",
        ms(sign_in_median)
    );
    println!(
        "{:<28} median {:>8.1} ms",
        "bcrypt::verify",
        ms(verify_median)
    );

    println!();
    println!(
        "session check / bare verify (rps): {:.2}x  (bar: >= 0.70x)",
        session.rps / baseline.rps
    );
    println!(
        "session check p99 / bare verify p99: {:.2}x",
        ms(session.p99) / ms(baseline.p99)
    );
    println!(
        "session check / static route (rps): {:.2}x",
        session.rps / stat.rps
    );
    println!(
        "sign-in / bcrypt verify (median): {:.3}x  (bar: <= 1.10x)",
        ms(sign_in_median) / ms(verify_median)
    );

    users_list(&state, &base, &hash).await;
}

/// The staff's user list with 10,000 users: first page, a deep page, a search, a filter.
async fn users_list(state: &app::state::AppState, base: &str, hash: &str) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let now = chrono::Utc::now();
    for chunk in 0..20 {
        let rows = (0..500).map(|i| {
            let n = chunk * 500 + i;
            app::db::entities::users::ActiveModel {
                email: Set(format!("user-{n:05}@example.com")),
                name: Set(format!("Müşteri {n:05}")),
                password_hash: Set(hash.to_owned()),
                role: Set(if n % 50 == 0 { "ADMIN" } else { "CLIENT" }.to_owned()),
                active: Set(n % 7 != 0),
                created_at: Set(now),
                updated_at: Set(now),
                password_changed_at: Set(now),
                version: Set(0),
                search_text: Set(app::db::users::search_text(
                    &format!("Müşteri {n:05}"),
                    &format!("user-{n:05}@example.com"),
                )),
                ..Default::default()
            }
        });
        app::db::entities::users::Entity::insert_many(rows)
            .exec(&state.db)
            .await
            .unwrap();
    }
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_in = admin
        .post(format!("{base}/api/auth/sign_in"))
        .json(&serde_json::json!({"email": "user-00050@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    println!();
    println!("user list with 10,000 users (median of 20 requests):");
    for (label, filter) in [
        ("first page", serde_json::json!({})),
        ("page 250", serde_json::json!({"page": 250})),
        (
            "search \"user-0999\"",
            serde_json::json!({"query": "user-0999"}),
        ),
        (
            "active clients, page 100",
            serde_json::json!({"role": "CLIENT", "active": true, "page": 100}),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let response = admin
                .post(format!("{base}/api/admin/users"))
                .json(&serde_json::json!({ "filter": filter }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        println!("  {label:<28} {:>7.2} ms", ms(median(&mut times)));
    }
}

struct LoadResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

impl LoadResult {
    fn print(&self, name: &str) {
        println!(
            "{name:<28} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   errors {}",
            self.rps,
            ms(self.p50),
            ms(self.p99),
            self.errors
        );
    }
}

impl LoadResult {
    fn from_samples(mut latencies: Vec<Duration>, errors: usize) -> Self {
        latencies.sort_unstable();
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        Self {
            rps: latencies.len() as f64 / (ROUND.as_secs_f64() * f64::from(ROUNDS)),
            p50: at(0.50),
            p99: at(0.99),
            errors,
        }
    }
}

/// `CONCURRENCY` workers hit `url` for `duration`; every request's latency and the errors.
async fn run_for(
    client: &reqwest::Client,
    method: &reqwest::Method,
    url: &str,
    cookie: &str,
    duration: Duration,
) -> (Vec<Duration>, usize) {
    let deadline = Instant::now() + duration;
    let workers = (0..CONCURRENCY).map(|_| {
        let (client, url, cookie, method) = (
            client.clone(),
            url.to_owned(),
            cookie.to_owned(),
            method.clone(),
        );
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let started = Instant::now();
                let ok = client
                    .request(method.clone(), &url)
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                latencies.push(started.elapsed());
                errors += usize::from(!ok);
            }
            (latencies, errors)
        })
    });
    let mut all = Vec::new();
    let mut errors = 0;
    for worker in futures::future::join_all(workers).await {
        let (latencies, e) = worker.unwrap();
        all.extend(latencies);
        errors += e;
    }
    (all, errors)
}

async fn spawn_bare_verifier(origin: String) -> u16 {
    let key = Arc::new(DecodingKey::from_secret(SECRET.as_bytes()).unwrap());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[&origin]);
    validation.set_audience(&[&origin]);
    let validation = Arc::new(validation);
    let router = Router::new().route(
        "/verify",
        post(move |headers: HeaderMap| {
            let key = key.clone();
            let validation = validation.clone();
            async move {
                let token = headers
                    .get("cookie")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|c| {
                        c.split(';')
                            .find_map(|p| p.trim().strip_prefix("smmm_session="))
                    })
                    .unwrap_or_default()
                    .to_owned();
                match jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation) {
                    Ok(data) => axum::Json(data.claims).into_response(),
                    Err(_) => (axum::http::StatusCode::UNAUTHORIZED, "").into_response(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    port
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
