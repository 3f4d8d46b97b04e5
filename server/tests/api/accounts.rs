//! Profile, password, devices, and the admin's users and audit log.

use std::time::Duration;

use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn every_account_function_needs_a_session() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    for (path, body) in [
        ("/api/account/profile", json!({})),
        ("/api/account/update_profile", json!({"name": "X"})),
        (
            "/api/account/change_password",
            json!({"current_password": "a", "new_password": "b"}),
        ),
        ("/api/account/sessions", json!({})),
        (
            "/api/account/end_session",
            json!({"session_id": "x", "password": null}),
        ),
        ("/api/account/end_other_sessions", json!({"password": null})),
    ] {
        let (status, body) = anonymous.call(path, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"], "unauthenticated", "{path}");
    }
}

#[tokio::test]
async fn a_name_change_shows_at_once_and_bad_names_are_400() {
    let app = TestApp::spawn().await;
    let client = app.signed_in_as(Role::Client).await;
    let (status, body) = client
        .call("/api/account/update_profile", json!({"name": "   "}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    let (status, body) = client
        .call(
            "/api/account/update_profile",
            json!({"name": " Zeynep Kaya "}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "Zeynep Kaya");
    assert_eq!(
        client.session().await.1["user"]["name"],
        "Zeynep Kaya",
        "the fast path shows the new name"
    );
    assert_eq!(count_events(&app, "profile_updated").await, 1);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one_on_a_new_id() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    let laptop = app.client();
    let laptop_token = laptop.sign_in(&user).await;
    let phone = app.client_signed_in(&user).await;

    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let (status, body) = laptop
        .call(
            "/api/account/change_password",
            change("wrong-password-1", "Kadikoy-Iskele-88"),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("current_password"))
    );
    let (status, body) = laptop
        .call(
            "/api/account/change_password",
            change(&user.password, "password123"),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("new_password"))
    );
    let (status, body) = laptop
        .call(
            "/api/account/change_password",
            change(&user.password, &"é".repeat(40)),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("new_password")),
        "{body}"
    );

    let response = laptop
        .post(
            "/api/account/change_password",
            change(&user.password, "Kadikoy-Iskele-88"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let new_token = session_token(response.headers()).expect("a new session cookie");
    assert_ne!(
        sid_of(&new_token),
        sid_of(&laptop_token),
        "a fresh session id"
    );

    assert_eq!(phone.me_status().await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.me_status(&laptop_token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(laptop.me_status().await, StatusCode::OK);
    assert_eq!(
        app.client()
            .sign_in_with(&user.email, &user.password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .sign_in_with(&user.email, "Kadikoy-Iskele-88")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(count_events(&app, "password_changed").await, 1);
}

#[tokio::test]
async fn my_sessions_lists_devices_and_ends_them_but_never_anyone_elses() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Client).await;
    let other = app.create_user(Role::Client).await;
    let laptop = app.client_signed_in(&user).await;
    let phone = app.client_signed_in(&user).await;
    let tablet = app.client_signed_in(&user).await;
    let stranger = app.client();
    let stranger_token = stranger.sign_in(&other).await;

    let (status, sessions) = laptop.call("/api/account/sessions", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions[0]["signed_in_at"].is_string() && sessions[0]["last_active_at"].is_string());
    let phone_sid = {
        let (_, mine) = phone.call("/api/account/sessions", json!({})).await;
        mine.as_array()
            .unwrap()
            .iter()
            .find(|s| s["current"] == true)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // Another user's session id is answered as if it did not exist.
    let (status, _) = laptop
        .call(
            "/api/account/end_session",
            json!({"session_id": sid_of(&stranger_token), "password": null}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.me_status().await, StatusCode::OK);

    let (status, _) = laptop
        .call(
            "/api/account/end_session",
            json!({"session_id": phone_sid, "password": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(phone.me_status().await, StatusCode::UNAUTHORIZED);

    let (status, ended) = laptop
        .call("/api/account/end_other_sessions", json!({"password": null}))
        .await;
    assert_eq!((status, ended), (StatusCode::OK, json!(1)));
    assert_eq!(tablet.me_status().await, StatusCode::UNAUTHORIZED);
    assert_eq!(laptop.me_status().await, StatusCode::OK);
}

#[tokio::test]
async fn ending_sessions_after_the_freshness_window_needs_the_password() {
    let app = TestApp::builder()
        .env("REAUTH_WINDOW_SECS", "1")
        .spawn()
        .await;
    let laptop = app.signed_in_as(Role::Client).await;
    let _phone = app.client_signed_in(laptop.user()).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = laptop
        .call("/api/account/end_other_sessions", json!({"password": null}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("reauth_required"))
    );
    let (status, body) = laptop
        .call(
            "/api/account/end_other_sessions",
            json!({"password": "wrong-password-1"}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("password"))
    );
    let (status, body) = laptop
        .call(
            "/api/account/end_other_sessions",
            json!({"password": laptop.user().password}),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(1)));
}

#[tokio::test]
async fn admin_functions_refuse_clients_and_strangers() {
    let app = TestApp::spawn().await;
    let client_user = app.create_user(Role::Client).await;
    let client = app.client_signed_in(&client_user).await;
    let anonymous = app.client();
    for (path, body) in [
        ("/api/admin/users", json!({"filter": {}})),
        ("/api/admin/user", json!({"user_id": client_user.id})),
        (
            "/api/admin/create_client",
            json!({"name": "A", "email": "a@b.co", "password": null}),
        ),
        (
            "/api/admin/set_active",
            json!({"user_id": client_user.id, "active": false, "version": 0}),
        ),
        (
            "/api/admin/set_role",
            json!({"user_id": client_user.id, "role": "ADMIN", "version": 0}),
        ),
        (
            "/api/admin/user_sessions",
            json!({"user_id": client_user.id}),
        ),
        (
            "/api/admin/end_user_session",
            json!({"user_id": client_user.id, "session_id": "x"}),
        ),
        (
            "/api/admin/end_user_sessions",
            json!({"user_id": client_user.id}),
        ),
        ("/api/admin/audit", json!({"filter": {}})),
    ] {
        assert_eq!(
            client.call(path, body.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            anonymous.call(path, body).await.0,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        client.me_status().await,
        StatusCode::OK,
        "a 403 does not end the session"
    );
}

#[tokio::test]
async fn users_are_searched_filtered_and_paginated() {
    let app = TestApp::spawn().await;
    let client = app.signed_in_as(Role::Admin).await;
    for i in 0..25 {
        let (status, _) = client
            .call(
                "/api/admin/create_client",
                json!({"name": format!("Müşteri {i:02}"), "email": format!("musteri{i:02}@example.com"), "password": "Defter-Kalem-2026"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, page) = client
        .call(
            "/api/admin/users",
            json!({"filter": {"role": "CLIENT", "page": 2}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            page["total"].as_u64(),
            page["page"].as_u64(),
            page["per_page"].as_u64()
        ),
        (Some(25), Some(2), Some(20))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let (_, found) = client
        .call(
            "/api/admin/users",
            json!({"filter": {"query": "MUSTERI07"}}),
        )
        .await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["email"], "musteri07@example.com");
    let (_, found) = client
        .call("/api/admin/users", json!({"filter": {"query": "üşteri 1"}}))
        .await;
    assert_eq!(found["total"], 10, "by name, any case");
    let (status, _) = client
        .call(
            "/api/admin/create_client",
            json!({"name": "ÖZTÜRK Şirketi", "email": "info@ozturk.example", "password": "Defter-Kalem-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, found) = client
        .call(
            "/api/admin/users",
            json!({"filter": {"query": "öztürk şirketi"}}),
        )
        .await;
    assert_eq!(found["total"], 1, "Unicode case folding, on SQLite too");
    let (_, found) = client
        .call("/api/admin/users", json!({"filter": {"query": "%"}}))
        .await;
    assert_eq!(found["total"], 0, "wildcards typed are literal");
    let (_, admins) = client
        .call(
            "/api/admin/users",
            json!({"filter": {"role": "ADMIN", "active": true}}),
        )
        .await;
    assert_eq!(admins["total"], 1);
    let (status, body) = client
        .call("/api/admin/users", json!({"filter": {"role": "BOSS"}}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_input"))
    );
}

#[tokio::test]
async fn an_admin_creates_a_client_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let client = app.signed_in_as(Role::Admin).await;
    let (status, created) = client
        .call(
            "/api/admin/create_client",
            json!({"name": "Ali Veli", "email": "Ali@Example.com", "password": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let password = created["generated_password"]
        .as_str()
        .expect("a generated password")
        .to_owned();
    assert!(password.len() >= 16);
    assert_eq!(created["user"]["role"], "CLIENT");
    assert_eq!(
        app.client()
            .sign_in_with("ali@example.com", &password)
            .await
            .status(),
        StatusCode::OK
    );

    let (status, body) = client
        .call(
            "/api/admin/create_client",
            json!({"name": "Again", "email": "ali@example.com", "password": null}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("email"))
    );
    let (status, body) = client
        .call(
            "/api/admin/create_client",
            json!({"name": "Weak", "email": "weak@example.com", "password": "1234567890"}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("password"))
    );
    assert_eq!(count_events(&app, "user_created").await, 1);
}

#[tokio::test]
async fn deactivation_ends_every_session_at_once_and_blocks_sign_in() {
    let app = TestApp::spawn().await;
    let admin_client = app.signed_in_as(Role::Admin).await;
    let target = app.create_user(Role::Client).await;
    let target_client = app.client_signed_in(&target).await;

    let (_, row) = admin_client
        .call("/api/admin/user", json!({"user_id": target.id}))
        .await;
    let version = row["version"].as_i64().unwrap();
    let (status, row) = admin_client
        .call(
            "/api/admin/set_active",
            json!({"user_id": target.id, "active": false, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(row["active"], false);
    assert_eq!(target_client.me_status().await, StatusCode::UNAUTHORIZED);
    let refused = app
        .client()
        .sign_in_with(&target.email, &target.password)
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_credentials"
    );

    // A change made against the version before the deactivation is refused, not applied over it.
    let (status, body) = admin_client
        .call(
            "/api/admin/set_role",
            json!({"user_id": target.id, "role": "ADMIN", "version": version}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );

    let (status, _) = admin_client
        .call(
            "/api/admin/set_active",
            json!({"user_id": target.id, "active": true, "version": version + 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.client()
            .sign_in_with(&target.email, &target.password)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(count_events(&app, "user_deactivated").await, 1);
    assert_eq!(count_events(&app, "user_reactivated").await, 1);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::Admin).await;
    let client = app.client_signed_in(&admin).await;
    for body in [json!({"user_id": admin.id, "active": false, "version": 0})] {
        let (status, body) = client.call("/api/admin/set_active", body).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::CONFLICT, Some("conflict")),
            "{body}"
        );
    }
    let (status, _) = client
        .call(
            "/api/admin/set_role",
            json!({"user_id": admin.id, "role": "CLIENT", "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        client.post_empty("/api/admin/summary").await.status(),
        StatusCode::OK,
        "still an admin"
    );

    // With a second admin, the change goes through and ends the demoted admin's sessions.
    let second = app.create_user(Role::Admin).await;
    let (status, row) = client
        .call(
            "/api/admin/set_role",
            json!({"user_id": admin.id, "role": "CLIENT", "version": 0}),
        )
        .await;
    assert_eq!(
        (status, row["role"].as_str()),
        (StatusCode::OK, Some("CLIENT"))
    );
    assert_eq!(client.me_status().await, StatusCode::UNAUTHORIZED);
    let _ = second;
}

#[tokio::test]
async fn an_admin_sees_and_ends_a_users_sessions() {
    let app = TestApp::spawn().await;
    let admin_client = app.signed_in_as(Role::Admin).await;
    let target = app.create_user(Role::Client).await;
    let other = app.create_user(Role::Client).await;
    let first = app.client_signed_in(&target).await;
    let second = app.client_signed_in(&target).await;
    let other_token = app.client().sign_in(&other).await;

    let (status, sessions) = admin_client
        .call("/api/admin/user_sessions", json!({"user_id": target.id}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|s| s["current"] == false));

    // A session of another user, asked for under this one, does not exist.
    let (status, _) = admin_client
        .call(
            "/api/admin/end_user_session",
            json!({"user_id": target.id, "session_id": sid_of(&other_token)}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin_client
        .call("/api/admin/user_sessions", json!({"user_id": 999_999}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let sid = sessions[0]["id"].as_str().unwrap();
    let (status, _) = admin_client
        .call(
            "/api/admin/end_user_session",
            json!({"user_id": target.id, "session_id": sid}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let statuses = [first.me_status().await, second.me_status().await];
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count(),
        1
    );

    let (status, ended) = admin_client
        .call(
            "/api/admin/end_user_sessions",
            json!({"user_id": target.id}),
        )
        .await;
    assert_eq!((status, ended), (StatusCode::OK, json!(1)));
    assert_eq!(first.me_status().await, StatusCode::UNAUTHORIZED);
    assert_eq!(second.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_audit_log_is_newest_first_and_filterable() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::Admin).await;
    let target = app.create_user(Role::Client).await;
    let client = app.client_signed_in(&admin).await;
    app.client()
        .sign_in_with(&target.email, "wrong-password-1")
        .await;
    app.client_signed_in(&target).await;

    let (status, page) = client.call("/api/admin/audit", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(
        (&page["total_capped"], &page["next"]),
        (&json!(false), &Value::Null)
    );
    assert_eq!(items[0]["kind"], "sign_in");
    assert_eq!(items[0]["email"], target.email);
    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    let (_, failed) = client
        .call(
            "/api/admin/audit",
            json!({"filter": {"kind": "sign_in_failed"}}),
        )
        .await;
    assert_eq!(failed["total"], 1);
    let (_, mine) = client
        .call("/api/admin/audit", json!({"filter": {"user_id": admin.id}}))
        .await;
    assert_eq!(mine["total"], 1);
    let (status, body) = client
        .call("/api/admin/audit", json!({"filter": {"kind": "nonsense"}}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("kind"))
    );
    let (status, any) = client
        .call("/api/admin/audit", json!({"filter": {"kind": ""}}))
        .await;
    assert_eq!((status, &any["total"]), (StatusCode::OK, &json!(3)));
}

#[tokio::test]
async fn a_role_that_cannot_be_read_is_an_error_never_a_client() {
    use app::db::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let odd = app.create_user(Role::Client).await;
    users::ActiveModel {
        id: Set(odd.id),
        role: Set("SUPERUSER".into()),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();

    let (status, body) = admin
        .call("/api/admin/user", json!({"user_id": odd.id}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("internal"))
    );
    let (status, body) = app
        .client()
        .call(
            "/api/auth/sign_in",
            json!({"email": odd.email, "password": odd.password}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
}

#[tokio::test]
async fn guessing_the_current_password_with_a_session_is_rate_limited() {
    let app = TestApp::builder()
        .env("SIGNIN_MAX_FAILURES_PER_ACCOUNT", "3")
        .spawn()
        .await;
    let client = app.signed_in_as(Role::Client).await;
    let guess =
        json!({"current_password": "guess-password-1", "new_password": "Kadikoy-Iskele-88"});
    for _ in 0..3 {
        let (status, _) = client
            .call("/api/account/change_password", guess.clone())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let right =
        json!({"current_password": client.user().password, "new_password": "Kadikoy-Iskele-88"});
    let response = client.post("/api/account/change_password", right).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn absurd_page_numbers_are_400_not_a_crash() {
    let app = TestApp::spawn().await;
    let client = app.signed_in_as(Role::Admin).await;
    let (status, body) = client
        .call("/api/admin/users", json!({"filter": {"page": u64::MAX}}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("page"))
    );
    // The audit log pages by cursor: an event id, which is never below 1.
    for before in [json!(0), json!(-5)] {
        let (status, body) = client
            .call("/api/admin/audit", json!({"filter": {"before": before}}))
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("before"))
        );
    }
    let (status, _) = client
        .call("/api/admin/audit", json!({"filter": {"before": "soon"}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_admin_whose_rights_ended_elsewhere_changes_nothing_even_with_a_fresh_token() {
    use app::db::entities::sessions;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let other_admin = app.create_user(Role::Admin).await;
    let target = app.create_user(Role::Client).await;
    let set_role = json!({"user_id": target.id, "role": "ADMIN", "version": 0});
    let create = json!({"name": "Ayşe Yılmaz", "email": "ayse@example.com", "password": null});

    // Deactivated through an instance whose revocation has not reached this one: the token
    // is still fresh here, so only the check inside the change's transaction can refuse it.
    set_active(&app, admin.user().id, false).await;
    for (path, body) in [
        ("/api/admin/set_role", &set_role),
        ("/api/admin/create_client", &create),
    ] {
        let (status, body) = admin.call(path, body.clone()).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
            "{path}"
        );
    }

    // Likewise a session ended elsewhere, while the account itself is fine.
    set_active(&app, admin.user().id, true).await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let session = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(admin.user().id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the admin's session");
    sessions::ActiveModel {
        id: Set(session.id),
        revoked_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    let (status, _) = admin.call("/api/admin/set_role", set_role.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Nothing was changed or created; a live admin still can.
    let fine = app.client_signed_in(&other_admin).await;
    let (_, user) = fine
        .call("/api/admin/user", json!({"user_id": target.id}))
        .await;
    assert_eq!(
        (user["role"].as_str(), &user["version"]),
        (Some("CLIENT"), &json!(0))
    );
    let (status, _) = fine.call("/api/admin/set_role", set_role).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = fine.call("/api/admin/create_client", create).await;
    assert_eq!(status, StatusCode::OK);
}
