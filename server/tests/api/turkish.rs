//! Turkish text handled as Turkish people type and read it: search that forgives i/ı/İ/I and
//! marks, names sorted in Turkish order by the database (pages stay right), one spelling per
//! email address, and stored addresses brought to it without merging two accounts.

use app::{db, domain::Role};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{TestApp, TestClient, unique};

async fn create_client(client: &TestClient, name: &str, email: &str) -> i64 {
    let (status, body) = client
        .call(
            "/api/admin/create_client",
            json!({"name": name, "email": email, "password": "Defter-Kalem-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["user"]["id"].as_i64().unwrap()
}

async fn search(client: &TestClient, query: &str) -> Vec<String> {
    client.listed_names(json!({ "query": query })).await
}

#[tokio::test]
async fn search_matches_i_dotted_or_not_and_letters_without_their_marks() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tag = unique("t").to_lowercase();
    create_client(
        &admin,
        &format!("Öztürk {tag}"),
        &format!("oz-{tag}@example.com"),
    )
    .await;
    create_client(
        &admin,
        &format!("İbrahim {tag}"),
        &format!("ib-{tag}@example.com"),
    )
    .await;
    create_client(
        &admin,
        &format!("İstanbul {tag}"),
        &format!("ist-{tag}@example.com"),
    )
    .await;
    create_client(
        &admin,
        &format!("Işıl Çağlar {tag}"),
        &format!("is-{tag}@example.com"),
    )
    .await;

    for (typed, expected) in [
        ("ozturk", "Öztürk"),
        ("ÖZTÜRK", "Öztürk"),
        ("ibrahim", "İbrahim"),
        ("IBRAHIM", "İbrahim"),
        ("ISTANBUL", "İstanbul"),
        ("istanbul", "İstanbul"),
        ("isil caglar", "Işıl Çağlar"),
        ("IŞIL ÇAĞLAR", "Işıl Çağlar"),
    ] {
        let found = search(&admin, &format!("{typed} {tag}")).await;
        assert_eq!(
            found,
            vec![format!("{expected} {tag}")],
            "\"{typed}\" finds {expected}"
        );
    }
}

#[tokio::test]
async fn names_are_listed_in_turkish_order_across_pages() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tag = unique("s").to_lowercase();
    // More than a page (20), so the order must come from the database.
    let mut names: Vec<String> = Vec::new();
    for (i, first) in [
        "Zeynep", "Ümit", "Uğur", "Şahin", "Sema", "Ömer", "Oya", "İlker", "Işık", "Güneş", "Gül",
        "Demir", "Çelik", "Cem", "Ayşe", "Ahmet", "Burak", "Hakan", "Kemal", "Levent", "Murat",
        "Nur", "Pınar", "Rıza", "Tuba",
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("{first} {tag}");
        create_client(&admin, &name, &format!("n{i}-{tag}@example.com")).await;
        names.push(name);
    }
    let mut listed = Vec::new();
    for page in 1..=2 {
        let (status, body) = admin
            .call(
                "/api/admin/users",
                json!({"filter": {"query": tag, "page": page}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        for user in body["items"].as_array().unwrap() {
            listed.push(user["name"].as_str().unwrap().to_owned());
        }
    }
    let order: Vec<&str> = listed
        .iter()
        .map(|n| n.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![
            "Ahmet", "Ayşe", "Burak", "Cem", "Çelik", "Demir", "Gül", "Güneş", "Hakan", "Işık",
            "İlker", "Kemal", "Levent", "Murat", "Nur", "Oya", "Ömer", "Pınar", "Rıza", "Sema",
            "Şahin", "Tuba", "Uğur", "Ümit", "Zeynep",
        ]
    );
}

#[tokio::test]
async fn an_address_typed_with_a_turkish_capital_i_is_the_ordinary_one() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tag = unique("e").to_lowercase();
    create_client(&admin, "Bilgi Hesabı", &format!("İNFO-{tag}@Ofis.Example")).await;
    let stored = format!("info-{tag}@ofis.example");
    let found =
        db::users::find_by_email(&app.state.db, &app::domain::Email::parse(&stored).unwrap())
            .await
            .unwrap()
            .expect("stored in its one spelling");
    assert!(!found.email.contains('\u{307}'), "{}", found.email);
    // The same address typed either way is one account.
    let (status, body) = admin
        .call(
            "/api/admin/create_client",
            json!({"name": "İkinci", "email": format!("info-{tag}@OFIS.EXAMPLE"), "password": "Defter-Kalem-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        (body["error"].as_str(), body["field"].as_str()),
        (Some("invalid_input"), Some("email"))
    );
    // And signs in typed with the Turkish capital.
    let client = app.client();
    let response = client
        .sign_in_with(&format!("İNFO-{tag}@ofis.example"), "Defter-Kalem-2026")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn stored_addresses_are_brought_to_one_spelling_unless_that_merges_two_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tag = unique("m").to_lowercase();
    let plain = create_client(&admin, "Düz", &format!("plain-{tag}@example.com")).await;
    let twin = create_client(&admin, "Eş", &format!("twin-{tag}@example.com")).await;
    let lone = create_client(&admin, "Tek", &format!("lone-{tag}@example.com")).await;
    // Rows as an older version stored them: `to_lowercase` of a Turkish capital İ (i + U+0307),
    // one of them the twin of an address already there.
    let old_twin = format!("twi\u{307}n-{tag}@example.com");
    let old_lone = format!("li\u{307}one-{tag}@example.com");
    let db = &app.state.db;
    let backend = db.get_database_backend();
    for (id, email) in [(plain, old_twin.clone()), (lone, old_lone.clone())] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "UPDATE users SET email = $1, search_text = '' WHERE id = $2"
                }
                _ => "UPDATE users SET email = ?, search_text = '' WHERE id = ?",
            },
            [email.into(), id.into()],
        ))
        .await
        .unwrap();
    }
    db::users::backfill_folded_text(db).await.unwrap();
    // Its one spelling belongs to `twin`: left as it was, for a person to decide.
    assert_eq!(email_of(db, plain).await, old_twin);
    assert_eq!(email_of(db, twin).await, format!("twin-{tag}@example.com"));
    // Nobody else has it: brought to the one spelling, and found by search.
    assert_eq!(email_of(db, lone).await, format!("lione-{tag}@example.com"));
    let found = search(&admin, &format!("lione-{tag}")).await;
    assert_eq!(found, vec!["Tek".to_owned()]);
}

async fn email_of(db: &sea_orm::DatabaseConnection, id: i64) -> String {
    db::users::find_by_id(db, id).await.unwrap().unwrap().email
}
