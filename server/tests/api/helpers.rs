//! The test harness: the real server on port 0 with a fresh database (SQLite by default,
//! PostgreSQL with `TEST_DATABASE=postgres`), and `TestClient`: a browser with a cookie jar of
//! its own, the one way tests talk to that server.

use std::collections::HashMap;

use app::{
    db,
    domain::Role,
    domain::{Email, Name, Password},
    state::AppState,
};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use server::{Application, Config};

pub const TEST_SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";
/// The PostgreSQL database the tests use: `TEST_PG_URL` (set by `make test` when it starts a
/// throwaway cluster), else the one this machine runs.
pub fn pg_url() -> String {
    std::env::var("TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// `pg_url()` with another database name.
pub fn pg_url_of(database: &str) -> String {
    let url = pg_url();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}
pub const PASSWORD: &str = "correct-horse-battery";
/// A file named like Trunk's hashed output, large enough to be compressed.
pub const HASHED_ASSET: &str = "/app-0123456789abcdef.js";
/// The two HTML shells a Trunk build writes, each with its inline loader script.
pub const APP_SHELL_HTML: &str =
    "<!doctype html><title>SMMM Portal</title><script type=\"module\">load('app')</script>";
pub const SIGNIN_SHELL_HTML: &str = "<!doctype html><title>Sign in · SMMM Portal</title>\
     <form id=\"signin-form\"></form><p class=\"form-foot\"><a id=\"forgot-link\" \
     href=\"/auth/forgot\">Forgot your password?</a></p>\
     <script type=\"module\">load('signin')</script>";

/// Which engine this run tests against.
pub fn use_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

pub fn unique(prefix: &str) -> String {
    use rand::Rng;
    format!("{prefix}_{:016x}", rand::rng().random::<u64>())
}

#[derive(Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub password: String,
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
    pg_schema: Option<String>,
}

pub struct Builder {
    env: HashMap<String, String>,
}

impl Builder {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    pub async fn spawn(mut self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).expect("dist dir");
        std::fs::write(dist.join("index.html"), APP_SHELL_HTML).expect("index.html");
        std::fs::create_dir_all(dist.join("signin")).expect("dist/signin");
        std::fs::write(dist.join("signin/index.html"), SIGNIN_SHELL_HTML)
            .expect("signin/index.html");
        std::fs::write(
            dist.join(&HASHED_ASSET[1..]),
            "console.log('portal');\n".repeat(400),
        )
        .expect("asset");
        std::fs::write(dist.join("robots.txt"), "User-agent: *\nDisallow: /api/\n")
            .expect("robots.txt");
        let mut pg_schema = None;
        if !self.env.contains_key("DATABASE_URL") {
            if use_postgres() {
                let schema = unique("t");
                self.env.insert("DATABASE_URL".into(), pg_url());
                self.env.insert("DATABASE_SCHEMA".into(), schema.clone());
                pg_schema = Some(schema);
            } else {
                let file = dir.path().join("test.db");
                self.env.insert(
                    "DATABASE_URL".into(),
                    format!("sqlite://{}?mode=rwc", file.display()),
                );
            }
        }
        self.env
            .entry("DIST_DIR".into())
            .or_insert(dist.display().to_string());
        let config =
            Config::from_source(&self.env, dir.path()).expect("test configuration is valid");
        let app = Application::build(config)
            .await
            .expect("the server starts (is PostgreSQL running at TEST_PG_URL or 127.0.0.1:5432?)");
        let port = app.port();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            state,
            _dir: dir,
            pg_schema,
        }
    }
}

impl TestApp {
    pub fn builder() -> Builder {
        let env = [
            ("PORT", "0"),
            ("BIND", "127.0.0.1"),
            ("SESSION_SECRET", TEST_SECRET),
            ("BCRYPT_COST", "4"),
            ("LOG_LEVEL", "warn"),
        ];
        Builder {
            env: env
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        }
    }

    pub async fn spawn() -> Self {
        Self::builder().spawn().await
    }

    /// The PostgreSQL schema this app's tables are in (None on SQLite).
    pub fn pg_schema(&self) -> Option<&str> {
        self.pg_schema.as_deref()
    }

    /// A browser with an empty cookie jar.
    pub fn client(&self) -> TestClient {
        TestClient {
            http: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            base: self.base.clone(),
            user: None,
        }
    }

    /// A browser signed in as `user` (asserted).
    pub async fn client_signed_in(&self, user: &TestUser) -> TestClient {
        let mut client = self.client();
        client.sign_in(user).await;
        client.user = Some(user.clone());
        client
    }

    /// A browser signed in as a new user of `role`; `.user()` is that user.
    pub async fn signed_in_as(&self, role: Role) -> TestClient {
        let user = self.create_user(role).await;
        self.client_signed_in(&user).await
    }

    pub async fn create_user(&self, role: Role) -> TestUser {
        self.create_user_with_password(role, PASSWORD).await
    }

    /// A new user of `role` whose password, hashed as the server hashes it, is `password`.
    pub async fn create_user_with_password(&self, role: Role, password: &str) -> TestUser {
        let hash = self
            .state
            .sessions
            .hasher()
            .hash(&Password::parse(password).unwrap())
            .await
            .unwrap();
        insert_user(&self.state.db, role, password, hash).await
    }

    /// POSTs `path` with no body and exactly this session cookie, from a client with no jar.
    pub async fn post_with_token(&self, path: &str, token: &str) -> Response {
        Client::new()
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, format!("smmm_session={token}"))
            .send()
            .await
            .unwrap()
    }

    /// The status `/api/me` answers for exactly this token.
    pub async fn me_status(&self, token: &str) -> StatusCode {
        self.post_with_token("/api/me", token).await.status()
    }
}

/// A browser talking to one `TestApp`: its own cookie jar, redirects not followed.
pub struct TestClient {
    http: Client,
    base: String,
    user: Option<TestUser>,
}

impl TestClient {
    /// The user this client was signed in as by `TestApp::client_signed_in` or `signed_in_as`.
    pub fn user(&self) -> &TestUser {
        self.user.as_ref().expect("a client made signed in")
    }

    /// A request to `path` to finish by hand: extra headers, a raw body, another method.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs `body` as JSON.
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs with no body at all.
    pub async fn post_empty(&self, path: &str) -> Response {
        self.request(Method::POST, path)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs `body` as JSON and answers the status and the JSON body (`null` when there is none).
    pub async fn call(&self, path: &str, body: Value) -> (StatusCode, Value) {
        status_and_json(self.post(path, body).await).await
    }

    /// The names on the staff's user list for `filter` (its first page), in its order.
    pub async fn listed_names(&self, filter: Value) -> Vec<String> {
        let (status, page) = self
            .call("/api/admin/users", serde_json::json!({ "filter": filter }))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"]
            .as_array()
            .expect("a page of users")
            .iter()
            .map(|u| u["name"].as_str().expect("a name").to_owned())
            .collect()
    }

    /// The status and body of `/api/auth/session`.
    pub async fn session(&self) -> (StatusCode, Value) {
        status_and_json(self.post_empty("/api/auth/session").await).await
    }

    /// The status `/api/me` answers for this client's cookies.
    pub async fn me_status(&self) -> StatusCode {
        self.post_empty("/api/me").await.status()
    }

    pub async fn sign_in_with(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/auth/sign_in",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs `user` in, asserts it worked, and answers the session token its cookie carries.
    pub async fn sign_in(&self, user: &TestUser) -> String {
        let response = self.sign_in_with(&user.email, &user.password).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "sign-in of {}",
            user.email
        );
        session_token(response.headers()).expect("a session cookie")
    }
}

async fn status_and_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Each PostgreSQL run has a schema of its own; drop it so runs leave nothing behind.
        if let Some(schema) = self.pg_schema.take() {
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    use sea_orm::ConnectionTrait;
                    if let Ok(db) = sea_orm::Database::connect(pg_url()).await {
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The raw `Set-Cookie` values of a response.
pub fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// The session token from a response's `Set-Cookie`.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    set_cookies(headers).into_iter().find_map(|c| {
        let (pair, _) = c.split_once(';').unwrap_or((&c, ""));
        let (name, value) = pair.split_once('=')?;
        (name.ends_with("smmm_session") && !value.is_empty()).then(|| value.to_owned())
    })
}

/// The session id inside a token (the JWT's `sid` claim).
pub fn sid_of(token: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].as_str().unwrap().to_owned()
}

pub async fn set_active(app: &TestApp, user_id: i64, active: bool) {
    use app::db::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    users::ActiveModel {
        id: Set(user_id),
        active: Set(active),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
}

pub async fn count_events(app: &TestApp, kind: &str) -> u64 {
    use app::db::entities::auth_events;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    auth_events::Entity::find()
        .filter(auth_events::Column::Kind.eq(kind))
        .count(&app.state.db)
        .await
        .unwrap()
}

impl TestApp {
    /// Another instance on this one's database (and PostgreSQL schema).
    pub async fn second_instance(&self) -> TestApp {
        self.instance_with(&[]).await
    }

    /// Another instance on this one's database, with these settings besides.
    pub async fn instance_with(&self, env: &[(&str, &str)]) -> TestApp {
        let (url, schema) = first_database_url(self);
        let mut builder = TestApp::builder().env("DATABASE_URL", &url);
        for (key, value) in env {
            builder = builder.env(key, value);
        }
        if let Some(schema) = &schema {
            builder = builder.env("DATABASE_SCHEMA", schema);
        }
        builder.spawn().await
    }
}

/// A new user of `role` whose password is `password`, stored as `hash` (made by whatever the
/// test needs: the server's hasher, or bcrypt alone as an older server did).
pub async fn insert_user(
    db: &sea_orm::DatabaseConnection,
    role: Role,
    password: &str,
    hash: String,
) -> TestUser {
    let email = format!("{}@example.com", unique(role.as_str()).to_lowercase());
    let user = db::users::create(
        db,
        &Email::parse(&email).unwrap(),
        &Name::parse("Test Person").unwrap(),
        hash,
        role,
    )
    .await
    .unwrap();
    TestUser {
        id: user.id,
        email,
        password: password.into(),
    }
}

/// The database URL (and PostgreSQL schema) `app` runs on, for a second instance to share.
fn first_database_url(app: &TestApp) -> (String, Option<String>) {
    match &app.pg_schema {
        Some(schema) => (pg_url(), Some(schema.clone())),
        None => (
            format!(
                "sqlite://{}?mode=rwc",
                app._dir.path().join("test.db").display()
            ),
            None,
        ),
    }
}

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// The server binary as its own process in `dir`: its app shell in `dir/dist`, its stderr in
/// `dir/server.log`, a free port, and only `env` besides (a development server on a SQLite file
/// in `dir` unless `env` says otherwise). Not waited for; answers its address.
pub fn spawn_server(dir: &std::path::Path, env: &[(&str, &str)]) -> (Process, String) {
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    std::fs::write(dir.join("dist/index.html"), APP_SHELL_HTML).unwrap();
    let port = free_port();
    let server = Process(
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(dir)
            .env_clear()
            .env("PORT", port.to_string())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/d.db?mode=rwc", dir.display()),
            )
            .env("DIST_DIR", dir.join("dist"))
            .env("SESSION_SECRET", TEST_SECRET)
            .env("LOG_LEVEL", "warn")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    (server, format!("http://127.0.0.1:{port}"))
}

/// A child process, killed when dropped.
pub struct Process(pub std::process::Child);

impl Process {
    /// Sends SIGTERM, as a deploy or a `Ctrl-C` does.
    pub fn terminate(&self) {
        let pid = self.0.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `url` answers 200 (a minute at most).
pub async fn wait_until_ready(url: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(60) {
        if let Ok(response) = Client::new().get(url).send().await
            && response.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{url} did not come up");
}
