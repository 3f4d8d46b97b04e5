//! A way back in: password reset by email, invitations, and staff account care, against a real
//! SMTP server (aiosmtpd, `smtp_sink`): each test reads the message received, follows its link
//! and completes the flow, as the person would.

use std::time::{Duration, Instant};

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{helpers::*, smtp_sink::SmtpSink};

const NEW_PASSWORD: &str = "lacivert kayık limanda 1987";

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

async fn request_reset(browser: &TestClient, email: &str) -> (StatusCode, Value) {
    browser
        .call("/api/auth/request_reset", json!({"email": email}))
        .await
}

async fn reset(browser: &TestClient, token: &str, password: &str) -> (StatusCode, Value) {
    browser
        .call(
            "/api/auth/reset_password",
            json!({"token": token, "new_password": password}),
        )
        .await
}

fn assert_invalid_link((status, body): (StatusCode, Value)) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_link", "{body}");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let user = app.create_user(Role::Client).await;
    let elsewhere = app.client_signed_in(&user).await;

    let (status, body) = request_reset(&app.client(), &user.email).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mail = sink.wait_for(&user.email, 1).await.remove(0);
    // Asked for on an English page by someone who chose no language: English alone.
    assert_eq!(mail.subject, "Your password reset link");
    assert!(mail.text.starts_with("Hello Test Person,"), "{}", mail.text);
    assert!(!mail.text.contains("Merhaba"), "{}", mail.text);
    assert!(!mail.html.is_empty(), "an HTML part too");
    let link = mail.link("/auth/reset");
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    let token = mail.token("/auth/reset");

    // The page the link opens sends no Referer.
    let page = app.client().get("/auth/reset").await;
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");

    let browser = app.client();
    let (status, body) = reset(&browser, &token, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        browser.me_status().await,
        StatusCode::UNAUTHORIZED,
        "no session from a reset"
    );
    assert_eq!(
        elsewhere.me_status().await,
        StatusCode::UNAUTHORIZED,
        "every session ended"
    );
    assert_eq!(
        browser
            .sign_in_with(&user.email, &user.password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let renewed = TestUser {
        password: NEW_PASSWORD.into(),
        ..user.clone()
    };
    browser.sign_in(&renewed).await;
    // Used once: the same link again is the one neutral refusal.
    assert_invalid_link(reset(&app.client(), &token, "another good passphrase 42").await);
    assert_eq!(count_events(&app, "password_reset_requested").await, 1);
    assert_eq!(count_events(&app, "password_reset").await, 1);
    // Sent: the queue keeps no copy of the link.
    use app::db::entities::outgoing_mail;
    use sea_orm::EntityTrait;
    let rows = outgoing_mail::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.sent_at.is_some() && r.text_body.is_empty())
    );
}

#[tokio::test]
async fn unknown_and_deactivated_addresses_get_the_same_answer_and_no_email() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let known = app.create_user(Role::Client).await;
    let gone = app.create_user(Role::Client).await;
    set_active(&app, gone.id, false).await;
    let unknown = "nobody-here@example.com";

    let answers = [
        request_reset(&app.client(), unknown).await,
        request_reset(&app.client(), &gone.email).await,
        request_reset(&app.client(), &known.email).await,
        request_reset(&app.client(), &known.email.to_uppercase()).await,
    ];
    for answer in &answers {
        assert_eq!(answer, &answers[0], "status and body alike");
    }
    assert_eq!(answers[0].0, StatusCode::OK);
    sink.wait_for(&known.email, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.messages_to(unknown).is_empty());
    assert!(sink.messages_to(&gone.email).is_empty());
    // Not an address at all: said so, like the sign-in form.
    let (status, body) = request_reset(&app.client(), "not an address").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("email"))
    );
}

#[tokio::test]
async fn a_request_takes_as_long_for_an_unknown_address_as_for_a_known_one() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(
        &sink,
        &[
            ("RESET_MAX_PER_ACCOUNT", "1000"),
            ("RESET_MAX_PER_ADDRESS", "1000"),
        ],
    )
    .await;
    let known = app.create_user(Role::Client).await;
    let browser = app.client();
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..30 {
        for (which, email) in [known.email.as_str(), "nobody-here@example.com"]
            .into_iter()
            .enumerate()
        {
            let started = Instant::now();
            let (status, _) = request_reset(&browser, email).await;
            let took = started.elapsed();
            assert_eq!(status, StatusCode::OK);
            if which == 0 {
                // Its work after the answer done before the next request is timed: on SQLite
                // that work's write would otherwise hold up the next request's own, and the
                // known address would look slow for the wrong reason.
                sink.wait_for(&known.email, round + 1).await;
            }
            if round >= 5 {
                times[which].push(took);
            }
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (known_median, unknown_median) = (median(&mut times[0]), median(&mut times[1]));
    let ratio = known_median.as_secs_f64() / unknown_median.as_secs_f64();
    // The same order: the work for a known address happens after the answer. (Timing on this
    // shared machine is noisy; a lookup and an email done in the request would show as a
    // multiple, a bcrypt as tens of them.)
    assert!(
        (0.33..3.0).contains(&ratio),
        "known {known_median:?}, unknown {unknown_median:?}"
    );
}

#[tokio::test]
async fn a_flood_of_requests_sends_a_few_emails_and_only_the_newest_link_works() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let user = app.create_user(Role::Client).await;
    for _ in 0..8 {
        assert_eq!(
            request_reset(&app.client(), &user.email).await.0,
            StatusCode::OK
        );
    }
    let mails = sink.wait_for(&user.email, 3).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        sink.messages_to(&user.email).len(),
        3,
        "three an hour by default"
    );
    let tokens: Vec<String> = mails.iter().map(|m| m.token("/auth/reset")).collect();
    // The newest link voids the ones before (their order of arrival may differ from creation).
    let mut worked = 0;
    for token in &tokens {
        let (status, _) = reset(&app.client(), token, NEW_PASSWORD).await;
        if status == StatusCode::OK {
            worked += 1;
        }
    }
    assert_eq!(worked, 1);
}

#[tokio::test]
async fn one_address_may_ask_twenty_times_an_hour_then_429() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[("RESET_MAX_PER_ADDRESS", "2")]).await;
    for _ in 0..2 {
        assert_eq!(
            request_reset(&app.client(), "a@example.com").await.0,
            StatusCode::OK
        );
    }
    let response = app
        .client()
        .post("/api/auth/request_reset", json!({"email": "b@example.com"}))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("password reset requests"),
        "{body}"
    );
}

#[tokio::test]
async fn every_link_that_cannot_be_used_gets_one_neutral_answer_and_no_session() {
    use app::db::entities::account_links;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let user = app.create_user(Role::Client).await;
    request_reset(&app.client(), &user.email).await;
    let token = sink.wait_for(&user.email, 1).await[0].token("/auth/reset");

    let browser = app.client();
    let fake = "A".repeat(43);
    for bad in [
        "",
        "short",
        "not/a/token/but/long/enough/to/look/like/one!!",
        fake.as_str(),
    ] {
        assert_invalid_link(reset(&browser, bad, NEW_PASSWORD).await);
    }
    // A reset token is not an invitation, nor an email confirmation.
    assert_invalid_link(
        browser
            .call(
                "/api/auth/accept_invite",
                json!({"token": token, "new_password": NEW_PASSWORD}),
            )
            .await,
    );
    assert_invalid_link(
        browser
            .call("/api/auth/confirm_email", json!({"token": token}))
            .await,
    );
    // A password the policy refuses leaves the link working.
    let (status, body) = reset(&browser, &token, "password").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("new_password"))
    );
    // Expired: 30 minutes.
    let link = account_links::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    account_links::ActiveModel {
        id: Set(link.id),
        expires_at: Set(chrono::Utc::now() - chrono::Duration::seconds(1)),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    let response = browser
        .post(
            "/api/auth/reset_password",
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert!(session_token(response.headers()).is_none());
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(browser.me_status().await, StatusCode::UNAUTHORIZED);
    // Nothing changed: the old password still signs in.
    browser.sign_in(&user).await;
}

#[tokio::test]
async fn a_password_change_or_a_deactivation_voids_pending_links() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let user = app.create_user(Role::Client).await;
    request_reset(&app.client(), &user.email).await;
    let token = sink.wait_for(&user.email, 1).await[0].token("/auth/reset");
    let owner = app.client_signed_in(&user).await;
    let (status, body) = owner
        .call(
            "/api/account/change_password",
            json!({"current_password": user.password, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_invalid_link(reset(&app.client(), &token, "yet another passphrase 77").await);

    let other = app.create_user(Role::Client).await;
    request_reset(&app.client(), &other.email).await;
    let token = sink.wait_for(&other.email, 1).await[0].token("/auth/reset");
    let admin = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin
        .call(
            "/api/admin/set_active",
            json!({"user_id": other.id, "active": false, "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_invalid_link(reset(&app.client(), &token, NEW_PASSWORD).await);
}

#[tokio::test]
async fn an_invited_client_chooses_a_password_through_the_emailed_link() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let email = format!("{}@example.com", unique("invitee").to_lowercase());
    let (status, created) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Ayşe Öztürk", "email": email, "invite": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert!(created["generated_password"].is_null());
    assert_eq!(created["user"]["invited"], true);
    let copied = created["invitation"]["link"].as_str().unwrap().to_owned();
    let mail = sink.wait_for(&email, 1).await.remove(0);
    assert!(mail.subject.contains("davet"), "{}", mail.subject);
    assert!(mail.text.contains("Merhaba Ayşe Öztürk,"));
    assert_eq!(
        mail.link("/auth/invite"),
        copied,
        "the copied link is the emailed one"
    );
    let token = mail.token("/auth/invite");

    // Nobody can sign in to it before then, whatever password they try.
    let id = created["user"]["id"].as_i64().unwrap();
    let browser = app.client();
    assert_eq!(
        browser.sign_in_with(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // An invitation's token does not reset a password.
    assert_invalid_link(reset(&browser, &token, NEW_PASSWORD).await);
    let (status, body) = browser
        .call(
            "/api/auth/accept_invite",
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    browser
        .sign_in(&TestUser {
            id,
            email: email.clone(),
            password: NEW_PASSWORD.into(),
        })
        .await;
    let (_, row) = admin.call("/api/admin/user", json!({"user_id": id})).await;
    assert_eq!(row["invited"], false, "{row}");
    assert!(row["last_sign_in_at"].is_string(), "{row}");
    assert_eq!(count_events(&app, "invitation_sent").await, 1);
    assert_eq!(count_events(&app, "invitation_accepted").await, 1);
}

#[tokio::test]
async fn staff_resend_or_revoke_an_invitation_and_only_the_newest_link_works() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let email = format!("{}@example.com", unique("invitee").to_lowercase());
    let (_, created) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Mehmet Kaya", "email": email, "invite": true}),
        )
        .await;
    let id = created["user"]["id"].as_i64().unwrap();
    let first = created["invitation"]["link"].as_str().unwrap().to_owned();
    let (status, second) = admin
        .call("/api/admin/send_invitation", json!({"user_id": id}))
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    sink.wait_for(&email, 2).await;
    let token_of = |link: &str| link.split_once("#token=").unwrap().1.to_owned();
    let accept = |token: String| {
        let browser = app.client();
        async move {
            browser
                .call(
                    "/api/auth/accept_invite",
                    json!({"token": token, "new_password": NEW_PASSWORD}),
                )
                .await
        }
    };
    assert_invalid_link(accept(token_of(&first)).await);
    let (_, row) = admin.call("/api/admin/user", json!({"user_id": id})).await;
    assert!(row["invitation_expires_at"].is_string(), "{row}");
    let (status, _) = admin
        .call("/api/admin/revoke_invitation", json!({"user_id": id}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_invalid_link(accept(token_of(second["link"].as_str().unwrap())).await);
    let (status, body) = admin
        .call("/api/admin/revoke_invitation", json!({"user_id": id}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // An account that chose its password is sent a reset link, not an invitation.
    let member = app.create_user(Role::Client).await;
    let (status, body) = admin
        .call("/api/admin/send_invitation", json!({"user_id": member.id}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = admin
        .call("/api/admin/send_reset_link", json!({"user_id": member.id}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = sink.wait_for(&member.email, 1).await[0].token("/auth/reset");
    assert_eq!(
        reset(&app.client(), &token, NEW_PASSWORD).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_invited_account_opens_only_through_a_live_invitation() {
    use app::db::entities::account_links;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let email = format!("{}@example.com", unique("invitee").to_lowercase());
    let (_, created) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Elif Şahin", "email": email, "invite": true}),
        )
        .await;
    let id = created["user"]["id"].as_i64().unwrap();
    sink.wait_for(&email, 1).await;
    // "Forgot password?" does not stand in for the invitation (it could be revoked or expired):
    // the same answer as ever, and no email.
    assert_eq!(request_reset(&app.client(), &email).await.0, StatusCode::OK);
    let (status, body) = admin
        .call("/api/admin/send_reset_link", json!({"user_id": id}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.messages_to(&email).len(), 1, "only the invitation");
    // An expired invitation cannot be revoked (nothing works to revoke): 409.
    let link = account_links::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    account_links::ActiveModel {
        id: Set(link.id),
        expires_at: Set(chrono::Utc::now() - chrono::Duration::seconds(1)),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    let (status, body) = admin
        .call("/api/admin/revoke_invitation", json!({"user_id": id}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(count_events(&app, "invitation_revoked").await, 0);
}

#[tokio::test]
async fn a_new_email_takes_effect_only_once_the_new_address_confirms() {
    let sink = SmtpSink::start().await;
    let app = app_mailing(&sink, &[]).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let user = app.create_user(Role::Client).await;
    let new_email = format!("{}@example.com", unique("moved").to_lowercase());
    let taken = app.create_user(Role::Client).await;

    let update = |version: i64, email: &str| {
        let body =
            json!({"user_id": user.id, "version": version, "name": "Zeynep Çelik", "email": email});
        let admin = &admin;
        async move { admin.call("/api/admin/update_user", body).await }
    };
    let (status, body) = update(0, &taken.email).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("email"))
    );
    let (status, row) = update(0, &new_email.to_uppercase()).await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["name"], "Zeynep Çelik", "the name changes at once");
    assert_eq!(row["email"], user.email.as_str(), "the email waits");
    assert_eq!(row["pending_email"], new_email.as_str());
    let (status, body) = update(0, &new_email).await;
    assert_eq!(status, StatusCode::CONFLICT, "an older version: {body}");

    let confirmation = sink.wait_for(&new_email, 1).await.remove(0);
    let notice = sink.wait_for(&user.email, 1).await.remove(0);
    assert!(notice.text.contains("***@example.com"), "{}", notice.text);
    assert!(
        !notice.text.contains("/auth/"),
        "the old address gets no link"
    );
    // Until then the old address signs in.
    app.client().sign_in(&user).await;
    let token = confirmation.token("/auth/confirm-email");
    let (status, body) = app
        .client()
        .call("/api/auth/confirm_email", json!({"token": token}))
        .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, Some(new_email.as_str()))
    );
    assert_eq!(
        app.client()
            .sign_in_with(&user.email, &user.password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    app.client()
        .sign_in(&TestUser {
            email: new_email.clone(),
            ..user.clone()
        })
        .await;
    assert_eq!(count_events(&app, "email_change_requested").await, 1);
    assert_eq!(count_events(&app, "email_changed").await, 1);
    assert_eq!(count_events(&app, "profile_updated").await, 1);
}

#[tokio::test]
async fn a_mail_server_briefly_down_delays_the_email_and_loses_nothing() {
    let mut sink = SmtpSink::start().await;
    sink.stop();
    let app = app_mailing(&sink, &[]).await;
    let user = app.create_user(Role::Client).await;
    let started = Instant::now();
    assert_eq!(
        request_reset(&app.client(), &user.email).await.0,
        StatusCode::OK
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered at once"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sink.restart().await;
    let mail = sink.wait_for(&user.email, 1).await.remove(0);
    assert_eq!(
        reset(&app.client(), &mail.token("/auth/reset"), NEW_PASSWORD)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(count_events(&app, "mail_failed").await, 0);
}

#[tokio::test]
async fn a_mail_server_that_never_answers_is_given_up_and_audited() {
    let app = TestApp::builder()
        .env("SMTP_URL", &format!("smtp://127.0.0.1:{}", free_port()))
        .env("MAIL_RETRY_SECS", "1")
        .env("MAIL_MAX_ATTEMPTS", "2")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    assert_eq!(
        request_reset(&app.client(), &user.email).await.0,
        StatusCode::OK
    );
    let started = Instant::now();
    while count_events(&app, "mail_failed").await == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "not given up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    use app::db::entities::outgoing_mail;
    use sea_orm::EntityTrait;
    let row = outgoing_mail::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 2);
    assert!(row.failed_at.is_some() && row.text_body.is_empty());
}

#[tokio::test]
async fn a_mail_server_that_accepts_and_then_says_nothing_times_out_and_is_retried() {
    // A server that takes the connection and never greets: each try ends at the send timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let app = TestApp::builder()
        .env("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .env("MAIL_SEND_TIMEOUT_SECS", "1")
        .env("MAIL_RETRY_SECS", "1")
        .env("MAIL_MAX_ATTEMPTS", "2")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let started = Instant::now();
    assert_eq!(
        request_reset(&app.client(), &user.email).await.0,
        StatusCode::OK
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered at once"
    );
    while count_events(&app, "mail_failed").await == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "not given up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    use app::db::entities::outgoing_mail;
    use sea_orm::EntityTrait;
    let row = outgoing_mail::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 2, "tried twice, each until the timeout");
    drop(silent);
}

#[tokio::test]
async fn without_smtp_in_development_mail_goes_to_the_outbox_folder() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    assert_eq!(
        request_reset(&app.client(), &user.email).await.0,
        StatusCode::OK
    );
    let mail = wait_for_outbox(&app, &user.email).await;
    let token = mail.split_once("#token=").unwrap().1;
    let token: String = token.chars().take(43).collect();
    assert_eq!(
        reset(&app.client(), &token, NEW_PASSWORD).await.0,
        StatusCode::OK
    );
}

/// The first `.eml` in the app's outbox folder addressed to `to`, as text.
pub async fn wait_for_outbox(app: &TestApp, to: &str) -> String {
    let dir = app._dir.path().join("outbox");
    let started = Instant::now();
    loop {
        let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read(e.path()).ok())
                .find_map(|raw| {
                    let mail = mailparse::parse_mail(&raw).ok()?;
                    use mailparse::MailHeaderMap;
                    let addressed = mail.headers.get_first_value("To")?.contains(to);
                    let text = mail.subparts.first()?.get_body().ok()?;
                    addressed.then_some(text)
                })
        });
        if let Some(text) = found {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no mail to {to} in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn with_mail_disabled_nothing_that_needs_it_is_offered() {
    let app = TestApp::builder()
        .env("MAIL_DISABLED", "true")
        .spawn()
        .await;
    let (status, features) = app
        .client()
        .call("/api/auth/mail_features", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        features,
        json!({"password_reset": false, "invitations": false})
    );
    let (status, _) = request_reset(&app.client(), "a@example.com").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The light sign-in page comes without its "Forgot your password?" link.
    let light = app.client().get("/auth/signin").await.text().await.unwrap();
    assert!(
        light.contains("signin-form") && !light.contains("forgot-link"),
        "{light}"
    );
    let with_mail = TestApp::spawn().await;
    let light = with_mail
        .client()
        .get("/auth/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(light.contains("forgot-link"), "{light}");
    let admin = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "Ali Veli", "email": "ali@example.com", "invite": true}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invite"))
    );
}

#[tokio::test]
async fn a_page_with_no_referrer_may_still_post_to_its_own_site() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .request(reqwest::Method::POST, "/api/auth/request_reset")
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .client()
        .request(reqwest::Method::POST, "/api/auth/request_reset")
        .header("origin", "null")
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "null alone proves nothing"
    );
}
