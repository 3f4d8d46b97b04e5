//! What the staff and sign-in screens read from the server: audit lines that name the account
//! and the acting staff member, filtered by time; ended sessions with their account and
//! address; user lists in the order asked for; the office's name and contact.

use app::domain::Role;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The audit lines of `user_id` (of `kind` when given), newest first.
async fn audit_of(admin: &TestClient, filter: Value) -> Vec<Value> {
    let (status, page) = admin
        .call("/api/admin/audit", json!({ "filter": filter }))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn audit_lines_name_the_account_and_the_staff_member_who_acted() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let (_, created) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Ayşe Öztürk", "email": format!("{}@example.com", unique("ayse")), "password": "Galata-Kulesi-1348"}),
        )
        .await;
    let (id, version) = (
        created["user"]["id"].as_i64().unwrap(),
        created["user"]["version"].clone(),
    );
    let (status, body) = admin
        .call(
            "/api/admin/set_active",
            json!({"user_id": id, "active": false, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let lines = audit_of(&admin, json!({"user_id": id, "kind": "user_deactivated"})).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["name"], "Ayşe Öztürk");
    assert_eq!(line["actor"]["id"], admin.user().id);
    assert!(
        !line["actor"]["name"].as_str().unwrap().is_empty(),
        "{line}"
    );
    // The note no longer carries the actor's number: the page names them.
    assert!(
        line["detail"]
            .as_str()
            .is_none_or(|d| !d.contains("user #")),
        "{line}"
    );
}

#[tokio::test]
async fn the_audit_log_is_filtered_by_time_and_refuses_a_range_it_cannot_read() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let me = admin.user().id;
    let at = |offset: Duration| (Utc::now() + offset).to_rfc3339();

    let today = audit_of(
        &admin,
        json!({"user_id": me, "since": at(-Duration::hours(1)), "until": at(Duration::hours(1))}),
    )
    .await;
    assert!(
        today.iter().any(|e| e["kind"] == "sign_in"),
        "this hour's sign-in: {today:?}"
    );
    let tomorrow = audit_of(
        &admin,
        json!({"user_id": me, "since": at(Duration::hours(1))}),
    )
    .await;
    assert!(tomorrow.is_empty(), "{tomorrow:?}");
    let before = audit_of(
        &admin,
        json!({"user_id": me, "until": at(-Duration::hours(1))}),
    )
    .await;
    assert!(before.is_empty(), "{before:?}");

    for (filter, field) in [
        (json!({"since": "yesterday"}), "since"),
        (json!({"until": "2026-13-40T00:00:00Z"}), "until"),
        (
            json!({"since": at(Duration::hours(1)), "until": at(-Duration::hours(1))}),
            "until",
        ),
    ] {
        let (status, body) = admin
            .call("/api/admin/audit", json!({ "filter": filter }))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], field, "{body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_ended_session_s_line_names_its_account_and_address() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let client = app.signed_in_as(Role::Client).await;
    let id = client.user().id;

    // One session, ended by staff: its account and where it was.
    let (_, sessions) = admin
        .call("/api/admin/user_sessions", json!({"user_id": id}))
        .await;
    let sid = sessions[0]["id"].as_str().unwrap().to_owned();
    let (status, body) = admin
        .call(
            "/api/admin/end_user_session",
            json!({"user_id": id, "session_id": sid}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lines = audit_of(&admin, json!({"user_id": id, "kind": "session_revoked"})).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["email"], client.user().email.as_str());
    assert_eq!(lines[0]["client_addr"], "127.0.0.1");

    // Every session at once: one line for them all, with its account.
    app.client_signed_in(client.user()).await;
    app.client_signed_in(client.user()).await;
    let (status, ended) = admin
        .call("/api/admin/end_user_sessions", json!({"user_id": id}))
        .await;
    assert_eq!((status, ended), (StatusCode::OK, json!(2)));
    let lines = audit_of(&admin, json!({"user_id": id, "kind": "session_revoked"})).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["email"], client.user().email.as_str());
    assert_eq!(
        lines[0]["detail"],
        "2 session(s) revoked: ended by an admin"
    );
    assert_eq!(lines[0]["actor"], Value::Null);
}

#[tokio::test]
async fn users_are_listed_by_name_creation_or_last_sign_in_either_way() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tag = unique("sira");
    let mut made = Vec::new();
    for name in ["Zeynep", "Çağla", "Ahmet"] {
        let (status, created) = admin
            .call(
                "/api/admin/create_client",
                json!({"name": format!("{name} {tag}"), "email": format!("{}@example.com", unique(name)), "password": "Galata-Kulesi-1348"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
        made.push(created["user"]["email"].as_str().unwrap().to_owned());
    }
    // Zeynep signs in, then Ahmet; Çağla never does.
    for email in [&made[0], &made[2]] {
        let user = TestUser {
            id: 0,
            email: email.clone(),
            password: "Galata-Kulesi-1348".into(),
        };
        app.client().sign_in(&user).await;
    }
    // First names, in the list's order.
    let names = |sort: &str, descending: bool| {
        let admin = &admin;
        let filter = json!({"query": tag, "sort": sort, "descending": descending});
        async move {
            let listed = admin.listed_names(filter).await;
            listed
                .iter()
                .map(|name| name.split(' ').next().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("name", false).await, ["Ahmet", "Çağla", "Zeynep"]);
    assert_eq!(names("name", true).await, ["Zeynep", "Çağla", "Ahmet"]);
    assert_eq!(names("created", false).await, ["Zeynep", "Çağla", "Ahmet"]);
    assert_eq!(names("created", true).await, ["Ahmet", "Çağla", "Zeynep"]);
    // Never signed in: last, whichever way.
    assert_eq!(
        names("last_sign_in", true).await,
        ["Ahmet", "Zeynep", "Çağla"]
    );
    assert_eq!(
        names("last_sign_in", false).await,
        ["Zeynep", "Ahmet", "Çağla"]
    );
    let (status, body) = admin
        .call("/api/admin/users", json!({"filter": {"sort": "size"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn the_office_s_name_and_contact_reach_the_pages() {
    // A dist/ with the light shell as the build writes it (one language shown).
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("signin")).unwrap();
    std::fs::write(dist.path().join("index.html"), APP_SHELL_HTML).unwrap();
    let light = "<!doctype html><html lang=\"en\"><title>SMMM Portal</title>\
        <script type=\"application/json\" id=\"page-words\">{\"en\":{},\"tr\":{\"signin.title\":\"Oturum açın\"}}</script>\
        <section id=\"signin-card\"><div class=\"signin-brand\" aria-hidden=\"true\">SM</div>\
        <h1 id=\"signin-title\" data-t=\"signin.title\">Sign in</h1>\
        <form id=\"signin-form\"></form></section></html>";
    std::fs::write(dist.path().join("signin/index.html"), light).unwrap();
    let logo = dist.path().join("logo.svg");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\"><rect width=\"8\" height=\"8\"/></svg>";
    std::fs::write(&logo, svg).unwrap();
    let app = TestApp::builder()
        .env("DIST_DIR", &dist.path().display().to_string())
        .env("OFFICE_LOGO", &logo.display().to_string())
        .env("OFFICE_NAME", "Yılmaz Mali Müşavirlik")
        .env("OFFICE_PHONE", "+90 212 555 01 23")
        .env("OFFICE_EMAIL", "iletisim@yilmaz.example")
        .spawn()
        .await;
    let (status, office) = app.client().call("/api/auth/office", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{office}");
    assert_eq!(office["name"], "Yılmaz Mali Müşavirlik");
    assert_eq!(office["phone"], "+90 212 555 01 23");
    assert_eq!(office["email"], "iletisim@yilmaz.example");
    assert_eq!(office["logo"], true);
    // The logo, as an image only: opened on its own, nothing in it runs.
    let image = app.client().get("/office-logo").await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    assert!(
        image.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'"),
        "{:?}",
        image.headers()
    );
    assert_eq!(image.text().await.unwrap(), svg);

    let page = app.client().get("/auth/signin").await.text().await.unwrap();
    assert!(
        page.contains("<title>SMMM Portal · Yılmaz Mali Müşavirlik</title>"),
        "{page}"
    );
    assert!(page.contains("data-testid=\"office-name\">Yılmaz Mali Müşavirlik</p>"));
    assert!(
        page.contains("<img class=\"signin-logo\" src=\"/office-logo\""),
        "{page}"
    );
    assert!(page.contains("href=\"tel:+902125550123\""), "{page}");
    assert!(page.contains("href=\"mailto:iletisim@yilmaz.example\""));
    assert!(
        page.contains("\"office.help\":\"Oturum açmakta sorun mu yaşıyorsunuz? Büronuza ulaşın:\"")
    );

    // Unset: the build's page as it is, and nothing named.
    let plain = TestApp::builder()
        .env("DIST_DIR", &dist.path().display().to_string())
        .spawn()
        .await;
    let (_, office) = plain.client().call("/api/auth/office", json!({})).await;
    assert_eq!(office["name"], Value::Null);
    assert_eq!(
        plain.client().get("/office-logo").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        plain
            .client()
            .get("/auth/signin")
            .await
            .text()
            .await
            .unwrap(),
        light
    );
}
