//! Two server processes on one PostgreSQL behind a real nginx, configured by the very file
//! operators use (`deploy/nginx.conf`). PostgreSQL runs only: SQLite is for one instance.

use std::{
    net::{IpAddr, Ipv4Addr},
    path::Path,
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use app::{db::entities::auth_events, domain::Role};
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::events::{EventStream, Read};
use crate::helpers::*;

const SECRET: &str = "fleet-secret-0123456789-abcdefghijklmnop";

struct Instance {
    process: Process,
    port: u16,
}

struct Fleet {
    /// Logs and files of the instances and nginx; kept until the end of the test.
    _dir: tempfile::TempDir,
    schema: String,
    instances: Vec<Instance>,
    _nginx: Process,
    nginx_port: u16,
}

impl Fleet {
    /// Two instances and nginx in front of them, on a schema of their own.
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), APP_SHELL_HTML).unwrap();
        let schema = unique("fleet");
        let nginx_port = free_port();
        let instances: Vec<Instance> = (0..2)
            .map(|_| start_instance(dir.path(), &schema, nginx_port, free_port(), &[]))
            .collect();
        for instance in &instances {
            wait_until_ready(&format!("http://127.0.0.1:{}/healthz", instance.port)).await;
        }
        let nginx = start_nginx(dir.path(), nginx_port, &instances);
        wait_until_ready(&format!("http://127.0.0.1:{nginx_port}/healthz")).await;
        Self {
            _dir: dir,
            schema,
            instances,
            _nginx: nginx,
            nginx_port,
        }
    }

    /// Stops instance `i` as a deploy does (SIGTERM, then it drains and exits) and starts it
    /// again on the same port with `settings`.
    async fn restart(&mut self, i: usize, settings: &[(&str, &str)]) {
        let port = self.instances[i].port;
        self.instances[i].process.terminate();
        let exited = self.instances[i].process.0.wait().unwrap();
        assert!(
            exited.success(),
            "instance {i} drained and exited: {exited}"
        );
        self.instances[i] = start_instance(
            self._dir.path(),
            &self.schema,
            self.nginx_port,
            port,
            settings,
        );
        wait_until_ready(&self.straight_to(i, "/healthz")).await;
    }

    /// A browser signed in as `user` through nginx, and its session token.
    async fn signed_in(&self, user: &TestUser) -> (Client, String) {
        let client = browser();
        let url = self.through_nginx("/api/auth/sign_in");
        let response = sign_in(&client, url, &user.email, &user.password).await;
        assert_eq!(response.status(), StatusCode::OK);
        let token = session_token(response.headers()).unwrap();
        (client, token)
    }

    /// Signs the session of `token` out straight at instance `i`.
    async fn sign_out_at(&self, i: usize, token: &str) -> StatusCode {
        Client::new()
            .post(self.straight_to(i, "/api/auth/sign_out"))
            .header(reqwest::header::COOKIE, format!("smmm_session={token}"))
            .send()
            .await
            .unwrap()
            .status()
    }

    fn through_nginx(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.nginx_port)
    }

    fn straight_to(&self, instance: usize, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.instances[instance].port)
    }

    async fn db(&self) -> sea_orm::DatabaseConnection {
        let mut options = app::db::DbOptions::new(pg_url());
        options.schema = Some(self.schema.clone());
        app::db::connect(&options).await.unwrap()
    }

    async fn create_user(&self) -> TestUser {
        let hash = bcrypt::hash(PASSWORD, 4).unwrap();
        insert_user(&self.db().await, Role::Client, PASSWORD, hash).await
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.instances.clear();
        let _ = Command::new("psql")
            .args([
                pg_url().as_str(),
                "-qc",
                &format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema),
            ])
            .output();
    }
}

fn start_instance(
    dir: &Path,
    schema: &str,
    nginx_port: u16,
    port: u16,
    settings: &[(&str, &str)],
) -> Instance {
    let data = dir.join(format!("data-{port}"));
    let log = std::fs::File::create(dir.join(format!("instance-{port}.log"))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("DATABASE_URL", pg_url())
        .env("DATABASE_SCHEMA", schema)
        .env("PORT", port.to_string())
        .env("PUBLIC_URL", format!("http://127.0.0.1:{nginx_port}"))
        .env("SESSION_SECRET", SECRET)
        .env("TRUSTED_PROXY_HOPS", "1")
        // A short drain: the restarts below would otherwise wait 5 s each.
        .env("SHUTDOWN_DRAIN_SECS", "1")
        .env("BCRYPT_COST", "4")
        .env("LOG_LEVEL", "warn")
        .env("DATA_DIR", &data)
        .env("DIST_DIR", dir.join("dist"))
        .envs(settings.iter().copied())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    Instance {
        process: Process(child),
        port,
    }
}

/// nginx with `deploy/nginx.conf`, its ports replaced by the test's, in a main config that keeps
/// every file it writes inside `dir`.
fn start_nginx(dir: &Path, port: u16, instances: &[Instance]) -> Process {
    let deploy =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf"))
            .unwrap();
    let site = deploy
        .replace(
            "127.0.0.1:3001",
            &format!("127.0.0.1:{}", instances[0].port),
        )
        .replace(
            "127.0.0.1:3002",
            &format!("127.0.0.1:{}", instances[1].port),
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    assert_ne!(
        site, deploy,
        "the deploy file still has the ports the test replaces"
    );
    let root = dir.join("nginx");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("site.conf"), site).unwrap();
    let r = root.display();
    // As root, nginx's workers would switch to an unprivileged user that cannot reach `dir`.
    let user = if running_as_root() { "user root;" } else { "" };
    std::fs::write(
        root.join("nginx.conf"),
        format!(
            "{user}\ndaemon off;\nworker_processes 1;\npid {r}/nginx.pid;\n\
             error_log {r}/error.log warn;\nevents {{ worker_connections 512; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {r}/body;\n\
             proxy_temp_path {r}/proxy;\n  fastcgi_temp_path {r}/fastcgi;\n\
             uwsgi_temp_path {r}/uwsgi;\n  scgi_temp_path {r}/scgi;\n\
             include {r}/site.conf;\n}}\n"
        ),
    )
    .unwrap();
    let nginx = ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .find(|n| Command::new(n).arg("-v").output().is_ok())
        .expect("nginx is installed (scripts/install-tools.sh test)");
    let child = Command::new(nginx)
        .args(["-p", &r.to_string(), "-c", &format!("{r}/nginx.conf")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Process(child)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sign_in(client: &Client, url: String, email: &str, password: &str) -> reqwest::Response {
    client
        .post(url)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn me_status(url: String, token: &str) -> StatusCode {
    Client::new()
        .post(url)
        .header(reqwest::header::COOKIE, format!("smmm_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

/// Browsers sending requests through nginx until stopped (at most 60 s), counting the answers
/// that were not a signed-in 200.
struct Traffic {
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Traffic {
    /// One loop per browser, each `POST url` with its own cookies, `pause` apart.
    fn start(browsers: Vec<Client>, url: String, pause: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks = browsers
            .into_iter()
            .map(|client| {
                let (stop, sent, failed) = (stop.clone(), sent.clone(), failed.clone());
                let url = url.clone();
                tokio::spawn(async move {
                    let deadline = Instant::now() + Duration::from_secs(60);
                    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                        let answer = client.post(&url).send().await;
                        sent.fetch_add(1, Ordering::Relaxed);
                        let ok = match answer {
                            Ok(r) if r.status() == StatusCode::OK => r
                                .json::<serde_json::Value>()
                                .await
                                .is_ok_and(|b| b["id"].is_number() || b["user"].is_object()),
                            _ => false,
                        };
                        if !ok {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                        tokio::time::sleep(pause).await;
                    }
                })
            })
            .collect();
        Self {
            stop,
            sent,
            failed,
            tasks,
        }
    }

    fn sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed)
    }

    /// Stops every loop; answers (sent, failed).
    async fn stop(self) -> (usize, usize) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.unwrap();
        }
        (
            self.sent.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }
}

#[tokio::test]
async fn behind_nginx_two_instances_are_as_strict_as_one() {
    if !use_postgres() {
        return; // More than one instance means PostgreSQL.
    }
    let fleet = Fleet::start().await;
    let user = fleet.create_user().await;

    // Sign in through nginx; the session works on both instances.
    let (_, token) = fleet.signed_in(&user).await;
    for instance in 0..2 {
        assert_eq!(
            me_status(fleet.straight_to(instance, "/api/me"), &token).await,
            StatusCode::OK
        );
    }

    // Revoked on instance 0: instance 1, asked straight, refuses it at once.
    assert_eq!(fleet.sign_out_at(0, &token).await, StatusCode::OK);
    let started = Instant::now();
    while me_status(fleet.straight_to(1, "/api/me"), &token).await == StatusCode::OK {
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "still accepted"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // Six wrong passwords through nginx, which alternates between the instances: the sixth is
    // refused, as on one instance.
    let guesser = browser();
    for _ in 0..5 {
        let response = sign_in(
            &guesser,
            fleet.through_nginx("/api/auth/sign_in"),
            &user.email,
            "guess-guess-1",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = sign_in(
        &guesser,
        fleet.through_nginx("/api/auth/sign_in"),
        &user.email,
        "guess-guess-1",
    )
    .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    // The audit log has the address nginx saw (this client binds 127.0.0.2), not the one the
    // client wrote into X-Forwarded-For, nor nginx's own.
    let other = Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap();
    let response = other
        .post(fleet.through_nginx("/api/auth/sign_in"))
        .header("x-forwarded-for", "6.6.6.6")
        .json(&json!({"email": "nobody@example.com", "password": "guess-guess-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let event = auth_events::Entity::find()
        .filter(auth_events::Column::AttemptedEmail.eq("nobody@example.com"))
        .order_by_desc(auth_events::Column::Id)
        .one(&fleet.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.client_addr.as_deref(), Some("127.0.0.2"));
}

#[tokio::test]
async fn sigterm_to_one_instance_fails_no_request_flowing_through_nginx() {
    if !use_postgres() {
        return; // More than one instance means PostgreSQL.
    }
    let fleet = Fleet::start().await;
    let user = fleet.create_user().await;
    let mut browsers = Vec::new();
    for _ in 0..4 {
        browsers.push(fleet.signed_in(&user).await.0);
    }
    let traffic = Traffic::start(
        browsers,
        fleet.through_nginx("/api/auth/session"),
        Duration::ZERO,
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = traffic.sent();
    fleet.instances[1].process.terminate();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (sent, failed) = traffic.stop().await;
    assert!(
        before > 20 && sent > before + 20,
        "requests flowed: {before} then {sent}"
    );
    assert_eq!(failed, 0, "{failed} of {sent} requests failed");
    let mut stopped = fleet;
    let exit = stopped.instances[1].process.0.try_wait().unwrap();
    assert!(
        exit.is_some_and(|e| e.success()),
        "the instance drained and exited: {exit:?}"
    );
}

#[tokio::test]
async fn the_secret_rotates_behind_nginx_with_no_request_refused() {
    if !use_postgres() {
        return; // More than one instance means PostgreSQL.
    }
    const NEW: &str = "fleet-next-secret-0123456789-abcdefghijk";
    let ttl = ("SESSION_TOKEN_TTL_SECS", "1");
    let mut fleet = Fleet::start().await;
    fleet.restart(0, &[ttl]).await;
    fleet.restart(1, &[ttl]).await;
    let user = fleet.create_user().await;

    // Two people keep working through nginx the whole time; their tokens expire every second
    // and are renewed by whichever instance answers, with whichever key it signs with.
    let people = vec![
        fleet.signed_in(&user).await.0,
        fleet.signed_in(&user).await.0,
    ];
    let traffic = Traffic::start(
        people,
        fleet.through_nginx("/api/me"),
        Duration::from_millis(20),
    );

    // 1. Every instance learns the next key; 2. every instance signs with it; 3. the old key
    //    goes (here after a few token lifetimes: every live token has been renewed by then).
    let steps: [&[(&str, &str)]; 3] = [
        &[ttl, ("SESSION_SECRET_NEXT", NEW)],
        &[
            ttl,
            ("SESSION_SECRET", NEW),
            ("SESSION_SECRET_PREVIOUS", SECRET),
        ],
        &[ttl, ("SESSION_SECRET", NEW)],
    ];
    for settings in steps {
        for i in 0..2 {
            fleet.restart(i, settings).await;
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
    }
    let (sent, failures) = traffic.stop().await;
    assert!(sent > 100, "requests flowed: {sent}");
    assert_eq!(
        failures, 0,
        "{failures} of {sent} requests refused or failed"
    );
}

#[tokio::test]
async fn behind_nginx_a_sign_out_on_one_instance_ends_the_streams_held_on_both() {
    if !use_postgres() {
        return; // More than one instance means PostgreSQL.
    }
    let mut fleet = Fleet::start().await;
    let user = fleet.create_user().await;
    let (_, token) = fleet.signed_in(&user).await;
    // Through nginx (as browsers hold them) and straight to instance 1.
    let mut streams = Vec::new();
    for base in [
        fleet.through_nginx(""),
        fleet.through_nginx(""),
        fleet.straight_to(1, ""),
    ] {
        streams.push(EventStream::open(&base, &token).await.unwrap());
    }
    assert_eq!(fleet.sign_out_at(0, &token).await, StatusCode::OK);
    for stream in &mut streams {
        stream.expect_end("revoked", Duration::from_secs(3)).await;
    }

    // A stopping instance closes the streams it holds (they would keep a graceful shutdown
    // waiting forever); the browser reconnects elsewhere.
    let (_, other) = fleet.signed_in(&user).await;
    let mut held = EventStream::open(&fleet.straight_to(0, ""), &other)
        .await
        .unwrap();
    fleet.restart(0, &[]).await;
    assert_eq!(held.next(Duration::from_secs(2)).await, Read::Closed);
    assert!(
        held.heartbeats >= 1,
        "the last word asks the browser to reconnect"
    );
    EventStream::open(&fleet.through_nginx(""), &other)
        .await
        .unwrap();
}
