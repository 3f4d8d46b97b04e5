//! The test harness: the real server on port 0 with a fresh database (SQLite by default,
//! PostgreSQL with `TEST_DATABASE=postgres`), and an HTTP client with a cookie jar.

use std::collections::HashMap;

use app::{
    db,
    input::{Email, Name, Password},
    session::Role,
    state::AppState,
};
use reqwest::{Client, Response, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use server::{Application, Config};

pub const TEST_SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";
pub const PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
pub const PASSWORD: &str = "correct-horse-battery";
/// A file named like Trunk's hashed output, large enough to be compressed.
pub const HASHED_ASSET: &str = "/app-0123456789abcdef.js";
/// The two HTML shells a Trunk build writes, each with its inline loader script.
pub const APP_SHELL_HTML: &str =
    "<!doctype html><title>SMMM Portal</title><script type=\"module\">load('app')</script>";
pub const SIGNIN_SHELL_HTML: &str = "<!doctype html><title>Sign in · SMMM Portal</title>\
     <script type=\"module\">load('signin')</script>";

/// Which engine this run tests against.
pub fn use_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

pub fn unique(prefix: &str) -> String {
    use rand::Rng;
    format!("{prefix}_{:016x}", rand::rng().random::<u64>())
}

pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub password: String,
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
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
                self.env.insert("DATABASE_URL".into(), PG_URL.into());
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
            .expect("the server starts (is PostgreSQL running at 127.0.0.1:5432?)");
        let port = app.port();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            client: new_client(),
            state,
            _dir: dir,
            pg_schema,
        }
    }
}

pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn create_user(&self, role: Role) -> TestUser {
        let email = format!("{}@example.com", unique(role.as_str()).to_lowercase());
        let hash = self
            .state
            .sessions
            .hasher()
            .hash(&Password::parse(PASSWORD).unwrap())
            .await
            .unwrap();
        let user = db::users::create(
            &self.state.db,
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
            password: PASSWORD.into(),
        }
    }

    pub async fn post(&self, client: &Client, path: &str, body: Option<Value>) -> Response {
        let mut request = client.post(self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    pub async fn sign_in_with(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post(
            client,
            "/api/auth/sign_in",
            Some(json!({"email": email, "password": password})),
        )
        .await
    }

    /// Signs `user` in on `client`, asserts it worked, and answers the response.
    async fn signed_in(&self, client: &Client, user: &TestUser) -> Response {
        let response = self.sign_in_with(client, &user.email, &user.password).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "sign-in of {}",
            user.email
        );
        response
    }

    /// Signs `user` in on `client` and answers the session body.
    pub async fn sign_in(&self, client: &Client, user: &TestUser) -> Value {
        self.signed_in(client, user).await.json().await.unwrap()
    }

    /// Signs `user` in on `client` and answers the session token its cookie carries.
    pub async fn sign_in_token(&self, client: &Client, user: &TestUser) -> String {
        session_token(self.signed_in(client, user).await.headers()).expect("a session cookie")
    }

    /// The status `/api/me` answers for exactly this token.
    pub async fn me_status(&self, token: &str) -> StatusCode {
        post_with_token(self, "/api/me", token).await.status()
    }

    pub async fn session(&self, client: &Client) -> (StatusCode, Value) {
        let response = self.post(client, "/api/auth/session", None).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
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
                    if let Ok(db) = sea_orm::Database::connect(PG_URL).await {
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

/// A client with no jar that sends exactly this cookie.
pub async fn post_with_token(app: &TestApp, path: &str, token: &str) -> Response {
    reqwest::Client::new()
        .post(app.url(path))
        .header(reqwest::header::COOKIE, format!("smmm_session={token}"))
        .send()
        .await
        .unwrap()
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

/// The database URL (and PostgreSQL schema) `app` runs on, for a second instance to share.
pub fn first_database_url(app: &TestApp) -> (String, Option<String>) {
    match &app.pg_schema {
        Some(schema) => (PG_URL.to_owned(), Some(schema.clone())),
        None => (
            format!(
                "sqlite://{}?mode=rwc",
                app._dir.path().join("test.db").display()
            ),
            None,
        ),
    }
}
