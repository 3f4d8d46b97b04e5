//! `make bench`: the session layer against its baselines, measured in one run on this machine.
//!
//! 1. One sign-in against one raw bcrypt verify at the same cost.
//! 2. The staff's user list with 10,000 users.
//!
//! The session check and the refused call are measured from outside, by `wrk`, against bare
//! axum baselines in processes of their own: `benches/http.rs`.
//!
//! Absolute numbers depend on the machine and what else runs on it; the ratios are the result.
//! Run with `cargo bench -p server --bench session` (release build).

#![expect(clippy::unwrap_used)]

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use server::{Application, Config};

const SECRET: &str = "bench-secret-0123456789-abcdefghijklmnop";
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Password-2026";
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

    let client = reqwest::Client::new();
    let sign_in = || {
        client
            .post(format!("{base}/api/auth/sign_in"))
            .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
            .send()
    };
    println!("SMMM Portal benchmark (in one process, SQLite, bcrypt cost {cost})");

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

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
