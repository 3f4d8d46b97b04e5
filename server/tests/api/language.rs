//! The server speaks the person's language: its messages in the request's (the `lang` cookie,
//! else `Accept-Language`, else English), its emails in the recipient's (their own choice, else
//! the language of the request that caused them, else `OFFICE_LANGUAGE`).

use app::domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::{helpers::*, smtp_sink::SmtpSink};

const TURKISH: &str = "tr-TR,tr;q=0.9";

/// POSTs `body` to `path` with these headers besides; the status and the JSON body.
async fn call_with(
    client: &TestClient,
    path: &str,
    headers: &[(header::HeaderName, &str)],
    body: Value,
) -> (StatusCode, Value) {
    let mut request = client.request(Method::POST, path).json(&body);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_refused_sign_in_is_said_in_the_request_language() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    let wrong = json!({"email": user.email, "password": "not-the-password"});
    let sign_in = async |headers: &[(header::HeaderName, &str)]| {
        call_with(&app.client(), "/api/auth/sign_in", headers, wrong.clone()).await
    };

    let (status, body) = sign_in(&[(header::ACCEPT_LANGUAGE, TURKISH)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        body["error"], "invalid_credentials",
        "the code stays as it is"
    );
    assert_eq!(body["message"], "E-posta adresi ya da şifre hatalı.");

    let (status, body) = sign_in(&[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["message"], "The email or password is incorrect.");

    // The page's own choice, in its cookie, wins over the browser's preference.
    let (status, body) =
        sign_in(&[(header::ACCEPT_LANGUAGE, "tr"), (header::COOKIE, "lang=en")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["message"], "The email or password is incorrect.");
    let (_, body) = sign_in(&[
        (header::ACCEPT_LANGUAGE, "en-US,en;q=0.9"),
        (header::COOKIE, "lang=tr"),
    ])
    .await;
    assert_eq!(body["message"], "E-posta adresi ya da şifre hatalı.");
}

#[tokio::test]
async fn refusals_before_any_work_and_validation_are_turkish_too() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let turkish = [(header::ACCEPT_LANGUAGE, TURKISH)];

    // The edge's 401 for a protected call without a session (`fast_path`).
    let (status, body) = call_with(&client, "/api/me", &turkish, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "unauthenticated");
    assert_eq!(body["message"], "Devam etmek için lütfen oturum açın.");
    let (_, body) = call_with(&client, "/api/me", &[], json!({})).await;
    assert_eq!(body["message"], "Please sign in to continue.");

    // A field that fails validation.
    let bad = json!({"email": "not an address", "password": "whatever"});
    let (status, body) = call_with(&client, "/api/auth/sign_in", &turkish, bad.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        (body["error"].as_str(), body["field"].as_str()),
        (Some("invalid_input"), Some("email"))
    );
    assert_eq!(
        body["message"],
        "E-posta adresi boşluk ya da kontrol karakteri içeremez."
    );
    let (_, body) = call_with(&client, "/api/auth/sign_in", &[], bad).await;
    assert_eq!(
        body["message"],
        "The email address cannot contain spaces or control characters."
    );
    let no_at = json!({"email": "ayse.example.com", "password": "whatever"});
    let (_, body) = call_with(&client, "/api/auth/sign_in", &turkish, no_at).await;
    assert_eq!(
        body["message"],
        "Lütfen ad@ornek.com biçiminde bir e-posta adresi girin."
    );

    // A body declared too large, refused by the edge before it is read.
    let response = client
        .request(Method::POST, "/api/auth/sign_in")
        .header(header::ACCEPT_LANGUAGE, TURKISH)
        .header(header::CONTENT_TYPE, "application/json")
        .body(vec![b' '; 70 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("İstek gövdesi"),
        "{body}"
    );
}

#[tokio::test]
async fn the_chosen_language_is_kept_on_the_profile() {
    let app = TestApp::spawn().await;
    let client = app.signed_in_as(Role::Client).await;
    let (status, profile) = client.call("/api/account/profile", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert!(profile["language"].is_null(), "none chosen yet: {profile}");

    for lang in ["en", "tr"] {
        let (status, body) = client
            .call("/api/account/set_language", json!({"lang": lang}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, profile) = client.call("/api/account/profile", json!({})).await;
        assert_eq!(profile["language"], lang, "{profile}");
        let stored = app::db::users::find_by_id(&app.state.db, client.user().id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.language.as_deref(), Some(lang));
    }
    // Only ours, said in the request's language.
    let (status, body) = call_with(
        &client,
        "/api/account/set_language",
        &[(header::ACCEPT_LANGUAGE, TURKISH)],
        json!({"lang": "de"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_input");
    assert_eq!(
        body["message"],
        "İstek gövdesi beklenen biçimde geçerli bir JSON değil."
    );
    // Signed out: the same refusal as any other protected call.
    let (status, _) = app
        .client()
        .call("/api/account/set_language", json!({"lang": "en"}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_first_html_is_in_the_requests_language_and_kept_from_shared_caches() {
    // A dist/ as `make frontend` leaves it: each shell written once per language.
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("signin")).unwrap();
    for (shell, words) in [("index", "app"), ("signin/index", "sign-in")] {
        std::fs::write(dist.path().join(format!("{shell}.html")), "untranslated").unwrap();
        for lang in ["tr", "en"] {
            let html = format!("<!doctype html><html lang=\"{lang}\">{words} {lang}</html>");
            std::fs::write(dist.path().join(format!("{shell}.{lang}.html")), html).unwrap();
        }
    }
    let app = TestApp::builder()
        .env("DIST_DIR", &dist.path().display().to_string())
        .spawn()
        .await;
    let browser = app.client();
    let cases: [(&[(header::HeaderName, &str)], &str); 5] = [
        (&[], "en"),
        (&[(header::ACCEPT_LANGUAGE, TURKISH)], "tr"),
        (
            &[(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,tr;q=0.8")],
            "tr",
        ),
        (
            &[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,tr;q=0.8")],
            "en",
        ),
        // The switch's cookie wins over the browser's settings.
        (
            &[
                (header::ACCEPT_LANGUAGE, TURKISH),
                (header::COOKIE, "lang=en"),
            ],
            "en",
        ),
    ];
    for (path, words) in [("/auth/signin", "sign-in"), ("/admin/users", "app")] {
        for (headers, lang) in cases {
            let mut request = browser.request(Method::GET, path);
            for (name, value) in headers {
                request = request.header(name, *value);
            }
            if path == "/admin/users" {
                // Past the signed-out redirect: any session cookie sends the shell.
                let cookie = headers
                    .iter()
                    .find(|(name, _)| name == header::COOKIE)
                    .map_or("", |(_, value)| value);
                request = request.header(header::COOKIE, format!("smmm_session=t; {cookie}"));
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path} {headers:?}");
            let got = response.headers().clone();
            assert_eq!(got["content-language"], lang, "{path} {headers:?}");
            assert_eq!(got["cache-control"], "private, no-cache", "{path}");
            assert!(
                got.get_all("vary")
                    .iter()
                    .any(|v| v == "accept-language, cookie"),
                "{path}: {got:?}"
            );
            assert_eq!(
                response.text().await.unwrap(),
                format!("<!doctype html><html lang=\"{lang}\">{words} {lang}</html>"),
                "{path} {headers:?}"
            );
        }
    }
}

/// An app that sends mail to `sink`, with `env` besides.
async fn app_mailing(sink: &SmtpSink, env: &[(&str, &str)]) -> TestApp {
    let mut builder = TestApp::builder()
        .env("SMTP_URL", &sink.url())
        .env("MAIL_FROM", "SMMM Ofisi <portal@ofis.example>")
        .env("MAIL_RETRY_SECS", "1");
    for (key, value) in env {
        builder = builder.env(key, value);
    }
    builder.spawn().await
}

async fn request_reset(app: &TestApp, email: &str, headers: &[(header::HeaderName, &str)]) {
    let body = json!({"email": email});
    let (status, body) = call_with(&app.client(), "/api/auth/request_reset", headers, body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn assert_turkish(mail: &crate::smtp_sink::Received, subject: &str) {
    assert_eq!(mail.subject, subject);
    assert!(mail.text.starts_with("Merhaba "), "{}", mail.text);
    assert!(!mail.text.contains("Hello"), "{}", mail.text);
    assert!(mail.html.contains("<html lang=\"tr\">"), "{}", mail.html);
}

fn assert_english(mail: &crate::smtp_sink::Received, subject: &str) {
    assert_eq!(mail.subject, subject);
    assert!(mail.text.starts_with("Hello "), "{}", mail.text);
    assert!(!mail.text.contains("Merhaba"), "{}", mail.text);
    assert!(mail.html.contains("<html lang=\"en\">"), "{}", mail.html);
}

#[tokio::test]
async fn a_reset_email_is_in_its_recipients_language() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let english = app.create_user(Role::Client).await;
    let turkish = app.create_user(Role::Client).await;
    let unchosen = app.create_user(Role::Client).await;
    for (user, lang) in [(&english, "en"), (&turkish, "tr")] {
        let (status, body) = app
            .client_signed_in(user)
            .await
            .call("/api/account/set_language", json!({"lang": lang}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // Their own choice wins over the page they ask on.
    request_reset(&app, &english.email, &[(header::ACCEPT_LANGUAGE, TURKISH)]).await;
    request_reset(&app, &turkish.email, &[]).await;
    // Nothing chosen: the page they asked on (read before the email is written off the
    // request's path).
    request_reset(&app, &unchosen.email, &[(header::ACCEPT_LANGUAGE, TURKISH)]).await;

    let mail = sink.wait_for(&english.email, 1).await.remove(0);
    assert_english(&mail, "Your password reset link");
    assert!(mail.text.contains("30 minutes"), "{}", mail.text);
    let mail = sink.wait_for(&turkish.email, 1).await.remove(0);
    assert_turkish(&mail, "Şifre sıfırlama bağlantınız");
    assert!(mail.text.contains("30 dakika"), "{}", mail.text);
    assert!(mail.link("/auth/reset").contains("#token="));
    let mail = sink.wait_for(&unchosen.email, 1).await.remove(0);
    assert_turkish(&mail, "Şifre sıfırlama bağlantınız");
}

#[tokio::test]
async fn an_invitation_is_in_the_office_language() {
    let sink = SmtpSink::start().await;
    // An admin, on a page in `admin_lang`, invites a new client: their address.
    let invite = async |app: &TestApp, admin_lang: &str| {
        let email = format!("{}@example.com", unique("invitee").to_lowercase());
        let admin = app.signed_in_as(Role::Admin).await;
        let body = json!({"name": "Ayşe Öztürk", "email": email, "invite": true});
        let headers = [(header::ACCEPT_LANGUAGE, admin_lang)];
        let (status, created) = call_with(&admin, "/api/admin/create_client", &headers, body).await;
        assert_eq!(status, StatusCode::OK, "{created}");
        email
    };

    // By default the office speaks Turkish, whatever the admin's page.
    let app = app_mailing(&sink, &[]).await;
    let email = invite(&app, "en").await;
    let mail = sink.wait_for(&email, 1).await.remove(0);
    assert_turkish(&mail, "SMMM Portal'a davet edildiniz");
    assert!(
        mail.text.starts_with("Merhaba Ayşe Öztürk,"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("7 gün"), "{}", mail.text);

    let app = app_mailing(&sink, &[("OFFICE_LANGUAGE", "en")]).await;
    let email = invite(&app, TURKISH).await;
    let mail = sink.wait_for(&email, 1).await.remove(0);
    assert_english(&mail, "You are invited to SMMM Portal");
    assert!(mail.text.contains("7 days"), "{}", mail.text);
}
