//! Retention and the audit log at size: the background job deletes exactly what ended long
//! enough ago, the previous sign-in outlives its session row, and the audit log pages by cursor
//! with a capped total.

use std::time::Duration;

use app::{
    db::{
        entities::{auth_events, sessions},
        retention::{Policy, Pruned, RetentionJob},
    },
    domain::Role,
};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect,
    Statement,
};
use serde_json::{Value, json};

use crate::helpers::*;

const DAY: i64 = 24 * 60 * 60;

fn days_ago(days: i64) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::seconds(days * DAY)
}

/// A session row of `user_id`, with the times given.
async fn session_row(
    app: &TestApp,
    user_id: i64,
    last_seen: DateTime<Utc>,
    expires: DateTime<Utc>,
    revoked: Option<DateTime<Utc>>,
) -> String {
    let id = unique("sid");
    sessions::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id),
        created_at: Set(last_seen - chrono::Duration::hours(1)),
        last_seen_at: Set(last_seen),
        expires_at: Set(expires),
        revoked_at: Set(revoked),
        revoked_reason: Set(revoked.map(|_| "signed out".to_owned())),
        user_agent: Set(None),
        client_addr: Set(None),
        required_action: Set(None),
        verified_at: Set(None),
        amr: Set(None),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    id
}

async fn event_row(app: &TestApp, at: DateTime<Utc>) -> i64 {
    auth_events::ActiveModel {
        kind: Set("sign_in_failed".into()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id
}

async fn session_ids(app: &TestApp) -> Vec<String> {
    let mut ids: Vec<String> = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::Id)
        .into_tuple()
        .all(&app.state.db)
        .await
        .unwrap();
    ids.sort();
    ids
}

async fn event_ids(app: &TestApp) -> Vec<i64> {
    auth_events::Entity::find()
        .select_only()
        .column(auth_events::Column::Id)
        .order_by_asc(auth_events::Column::Id)
        .into_tuple()
        .all(&app.state.db)
        .await
        .unwrap()
}

/// Waits until the job (every second here) has taken `gone` away.
async fn until_sessions_gone(app: &TestApp, gone: &[String]) {
    for _ in 0..100 {
        let ids = session_ids(app).await;
        if gone.iter().all(|g| !ids.contains(g)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the retention job did not delete {gone:?}");
}

#[tokio::test]
async fn the_job_deletes_what_ended_long_ago_and_nothing_else() {
    let app = TestApp::builder()
        .env("RETENTION_INTERVAL_SECS", "1")
        .env("SESSION_RETENTION_DAYS", "30")
        .env("AUDIT_RETENTION_DAYS", "365")
        .env("SESSION_IDLE_TIMEOUT_SECS", "1800")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let id = user.id;
    let ahead = Utc::now() + chrono::Duration::hours(8);

    let live = session_row(&app, id, Utc::now(), ahead, None).await;
    let revoked_recently = session_row(&app, id, days_ago(29), ahead, Some(days_ago(29))).await;
    let expired_recently = session_row(&app, id, days_ago(29), days_ago(29), None).await;
    let revoked_long_ago = session_row(&app, id, days_ago(31), ahead, Some(days_ago(31))).await;
    let expired_long_ago = session_row(&app, id, days_ago(31), days_ago(31), None).await;
    // Never revoked, its absolute end still ahead, but idle for 31 days: it ended long ago.
    let idle_long_ago = session_row(&app, id, days_ago(31), ahead, None).await;

    let recent_event = event_row(&app, days_ago(1)).await;
    let year_old_event = event_row(&app, days_ago(364)).await;
    let too_old_event = event_row(&app, days_ago(366)).await;
    let first_event = event_ids(&app).await[0];

    let stale_counter = Utc::now().timestamp_millis() - 3 * DAY * 1000;
    let fresh_counter = Utc::now().timestamp_millis();
    app.state
        .db
        .execute_unprepared(&format!(
            "INSERT INTO signin_limits (key, updated_ms) \
             VALUES ('pair:stale', {stale_counter}), ('pair:fresh', {fresh_counter})"
        ))
        .await
        .unwrap();

    let gone = [
        revoked_long_ago.clone(),
        expired_long_ago.clone(),
        idle_long_ago.clone(),
    ];
    // The job runs every second: wait for a run that began after every row was in.
    until_sessions_gone(&app, &gone).await;
    let mut waited = 0;
    let events = loop {
        let events = event_ids(&app).await;
        if !events.contains(&too_old_event) && counter_keys(&app).await.len() < 2 {
            break events;
        }
        waited += 1;
        assert!(
            waited < 100,
            "the job did not delete the old event and counter"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut kept = vec![live, revoked_recently, expired_recently];
    kept.sort();
    assert_eq!(session_ids(&app).await, kept);
    assert!(events.contains(&year_old_event) && events.contains(&recent_event));
    assert!(
        events.contains(&first_event),
        "the user's creation is recent"
    );
    let counters = counter_keys(&app).await;
    assert_eq!(counters, vec!["pair:fresh".to_owned()]);
}

async fn counter_keys(app: &TestApp) -> Vec<String> {
    app.state
        .db
        .query_all_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT key FROM signin_limits ORDER BY key",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "key").unwrap())
        .collect()
}

#[tokio::test]
async fn an_audit_retention_of_zero_keeps_every_event() {
    let app = TestApp::builder()
        .env("RETENTION_INTERVAL_SECS", "1")
        .env("AUDIT_RETENTION_DAYS", "0")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;
    let ancient = event_row(&app, days_ago(3000)).await;
    let old_session = session_row(
        &app,
        user.id,
        days_ago(40),
        days_ago(40),
        Some(days_ago(40)),
    )
    .await;
    // Sessions are still pruned: the job ran, and the event is still there.
    until_sessions_gone(&app, &[old_session]).await;
    assert!(event_ids(&app).await.contains(&ancient));
}

#[tokio::test]
async fn one_instance_prunes_at_a_time_on_postgres() {
    if !use_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let policy = Policy {
        sessions_after: Duration::from_secs(30 * DAY as u64),
        audit_after: None,
        idle_timeout: Duration::from_secs(1800),
        counters_after: Duration::from_secs(DAY as u64),
    };
    let mut options = app::db::DbOptions::new(pg_url());
    options.schema = app.pg_schema().map(str::to_owned);
    let first = RetentionJob::new(&options, &app.state.db, policy, Duration::from_secs(600))
        .await
        .unwrap();
    let second = RetentionJob::new(&options, &app.state.db, policy, Duration::from_secs(600))
        .await
        .unwrap();
    // The first holds the lock as if in the middle of its run (a pool of one connection:
    // lock and unlock must be the same session's).
    options.max_connections = 1;
    let holder = app::db::connect(&options).await.unwrap();
    let key = format!("smmm_retention:{}", options.schema.as_deref().unwrap());
    // The app's own job runs once at start: wait for it to let go.
    let mut locked = false;
    for _ in 0..50 {
        locked = holder_query(&holder, &key, "pg_try_advisory_lock").await;
        if locked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(locked);
    assert_eq!(second.run_once().await.unwrap(), None, "skips its turn");
    assert!(holder_query(&holder, &key, "pg_advisory_unlock").await);
    // Free again: each gets its run (retried for a moment: the app's own job may be running).
    for job in [&first, &second] {
        let mut ran = None;
        for _ in 0..50 {
            ran = job.run_once().await.unwrap();
            if ran.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(ran, Some(Pruned::default()));
    }
}

async fn holder_query(db: &sea_orm::DatabaseConnection, key: &str, function: &str) -> bool {
    use sea_orm::DatabaseBackend;
    let sql = format!("SELECT {function}(hashtext($1)) AS done");
    let statement = Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [key.into()]);
    db.query_one_raw(statement)
        .await
        .unwrap()
        .unwrap()
        .try_get::<bool>("", "done")
        .unwrap()
}

async fn summary(client: &TestClient) -> Value {
    let (status, body) = client.call("/api/client/summary", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    body
}

#[tokio::test]
async fn the_previous_sign_in_outlives_its_session_row() {
    let app = TestApp::builder()
        .env("RETENTION_INTERVAL_SECS", "1")
        .spawn()
        .await;
    let user = app.create_user(Role::Client).await;

    let first = app.client_signed_in(&user).await;
    assert_eq!(summary(&first).await["previous_sign_in"], Value::Null);
    let first_sid = sessions::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;

    let second = app.client_signed_in(&user).await;
    let previous = summary(&second).await["previous_sign_in"].clone();
    assert_eq!(previous["client_addr"], "127.0.0.1");
    let first_at = previous["at"].as_str().unwrap().to_owned();
    // From the first session, the sign-in before it is the last one: the second.
    let seen_from_first = summary(&first).await["previous_sign_in"].clone();
    assert_ne!(seen_from_first["at"], Value::Null);

    // The first session ends, and long ago: the job deletes its row.
    first.post_empty("/api/auth/sign_out").await;
    sessions::ActiveModel {
        id: Set(first_sid.clone()),
        revoked_at: Set(Some(days_ago(40))),
        expires_at: Set(days_ago(40)),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    until_sessions_gone(&app, &[first_sid]).await;
    let previous = summary(&second).await["previous_sign_in"].clone();
    assert_eq!(previous["at"], first_at.as_str());
}

#[tokio::test]
async fn the_audit_log_pages_by_cursor_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    for _ in 0..44 {
        event_row(&app, Utc::now()).await;
    }
    let all = event_ids(&app).await;
    assert_eq!(all.len(), 45, "44 here and the admin's sign-in");

    let mut seen = Vec::new();
    let mut before = Value::Null;
    let mut pages = 0;
    loop {
        let (status, page) = admin
            .call("/api/admin/audit", json!({"filter": {"before": before}}))
            .await;
        assert_eq!(status, StatusCode::OK);
        // The total counts what is there now, events recorded meanwhile included.
        assert_eq!(
            (&page["total"], &page["total_capped"]),
            (&json!(45 + pages), &json!(false))
        );
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        before = page["next"].clone();
        if before.is_null() {
            break;
        }
        // An event recorded while the reader walks the pages does not shift them.
        event_row(&app, Utc::now()).await;
    }
    assert_eq!(pages, 3);
    let mut newest_first = all.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);

    // Filtered by kind, the cursor stays within the kind.
    let (_, failed) = admin
        .call(
            "/api/admin/audit",
            json!({"filter": {"kind": "sign_in_failed", "before": newest_first[10]}}),
        )
        .await;
    let ids: Vec<i64> = failed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, newest_first[11..31].to_vec());
}

#[tokio::test]
async fn the_audit_total_stops_counting_at_ten_thousand() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let now = Utc::now();
    let rows: Vec<auth_events::ActiveModel> = (0..10_000)
        .map(|_| auth_events::ActiveModel {
            kind: Set("sign_in_failed".into()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        auth_events::Entity::insert_many(chunk.to_vec())
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    let (status, page) = admin.call("/api/admin/audit", json!({"filter": {}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&page["total"], &page["total_capped"]),
        (&json!(10_000), &json!(true))
    );
    let (_, failed) = admin
        .call(
            "/api/admin/audit",
            json!({"filter": {"kind": "sign_in_failed"}}),
        )
        .await;
    assert_eq!(
        (&failed["total"], &failed["total_capped"]),
        (&json!(10_000), &json!(false))
    );
}

#[tokio::test]
async fn a_runaway_statement_is_cancelled_on_postgres() {
    if !use_postgres() {
        return;
    }
    let app = TestApp::builder()
        .env("DB_STATEMENT_TIMEOUT_MS", "300")
        .spawn()
        .await;
    let started = std::time::Instant::now();
    let err = app
        .state
        .db
        .execute_unprepared("SELECT pg_sleep(5)")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("statement timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
