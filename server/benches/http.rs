//! `make bench`, from outside: the server binary and a bare axum baseline, each in its own
//! process, loaded by `wrk -t2 -c32` (a third process), in interleaved rounds so the machine's
//! drift weighs on every target alike. The server runs as in production: request ids, the access
//! log (JSON, to a file), metrics on.
//!
//! 1. The session check, `POST /api/auth/session` with a valid cookie, against a bare axum
//!    handler verifying the same HS256 token (bar: >= 0.70x).
//! 2. A refused call, `POST /api/me` with no cookie (401), against a bare axum static JSON route
//!    (bar: >= 0.70x).
//! 3. A sign-in storm: 16 loops of correct sign-ins for 10 s (bcrypt cost 10) while session
//!    checks arrive at a fixed 5,000/s from this process (bar: their p99 under 5 ms, against the
//!    same rate with no storm; every sign-in 200 within 2 s).
//!
//! Run with `cargo bench -p server --bench http` (release build; needs `wrk`).

#![expect(clippy::unwrap_used)]

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    http::HeaderMap,
    response::IntoResponse,
    routing::{get, post},
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

const SECRET: &str = "bench-secret-0123456789-abcdefghijklmnop";
const ORIGIN: &str = "http://127.0.0.1:8080";
const ROUNDS: usize = 5;
const ROUND_SECS: u32 = 2;
/// Set in the environment of the copy of this program that serves the baseline.
const BARE_ROLE: &str = "SMMM_BENCH_BARE_PORT";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    match std::env::var(BARE_ROLE) {
        Ok(port) => runtime.block_on(serve_bare(port.parse().unwrap())),
        Err(_) => runtime.block_on(run()),
    }
}

struct Process(Child);

impl Drop for Process {
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

async fn wait_for(url: &str) {
    let started = Instant::now();
    while reqwest::get(url).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{url} never answered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn run() {
    assert!(
        Command::new("wrk").arg("--version").output().is_ok(),
        "wrk is needed (Debian: apt-get install wrk)"
    );
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>",
    )
    .unwrap();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Process(
        Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PORT", port.to_string())
            .env("PUBLIC_URL", ORIGIN)
            .env("SESSION_SECRET", SECRET)
            .env("BCRYPT_COST", "10")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
            )
            .env("DIST_DIR", &dist)
            .env("DATA_DIR", dir.path())
            // As in production: an access line per request (to a file), metrics on.
            .env("LOG_FORMAT", "json")
            .env("LOG_LEVEL", "info")
            .env("METRICS_BIND", format!("127.0.0.1:{}", free_port()))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let bare_port = free_port();
    let _bare = Process(
        Command::new(std::env::current_exe().unwrap())
            .env(BARE_ROLE, bare_port.to_string())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let bare = format!("http://127.0.0.1:{bare_port}");
    wait_for(&format!("{base}/livez")).await;
    wait_for(&format!("{bare}/static")).await;

    // A development server seeds the demo accounts: sign in as the demo client.
    let (email, _, password, _) = server::seed::DEMO_ACCOUNTS[1];
    let signed_in = reqwest::Client::new()
        .post(format!("{base}/api/auth/sign_in"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    // The token lives SESSION_TOKEN_TTL_SECS (300 s): the run stays well inside it.

    let post = dir.path().join("post.lua");
    std::fs::write(&post, "wrk.method = \"POST\"\n").unwrap();
    let targets = [
        Target::new(
            "POST /api/auth/session (cookie)",
            &format!("{base}/api/auth/session"),
            Some(&cookie),
            true,
            200,
        ),
        Target::new(
            "bare axum HS256 verify",
            &format!("{bare}/verify"),
            Some(&cookie),
            true,
            200,
        ),
        Target::new(
            "POST /api/me, no cookie (401)",
            &format!("{base}/api/me"),
            None,
            true,
            401,
        ),
        Target::new(
            "bare axum static JSON route",
            &format!("{bare}/static"),
            None,
            false,
            200,
        ),
    ];
    println!(
        "SMMM Portal from outside: wrk -t2 -c32, {ROUNDS} interleaved rounds of {ROUND_SECS} s per target"
    );
    for target in &targets {
        target.check().await;
        target.wrk(&post, 1); // warm-up
    }
    let mut results = vec![Measured::default(); targets.len()];
    for _ in 0..ROUNDS {
        for (target, result) in targets.iter().zip(&mut results) {
            result.add(target.wrk(&post, ROUND_SECS));
        }
    }
    for (target, result) in targets.iter().zip(&results) {
        println!(
            "  {:<34} {:>9.0} req/s   p99 {:>6.2} ms   non-2xx/3xx {}",
            target.name,
            result.rps(),
            result.p99_ms(),
            result.non_success
        );
    }
    println!();
    println!(
        "session check / bare verify (req/s): {:.2}x  (bar: >= 0.70x)",
        results[0].rps() / results[1].rps()
    );
    println!(
        "refused call / bare static route (req/s): {:.2}x  (bar: >= 0.70x)",
        results[2].rps() / results[3].rps()
    );

    storm(&base, &cookie, email, password).await;
}

const STORM_LOOPS: usize = 16;
const STORM: Duration = Duration::from_secs(10);
const CHECKS_PER_SEC: u32 = 5_000;

/// Session checks at a fixed rate, alone and during a storm of correct sign-ins.
async fn storm(base: &str, cookie: &str, email: &str, password: &str) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let check = format!("{base}/api/auth/session");
    let quiet = fixed_rate(&client, &check, cookie, Duration::from_secs(5)).await;

    let end = Instant::now() + STORM;
    let loops: Vec<_> = (0..STORM_LOOPS)
        .map(|_| {
            let (client, url) = (reqwest::Client::new(), format!("{base}/api/auth/sign_in"));
            let body = serde_json::json!({"email": email, "password": password});
            tokio::spawn(async move {
                let mut sign_ins = Vec::new();
                while Instant::now() < end {
                    let started = Instant::now();
                    let status = client.post(&url).json(&body).send().await.unwrap().status();
                    sign_ins.push((started.elapsed(), status.as_u16()));
                }
                sign_ins
            })
        })
        .collect();
    let during = fixed_rate(&client, &check, cookie, STORM - Duration::from_secs(1)).await;
    let mut sign_ins = Vec::new();
    for one in futures::future::join_all(loops).await {
        sign_ins.extend(one.unwrap());
    }
    let refused = sign_ins.iter().filter(|(_, status)| *status != 200).count();
    let mut times: Vec<Duration> = sign_ins.iter().map(|(took, _)| *took).collect();
    times.sort();
    println!();
    println!(
        "sign-in storm: {STORM_LOOPS} loops of correct sign-ins for {} s; session checks at {CHECKS_PER_SEC}/s",
        STORM.as_secs()
    );
    quiet.print("session checks, no storm");
    during.print("session checks, during the storm");
    println!(
        "  sign-ins: {} in all, {refused} not 200 (bar: 0); median {:.0} ms, max {:.0} ms (bar: <= 2000 ms)",
        sign_ins.len(),
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
    );
    println!(
        "  p99 during / no storm: {:.2}x  (bar: p99 during < 5 ms)",
        during.p99_ms() / quiet.p99_ms()
    );
}

struct Checks {
    latencies: Vec<Duration>,
    failed: usize,
    late_ticks: u64,
}

impl Checks {
    fn p99_ms(&self) -> f64 {
        let at = ((self.latencies.len() as f64) * 0.99) as usize;
        self.latencies[at.min(self.latencies.len() - 1)].as_secs_f64() * 1000.0
    }

    fn print(&self, what: &str) {
        let p50 = self.latencies[self.latencies.len() / 2].as_secs_f64() * 1000.0;
        println!(
            "  {what:<34} {} sent, p50 {p50:.2} ms, p99 {:.2} ms, failed {}, generator behind on {} ticks",
            self.latencies.len(),
            self.p99_ms(),
            self.failed,
            self.late_ticks
        );
    }
}

/// `CHECKS_PER_SEC` session checks a second for `duration`, each timed from when it was due
/// (a late generator counts against the server's latency, not in its favour).
async fn fixed_rate(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
    duration: Duration,
) -> Checks {
    const PER_TICK: u32 = CHECKS_PER_SEC / 1000;
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut pending = Vec::new();
    let mut late_ticks = 0;
    let mut n: u64 = 0;
    while started.elapsed() < duration {
        tick.tick().await;
        let due = started + Duration::from_millis(n);
        n += 1;
        late_ticks += u64::from(due.elapsed() > Duration::from_millis(1));
        for _ in 0..PER_TICK {
            let request = client.post(url).header("cookie", cookie).send();
            pending.push(tokio::spawn(async move {
                let ok = request.await.is_ok_and(|r| r.status() == 200);
                (due.elapsed(), ok)
            }));
        }
    }
    let mut latencies = Vec::with_capacity(pending.len());
    let mut failed = 0;
    for one in futures::future::join_all(pending).await {
        let (took, ok) = one.unwrap();
        latencies.push(took);
        failed += usize::from(!ok);
    }
    latencies.sort();
    Checks {
        latencies,
        failed,
        late_ticks,
    }
}

struct Target {
    name: &'static str,
    url: String,
    cookie: Option<String>,
    post: bool,
    status: u16,
}

impl Target {
    fn new(name: &'static str, url: &str, cookie: Option<&str>, post: bool, status: u16) -> Self {
        Self {
            name,
            url: url.to_owned(),
            cookie: cookie.map(str::to_owned),
            post,
            status,
        }
    }

    /// One request first: the target answers what it should.
    async fn check(&self) {
        let client = reqwest::Client::new();
        let mut request = if self.post {
            client.post(&self.url)
        } else {
            client.get(&self.url)
        };
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let status = request.send().await.unwrap().status();
        assert_eq!(status.as_u16(), self.status, "{}", self.name);
    }

    fn wrk(&self, post: &Path, secs: u32) -> Round {
        let mut command = Command::new("wrk");
        command.args(["-t2", "-c32", "--latency", &format!("-d{secs}s")]);
        if self.post {
            command.arg("-s").arg(post);
        }
        if let Some(cookie) = &self.cookie {
            command.args(["-H", &format!("Cookie: {cookie}")]);
        }
        let output = command.arg(&self.url).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        Round::parse(&text, self.status != 200)
    }
}

/// What one wrk run printed.
struct Round {
    requests: f64,
    seconds: f64,
    p99_ms: f64,
    non_success: u64,
}

impl Round {
    fn parse(text: &str, refusals_expected: bool) -> Self {
        let field = |prefix: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .map(|rest| rest.trim().to_owned())
        };
        // "  123456 requests in 2.00s, 45.67MB read"
        let summary = text
            .lines()
            .find(|l| l.contains(" requests in "))
            .unwrap_or_else(|| panic!("wrk printed no summary:\n{text}"));
        let mut words = summary.split_whitespace();
        let requests: f64 = words.next().unwrap().parse().unwrap();
        let seconds: f64 = words
            .nth(2)
            .unwrap()
            .trim_end_matches(',')
            .trim_end_matches('s')
            .parse()
            .unwrap();
        let p99_ms = field("99%").map_or(0.0, |v| to_ms(&v));
        let non_success = field("Non-2xx or 3xx responses:").map_or(0, |v| v.parse().unwrap());
        if !refusals_expected {
            assert_eq!(non_success, 0, "errors in:\n{text}");
        }
        Self {
            requests,
            seconds,
            p99_ms,
            non_success,
        }
    }
}

fn to_ms(value: &str) -> f64 {
    let (number, unit) = value.split_at(value.find(|c: char| c.is_ascii_alphabetic()).unwrap());
    let number: f64 = number.parse().unwrap();
    match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        other => panic!("unknown unit {other}"),
    }
}

#[derive(Clone, Default)]
struct Measured {
    requests: f64,
    seconds: f64,
    p99s: Vec<f64>,
    non_success: u64,
}

impl Measured {
    fn add(&mut self, round: Round) {
        self.requests += round.requests;
        self.seconds += round.seconds;
        self.p99s.push(round.p99_ms);
        self.non_success += round.non_success;
    }

    fn rps(&self) -> f64 {
        self.requests / self.seconds
    }

    /// The median of the rounds' p99s.
    fn p99_ms(&self) -> f64 {
        let mut p99s = self.p99s.clone();
        p99s.sort_by(f64::total_cmp);
        p99s[p99s.len() / 2]
    }
}

/// The baseline, in a process of its own: a handler that verifies the session token as the
/// server's would (HS256, issuer, audience), and a static JSON route.
async fn serve_bare(port: u16) {
    let key = Arc::new(DecodingKey::from_secret(SECRET.as_bytes()).unwrap());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ORIGIN]);
    validation.set_audience(&[ORIGIN]);
    let validation = Arc::new(validation);
    let router = Router::new()
        .route(
            "/verify",
            post(move |headers: HeaderMap| {
                let (key, validation) = (key.clone(), validation.clone());
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
        )
        .route(
            "/static",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    axum::serve(listener, router).await.unwrap();
}
