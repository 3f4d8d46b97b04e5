//! Two-step sign-in: enrolment with a code, the second step with a code or a recovery code, its
//! limits and its refusals. Codes are computed here from the secret the enrolment shows, as a
//! phone would. A code is good for its 30-second step and one either side, once: the tests
//! start away from a step's edge and use the steps before, at and after now.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::{domain::Role, session::server::mfa::totp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Waits, when needed, until now is at least 2 s from either edge of its step, so that a code
/// made here for a step is checked by the server in the same step.
async fn away_from_a_step_edge() {
    let into = unix_now() % totp::STEP_SECS;
    if !(2..totp::STEP_SECS - 8).contains(&into) {
        let wait = (totp::STEP_SECS - into + 2) % totp::STEP_SECS;
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
}

/// The code the phone shows `steps` steps from now.
fn code(secret: &str, steps: i64) -> String {
    let at = unix_now().saturating_add_signed(steps * i64::try_from(totp::STEP_SECS).unwrap());
    totp::code_for_typed_secret(secret, at).unwrap()
}

struct Enrolled {
    user: TestUser,
    secret: String,
    recovery: Vec<String>,
}

/// A client with two-step sign-in on, enrolled with the code of the step before now (so the
/// steps at and after now are still unused).
async fn enrolled(app: &TestApp) -> Enrolled {
    let browser = app.signed_in_as(Role::Client).await;
    let (status, setup) = browser.call("/api/account/two_step_start", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let (status, codes) = browser
        .call(
            "/api/account/two_step_confirm",
            json!({"code": code(&secret, -1)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    Enrolled {
        user: browser.user().clone(),
        secret,
        recovery: codes["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect(),
    }
}

/// Signs in with the password; asserts a code is needed and no session exists yet.
async fn first_step(app: &TestApp, user: &TestUser) -> TestClient {
    let browser = app.client();
    let response = browser.sign_in_with(&user.email, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        session_token(response.headers()).is_none(),
        "no session yet"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code_required"], true, "{body}");
    assert_eq!(browser.me_status().await, StatusCode::UNAUTHORIZED);
    browser
}

async fn second_step(browser: &TestClient, code: &str) -> (StatusCode, Value) {
    browser
        .call("/api/auth/verify_code", json!({"code": code}))
        .await
}

#[tokio::test]
async fn enrolment_shows_the_secret_once_and_a_code_turns_it_on() {
    away_from_a_step_edge().await;
    let app = TestApp::spawn().await;
    let browser = app.signed_in_as(Role::Admin).await;
    let (_, status) = browser.call("/api/account/two_step", json!({})).await;
    assert_eq!(status["available"], true);
    assert_eq!(status["enabled"], false);

    let (status, setup) = browser.call("/api/account/two_step_start", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/SMMM%20Portal:"), "{uri}");
    assert!(
        uri.contains(&browser.user().email.replace('@', "%40")),
        "{uri}"
    );
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let secret = setup["secret"].as_str().unwrap().to_owned();
    // Stored sealed, never in clear.
    let row = app::db::second_factors::find(&app.state.db, browser.user().id)
        .await
        .unwrap()
        .unwrap();
    let sealed = row.pending_secret.unwrap();
    assert!(sealed.starts_with("v1."), "{sealed}");
    assert!(!sealed.contains(&secret.replace(' ', "")));

    for (typed, expected) in [
        ("1234567", StatusCode::BAD_REQUEST),
        ("abcdef", StatusCode::BAD_REQUEST),
        ("", StatusCode::BAD_REQUEST),
    ] {
        let (status, body) = browser
            .call("/api/account/two_step_confirm", json!({"code": typed}))
            .await;
        assert_eq!(status, expected, "{typed}: {body}");
        assert_eq!(body["field"], "code");
    }
    let wrong = format!(
        "{:06}",
        (code(&secret, 0).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let (status, body) = browser
        .call("/api/account/two_step_confirm", json!({"code": wrong}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_code");

    // Spaces and dashes are fine.
    let typed = code(&secret, 0);
    let typed = format!("{} {}", &typed[..3], &typed[3..]);
    let (status, codes) = browser
        .call("/api/account/two_step_confirm", json!({"code": typed}))
        .await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    assert_eq!(codes["codes"].as_array().unwrap().len(), 10);
    let (_, status) = browser.call("/api/account/two_step", json!({})).await;
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    assert_eq!(count_events(&app, "two_step_enabled").await, 1);
    // On already: a second setup is refused.
    let (status, _) = browser.call("/api/account/two_step_start", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_password_alone_gives_no_session_and_a_code_is_accepted_once() {
    away_from_a_step_edge().await;
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;

    let browser = first_step(&app, &enrolled.user).await;
    for typed in ["1234567", "12345", "abcdef", "12a456"] {
        let (status, body) = second_step(&browser, typed).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{typed}: {body}");
        assert_eq!(body["field"], "code");
    }
    // The enrolment's code, used already: refused.
    let (status, body) = second_step(&browser, &code(&enrolled.secret, -1)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
    let typed = code(&enrolled.secret, 0);
    let (status, body) = second_step(&browser, &format!("{}-{}", &typed[..3], &typed[3..])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["id"], enrolled.user.id);
    assert_eq!(browser.me_status().await, StatusCode::OK);
    let (_, session) = browser.session().await;
    assert_eq!(session["user"]["id"], enrolled.user.id);

    // The same code again, in another sign-in (another instance would see the same row): no.
    let again = first_step(&app, &enrolled.user).await;
    let (status, body) = second_step(&again, &typed).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
    assert_eq!(again.me_status().await, StatusCode::UNAUTHORIZED);
    // The next step's code still goes (a phone a little ahead).
    let (status, body) = second_step(&again, &code(&enrolled.secret, 1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(count_events(&app, "code_failed").await >= 2);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_says_how_many_are_left() {
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let browser = first_step(&app, &enrolled.user).await;
    let typed = enrolled.recovery[3].to_uppercase().replace('-', " ");
    let (status, body) = second_step(&browser, &typed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_codes_left"], 9);
    assert_eq!(browser.me_status().await, StatusCode::OK);
    assert_eq!(count_events(&app, "recovery_code_used").await, 1);

    let again = first_step(&app, &enrolled.user).await;
    let (status, body) = second_step(&again, &enrolled.recovery[3]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
}

#[tokio::test]
async fn a_challenge_takes_five_wrong_codes_and_the_account_ten_an_hour() {
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let wrong = "22222-22222";
    let browser = first_step(&app, &enrolled.user).await;
    for attempt in 1..=5 {
        let (status, body) = second_step(&browser, wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{attempt}: {body}");
        let expected = if attempt < 5 {
            "invalid_code"
        } else {
            "sign_in_expired"
        };
        assert_eq!(body["error"], expected, "{attempt}");
    }
    // Void: even the right code does nothing with it now.
    let (status, body) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_expired"))
    );

    // Five more wrong codes on a fresh challenge reach the account's ten: code entry stops.
    let browser = first_step(&app, &enrolled.user).await;
    for _ in 0..4 {
        let (status, _) = second_step(&browser, wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a right code before the tenth wrong one still goes"
    );
    let browser = first_step(&app, &enrolled.user).await;
    let (status, _) = second_step(&browser, wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = second_step(&browser, &enrolled.recovery[1]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // The tenth wrong code told the owner by email, once (whoever typed it has the password),
    // in the office's language (Turkish by default): nobody asked for it, nor chose a language.
    let mail = crate::recovery::wait_for_outbox(&app, &enrolled.user.email).await;
    assert!(mail.starts_with("Merhaba "), "{mail}");
    assert!(mail.contains("kod girişi yaklaşık"), "{mail}");
    let outbox = app._dir.path().join("outbox");
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 1, "one email");
}

#[tokio::test]
async fn no_challenge_a_foreign_one_or_a_deactivated_account_gives_no_session() {
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let (status, body) = second_step(&app.client(), &enrolled.recovery[0]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_expired"))
    );
    let forged = app.client();
    let (status, body) = forged
        .request(reqwest::Method::POST, "/api/auth/verify_code")
        .header("cookie", "smmm_challenge=not-a-challenge")
        .json(&json!({"code": enrolled.recovery[0]}))
        .send()
        .await
        .map(|r| (r.status(), r))
        .map(|(s, _)| (s, Value::Null))
        .unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    let browser = first_step(&app, &enrolled.user).await;
    set_active(&app, enrolled.user.id, false).await;
    let (status, body) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_expired"))
    );
    assert_eq!(browser.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn turning_it_off_needs_the_password_and_a_code() {
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let browser = first_step(&app, &enrolled.user).await;
    let (status, _) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(status, StatusCode::OK);
    let off = |password: &str, code: &str| json!({"password": password, "code": code});
    let (status, body) = browser
        .call(
            "/api/account/two_step_disable",
            off("wrong-password-1", &enrolled.recovery[1]),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("password"))
    );
    let (status, body) = browser
        .call(
            "/api/account/two_step_disable",
            off(PASSWORD, &enrolled.recovery[0]),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code")),
        "a used code"
    );
    let (status, body) = browser
        .call(
            "/api/account/two_step_disable",
            off(PASSWORD, &enrolled.recovery[1]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(count_events(&app, "two_step_disabled").await, 1);
    // One step again.
    let response = app
        .client()
        .sign_in_with(&enrolled.user.email, &enrolled.user.password)
        .await;
    assert!(session_token(response.headers()).is_some());
}

#[tokio::test]
async fn the_office_can_require_it_of_staff_whose_sessions_are_limited_to_setting_it_up() {
    away_from_a_step_edge().await;
    let app = TestApp::builder()
        .env("MFA_REQUIRED_FOR", "admin")
        .spawn()
        .await;
    let client = app.signed_in_as(Role::Client).await;
    assert_eq!(
        client.me_status().await,
        StatusCode::OK,
        "clients are not asked"
    );

    let admin = app.create_user(Role::Admin).await;
    let browser = app.client();
    let body: Value = browser
        .sign_in_with(&admin.email, &admin.password)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["required"], "two_step_enrolment", "{body}");
    for path in ["/api/me", "/api/admin/users", "/api/account/profile"] {
        let (status, body) = browser.call(path, json!({"filter": {}})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(body["error"], "mfa_enrolment_required", "{path}");
    }
    let (status, body) = browser
        .call(
            "/api/account/change_password",
            json!({"current_password": PASSWORD, "new_password": "Uskudar-Vapuru-1926"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("mfa_enrolment_required"))
    );

    // A limited session may still give a fresh proof (its setup asks for one).
    let (status, body) = browser
        .call("/api/auth/reauth", json!({"password": PASSWORD}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, setup) = browser.call("/api/account/two_step_start", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let (status, body) = browser
        .call(
            "/api/account/two_step_confirm",
            json!({"code": code(&secret, -1)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // What the office requires, its owner cannot turn off.
    let codes: Vec<String> = body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let (status, _) = browser
        .call(
            "/api/account/two_step_disable",
            json!({"password": PASSWORD, "code": codes[0]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The same session, no longer limited.
    assert_eq!(browser.me_status().await, StatusCode::OK);
    let (_, session) = browser.session().await;
    assert!(session.get("required").is_none(), "{session}");

    // From now on: the code at sign-in, and a full session.
    let next = first_step(&app, &admin).await;
    let (status, body) = second_step(&next, &code(&secret, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("required").is_none(), "{body}");
    assert_eq!(
        next.call("/api/admin/users", json!({"filter": {}})).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_step_up_takes_a_code_when_two_step_sign_in_is_on() {
    away_from_a_step_edge().await;
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let browser = first_step(&app, &enrolled.user).await;
    let (status, _) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(status, StatusCode::OK);

    let reauth = |code: &str| json!({"code": code});
    let (status, body) = browser
        .call("/api/auth/reauth", reauth(&enrolled.recovery[0]))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code")),
        "used"
    );
    let (status, body) = browser.call("/api/auth/reauth", reauth("12")).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("code"))
    );
    let response = browser
        .post("/api/auth/reauth", reauth(&code(&enrolled.secret, 0)))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let token = session_token(response.headers()).unwrap();
    let row = app::session::server::store::find(&app.state.db, &sid_of(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.amr.as_deref(), Some("otp"));

    // Without two-step sign-in, a code is no proof.
    let other = app.signed_in_as(Role::Client).await;
    let (status, _) = other.call("/api/auth/reauth", reauth("123456")).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_admin_resets_a_lost_phone_and_every_session_of_that_person_ends() {
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let browser = first_step(&app, &enrolled.user).await;
    assert_eq!(
        second_step(&browser, &enrolled.recovery[0]).await.0,
        StatusCode::OK
    );
    let reset = json!({"user_id": enrolled.user.id});
    let (status, _) = browser
        .call("/api/admin/reset_two_step", reset.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not for clients");

    let admin = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin.call("/api/admin/reset_two_step", reset.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        browser.me_status().await,
        StatusCode::UNAUTHORIZED,
        "their sessions ended"
    );
    let response = app
        .client()
        .sign_in_with(&enrolled.user.email, &enrolled.user.password)
        .await;
    assert!(
        session_token(response.headers()).is_some(),
        "the password alone again"
    );
    let (status, _) = admin.call("/api/admin/reset_two_step", reset).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let own = json!({"user_id": admin.user().id});
    let (status, _) = admin.call("/api/admin/reset_two_step", own).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "not one's own: the profile asks for a code"
    );
    assert_eq!(count_events(&app, "two_step_disabled").await, 1);
}

#[tokio::test]
async fn the_edges_of_a_codes_window_and_of_a_challenges_life_on_a_moved_clock() {
    away_from_a_step_edge().await;
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await; // used: the step before now
    let clock = &app.state.sessions.config().clock;
    let step = i64::try_from(totp::STEP_SECS).unwrap();

    // The server two steps ahead of the phone: the phone's code now is too old, the next
    // one (one step behind the server) still goes.
    clock.set_offset(2 * step);
    let browser = first_step(&app, &enrolled.user).await;
    let (status, body) = second_step(&browser, &code(&enrolled.secret, 0)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
    let (status, body) = second_step(&browser, &code(&enrolled.secret, 1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The server one step behind the phone's next code: one ahead goes, two ahead does not.
    clock.set_offset(step);
    let browser = first_step(&app, &enrolled.user).await;
    let (status, body) = second_step(&browser, &code(&enrolled.secret, 3)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_code"))
    );
    let (status, body) = second_step(&browser, &code(&enrolled.secret, 2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A challenge lives 5 minutes: a second later it is over, whatever the code.
    clock.set_offset(0);
    let browser = first_step(&app, &enrolled.user).await;
    clock.set_offset(5 * 60 + 1);
    let (status, body) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_expired"))
    );
    clock.set_offset(0);
}

#[tokio::test]
async fn a_password_change_between_the_steps_voids_the_challenge_and_setup_guesses_are_limited() {
    use sea_orm::sea_query::Expr;
    let app = TestApp::spawn().await;
    let enrolled = enrolled(&app).await;
    let browser = first_step(&app, &enrolled.user).await;
    let changed = app::db::users::update_active_user(
        &app.state.db,
        enrolled.user.id,
        vec![(
            app::db::entities::users::Column::PasswordChangedAt,
            Expr::value(chrono::Utc::now()),
        )],
    )
    .await
    .unwrap();
    assert!(changed);
    let (status, body) = second_step(&browser, &enrolled.recovery[0]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_expired"))
    );

    // Someone holding a session cannot guess a pending setup's code for long.
    let other = app.signed_in_as(Role::Client).await;
    let (status, _) = other.call("/api/account/two_step_start", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let mut statuses = Vec::new();
    for guess in 0..11 {
        let (status, _) = other
            .call(
                "/api/account/two_step_confirm",
                json!({"code": format!("{guess:06}")}),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}
