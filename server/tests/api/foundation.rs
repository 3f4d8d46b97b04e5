//! The server skeleton: health, static files, headers, API routing, limits.

use app::domain::Role;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;

use crate::helpers::*;

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = TestApp::spawn().await;
    let response = app.client().get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn client_routes_get_index_html_uncached_with_security_headers() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .request(Method::GET, "/admin/users")
        .header("cookie", "smmm_session=some-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    // The shell is served in the request's language (its cookie, else Accept-Language).
    assert_eq!(headers["vary"], "accept-language, cookie");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "private, no-cache");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    assert_eq!(response.text().await.unwrap(), APP_SHELL_HTML);
}

#[tokio::test]
async fn api_answers_carry_the_api_security_headers_whoever_answers() {
    let app = TestApp::spawn().await;
    let signed_out = app.client();
    let signed_in = app.signed_in_as(Role::Client).await;
    // The refusal and the session check (answered before the server functions), a server
    // function, and an unknown endpoint.
    for (who, path, status) in [
        (&signed_out, "/api/me", StatusCode::UNAUTHORIZED),
        (&signed_in, "/api/auth/session", StatusCode::OK),
        (&signed_in, "/api/me", StatusCode::OK),
        (&signed_in, "/api/no/such/thing", StatusCode::NOT_FOUND),
    ] {
        let response = who.post_empty(path).await;
        assert_eq!(response.status(), status, "{path}");
        let headers = response.headers();
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
        assert!(headers.contains_key("x-request-id"), "{path}");
        // The page's headers stay on pages.
        assert!(!headers.contains_key("permissions-policy"), "{path}");
    }
}

#[tokio::test]
async fn first_load_addresses_get_the_light_sign_in_shell() {
    let app = TestApp::spawn().await;
    let browser = app.client();
    for path in [
        "/",
        "/auth/signin",
        "/auth/signin/",
        "/auth/signin?callbackUrl=/admin",
    ] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "private, no-cache",
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), SIGNIN_SHELL_HTML, "{path}");
    }
    let head = browser
        .request(Method::HEAD, "/auth/signin")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()["content-length"],
        SIGNIN_SHELL_HTML.len().to_string()
    );
    for path in [
        "/admin",
        "/client/sessions",
        "/auth/signin/extra",
        "/no/such/page",
    ] {
        let response = browser
            .request(Method::GET, path)
            .header("cookie", "smmm_session=some-token")
            .send()
            .await
            .unwrap();
        assert_eq!(response.text().await.unwrap(), APP_SHELL_HTML, "{path}");
    }
    // Both shells' loader scripts may run, and nothing else inline.
    let response = browser.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for script in ["load('app')", "load('signin')"] {
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(script.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{script}: {csp}");
    }
}

#[tokio::test]
async fn a_signed_out_deep_link_is_sent_to_sign_in_with_its_address() {
    let app = TestApp::spawn().await;
    let no_redirects = app.client();
    for (path, location) in [
        ("/admin", "/auth/signin?callbackUrl=/admin"),
        ("/client/", "/auth/signin?callbackUrl=/client/"),
        (
            "/admin/users?q=a%20b&page=2",
            "/auth/signin?callbackUrl=/admin/users%3Fq%3Da%2520b%26page%3D2",
        ),
    ] {
        for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
            let response = no_redirects
                .request(method.clone(), path)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{method} {path}");
            assert_eq!(response.headers()["location"], location, "{method} {path}");
        }
    }
    // Not a protected area, or a cookie there (live or not: the app finds out): no redirect.
    for (path, cookie) in [
        ("/administrator", ""),
        ("/no/such/page", ""),
        ("/admin", "smmm_session=some-token"),
        ("/client/sessions", "other=1; smmm_session=x"),
    ] {
        let mut request = no_redirects.request(Method::GET, path);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path} {cookie}");
        assert_eq!(response.text().await.unwrap(), APP_SHELL_HTML, "{path}");
    }
}

#[tokio::test]
async fn without_the_light_shell_every_address_gets_the_full_app() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), APP_SHELL_HTML).unwrap();
    let app = TestApp::builder()
        .env("DIST_DIR", &dir.path().display().to_string())
        .spawn()
        .await;
    let browser = app.client();
    for path in ["/", "/auth/signin", "/no/such/page"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.text().await.unwrap(), APP_SHELL_HTML, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() {
    let app = TestApp::spawn().await;
    let browser = app.client();
    let response = browser
        .request(Method::GET, HASHED_ASSET)
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");

    let response = browser
        .request(Method::GET, "/robots.txt")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
}

#[tokio::test]
async fn unknown_api_paths_and_wrong_methods_answer_json() {
    let app = TestApp::spawn().await;
    let browser = app.client();
    let response = browser.post_empty("/api/nothing/here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "not_found"
    );

    let response = browser.get("/api/auth/sign_in").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(100 * 1024);
    let response = app
        .client()
        .post("/api/auth/sign_in", json!({"email": huge, "password": "x"}))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
}

#[tokio::test]
async fn migrations_are_idempotent_on_an_existing_database() {
    let app = TestApp::spawn().await;
    let user = app.create_user(app::domain::Role::Client).await;
    // Applying the migrations again over the same database changes nothing and loses nothing.
    sea_orm_migration_up(&app).await;
    let found = app::db::users::find_by_email(
        &app.state.db,
        &app::domain::Email::parse(&user.email).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(found.map(|u| u.id), Some(user.id));
}

async fn sea_orm_migration_up(app: &TestApp) {
    use app::db::migrations::Migrator;
    use sea_orm_migration::MigratorTrait;
    Migrator::up(&app.state.db, None).await.unwrap();
}

#[tokio::test]
async fn precompressed_files_are_served_as_they_are() {
    let app = TestApp::spawn().await;
    let dist = app._dir.path().join("dist");
    std::fs::write(
        dist.join("site-0123456789abcdef.css"),
        "body { color: red }\n".repeat(50),
    )
    .unwrap();
    std::fs::write(
        dist.join("site-0123456789abcdef.css.br"),
        b"precompressed-brotli-bytes",
    )
    .unwrap();
    let response = app
        .client()
        .request(Method::GET, "/site-0123456789abcdef.css")
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"precompressed-brotli-bytes"
    );
}

#[tokio::test]
async fn a_missing_file_is_404_never_the_app_page() {
    let app = TestApp::spawn().await;
    let browser = app.client();
    // A hashed asset of another build (a rolling deploy), or any file that is not there.
    for missing in [
        "/frontend-0123456789abcdef_bg.wasm",
        "/app-fedcba9876543210.js",
        "/admin/logo.png",
        "/signin/missing.css",
    ] {
        let response = browser.get(missing).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{missing}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("<!doctype html>"), "{missing}: {body}");
    }
    // What is there is still served, and addresses without an extension still get the app.
    assert_eq!(browser.get(HASHED_ASSET).await.status(), StatusCode::OK);
    assert_eq!(browser.get("/robots.txt").await.status(), StatusCode::OK);
    let page = browser
        .request(Method::GET, "/admin/users")
        .header("cookie", "smmm_session=some-token")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.text().await.unwrap(), APP_SHELL_HTML);
}

#[tokio::test]
async fn stray_slashes_redirect_on_this_site_and_no_location_leaves_it() {
    let app = TestApp::spawn().await;
    let browser = app.client();
    for (path, expected) in [
        ("//signin", "/signin"),
        ("//evil.example/", "/evil.example/"),
        ("///evil.example//x?y=1", "/evil.example/x?y=1"),
        ("/auth//signin", "/auth/signin"),
        ("//", "/"),
    ] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(response.headers()["location"], expected, "{path}");
    }
    // A POST keeps its method through the redirect (308).
    let response = browser
        .post(
            "//api/auth/sign_in",
            json!({"email": "a@b.co", "password": "x"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(response.headers()["location"], "/api/auth/sign_in");

    // Every `Location` the server sends is a path on this site.
    for path in [
        "/",
        "//",
        "/signin",
        "/signin/",
        "//signin",
        "/admin",
        "/admin//users",
        "/client",
        "//client//x",
        "/auth/signin",
        "/auth/signin/",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
    ] {
        for method in [Method::GET, Method::HEAD, Method::POST] {
            let response = browser.request(method.clone(), path).send().await.unwrap();
            if let Some(location) = response.headers().get("location") {
                let location = location.to_str().unwrap();
                assert!(
                    location.starts_with('/')
                        && !location.starts_with("//")
                        && !location.starts_with("/\\"),
                    "{method} {path}: Location {location}"
                );
            }
        }
    }
}
