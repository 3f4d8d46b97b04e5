//! The command line, run as a real process.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use reqwest::StatusCode;

use crate::helpers::*;

struct Cli {
    dir: tempfile::TempDir,
    /// On PostgreSQL: the schema of this test's own, dropped at the end.
    pg_schema: Option<String>,
}

impl Cli {
    /// A CLI on a SQLite file of its own.
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            pg_schema: None,
        }
    }

    /// A CLI on the engine this run tests (`TEST_DATABASE`), on an empty database.
    fn on_test_engine() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            pg_schema: use_postgres().then(|| unique("cli")),
        }
    }

    fn database_url(&self) -> String {
        match self.pg_schema {
            Some(_) => pg_url(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.dir.path().join("cli.db").display()
            ),
        }
    }

    fn command(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("DATABASE_URL", self.database_url())
            .env("BCRYPT_COST", "4")
            .env("LOG_LEVEL", "warn")
            .envs(self.pg_schema.iter().map(|s| ("DATABASE_SCHEMA", s)))
            .envs(extra_env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str], stdin: &str, extra_env: &[(&str, &str)]) -> (bool, String) {
        let mut child = self.command(args, extra_env).spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }
}

#[test]
fn create_user_checks_everything_and_refuses_duplicates() {
    let cli = Cli::new();
    let create = |email: &str, password: &str| {
        cli.run(
            &[
                "create-user",
                "--email",
                email,
                "--name",
                "Ayşe Yılmaz",
                "--role",
                "client",
            ],
            &format!("{password}\n"),
            &[],
        )
    };
    let (ok, out) = create("ayse@example.com", "Ankara-Mali-2026");
    assert!(ok, "{out}");
    assert!(
        out.contains("Created CLIENT account ayse@example.com"),
        "{out}"
    );

    let (ok, out) = create("AYSE@example.com", "Another-Pass-2026");
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = create("not-an-email", "Ankara-Mali-2026");
    assert!(!ok && out.contains("--email"), "{out}");
    let (ok, out) = create("weak@example.com", "password1234");
    assert!(!ok && out.contains("too common"), "{out}");
    let (ok, out) = create("long@example.com", &"é".repeat(129));
    assert!(!ok && out.contains("128 characters"), "{out}");
    let (ok, out) = create("short@example.com", "short");
    assert!(!ok && out.contains("at least"), "{out}");

    let (ok, out) = cli.run(&["seed-demo"], "", &[]);
    assert!(ok && out.contains("DEMO"), "{out}");
    let (ok, out) = cli.run(&["seed-demo"], "", &[]);
    assert!(ok && out.contains("already exist"), "{out}");
    let (ok, out) = cli.run(&["migrate"], "", &[]);
    assert!(ok && out.contains("up to date"), "{out}");
}

#[test]
fn invalid_configuration_names_the_variable_and_exits_non_zero() {
    let cli = Cli::new();
    let (ok, out) = cli.run(&["migrate"], "", &[("PORT", "eighty")]);
    assert!(!ok);
    assert!(out.contains("PORT: expected a port number"), "{out}");
    let (ok, out) = cli.run(&["serve"], "", &[("APP_ENV", "production")]);
    assert!(!ok);
    assert!(out.contains("PUBLIC_URL"), "{out}");
    // Without APP_ENV on an address other machines reach: refused, saying what to set.
    let (ok, out) = cli.run(&["serve"], "", &[("BIND", "0.0.0.0"), ("PORT", "0")]);
    assert!(!ok);
    assert!(out.contains("APP_ENV=production"), "{out}");
}

#[test]
fn seed_demo_refuses_production() {
    let cli = Cli::new();
    let (ok, out) = cli.run(&["seed-demo"], "", PRODUCTION);
    assert!(!ok);
    assert!(out.contains("create-user --role admin"), "{out}");
}

#[tokio::test]
async fn a_user_made_by_the_cli_can_sign_in() {
    let cli = Cli::new();
    let (ok, out) = cli.run(
        &[
            "create-user",
            "--email",
            "staff@example.com",
            "--name",
            "Staff",
            "--role",
            "admin",
        ],
        "Istanbul-Defter-77\n",
        &[],
    );
    assert!(ok, "{out}");
    let app = TestApp::builder()
        .env("DATABASE_URL", &cli.database_url())
        .spawn()
        .await;
    let response = app
        .client()
        .sign_in_with("staff@example.com", "Istanbul-Defter-77")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

impl Drop for Cli {
    fn drop(&mut self) {
        if let Some(schema) = self.pg_schema.take() {
            let _ = Command::new("psql")
                .args([
                    pg_url().as_str(),
                    "-qc",
                    &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
                ])
                .output();
        }
    }
}

/// What production needs besides the database, for `serve` to get as far as the schema check.
const PRODUCTION: &[(&str, &str)] = &[
    ("APP_ENV", "production"),
    ("PUBLIC_URL", "https://portal.example.com"),
    ("SESSION_SECRET", "k3Jx9-aQ2mV7pL0sZ8wT4nB6cR1yU5eH"),
    ("BCRYPT_COST", "10"),
    ("PORT", "0"),
    ("SMTP_URL", "smtp://127.0.0.1:2525"),
    ("MAIL_FROM", "SMMM Portal <portal@example.com>"),
];

#[test]
fn migrate_status_lists_pending_then_applied_and_production_waits_for_migrate() {
    let cli = Cli::on_test_engine();
    let (ok, out) = cli.run(&["migrate", "status"], "", &[]);
    assert!(!ok, "pending migrations are a failure: {out}");
    assert!(
        out.contains("pending  m20261129_000001_create_users"),
        "{out}"
    );
    assert!(out.contains("run `server migrate`"), "{out}");

    // Production does not migrate by itself: it names the command that does.
    let (ok, out) = cli.run(&["serve"], "", PRODUCTION);
    assert!(!ok);
    assert!(
        out.contains("schema is older than this server") && out.contains("`server migrate`"),
        "{out}"
    );

    let (ok, out) = cli.run(&["migrate"], "", &[]);
    assert!(ok && out.contains("up to date"), "{out}");
    let (ok, out) = cli.run(&["migrate", "status"], "", &[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("applied  m20261129_000005_add_user_search_text"),
        "{out}"
    );
    assert!(!out.contains("pending"), "{out}");
}

#[test]
fn migrations_started_at_once_all_succeed_and_leave_one_schema() {
    let cli = Cli::on_test_engine();
    let children: Vec<_> = (0..3)
        .map(|_| cli.command(&["migrate"], &[]).spawn().unwrap())
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{text}");
    }
    let (ok, out) = cli.run(&["migrate", "status"], "", &[]);
    assert!(ok, "{out}");
    use sea_orm_migration::MigratorTrait;
    let all = app::db::migrations::Migrator::migrations().len();
    assert_eq!(out.matches("applied  ").count(), all, "{out}");
    let (ok, out) = cli.run(&["seed-demo"], "", &[]);
    assert!(ok && out.contains("DEMO"), "the schema works: {out}");
}

#[tokio::test]
async fn rows_from_before_the_search_column_are_backfilled_after_the_migration() {
    use app::db::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let cli = Cli::new();
    let (ok, out) = cli.run(&["seed-demo"], "", &[]);
    assert!(ok, "{out}");
    let db = app::db::connect(&app::db::DbOptions::new(cli.database_url()))
        .await
        .unwrap();
    // As a row written before the column existed looks.
    let user = users::Entity::find().one(&db).await.unwrap().unwrap();
    users::ActiveModel {
        id: Set(user.id),
        search_text: Set(String::new()),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap();
    let (ok, out) = cli.run(&["migrate"], "", &[]);
    assert!(ok, "{out}");
    let filled = users::Entity::find_by_id(user.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        filled.search_text,
        app::db::users::search_text(&user.name, &user.email)
    );
}

#[tokio::test]
async fn reset_mfa_and_mfa_rekey_look_after_the_second_factors() {
    use app::session::server::mfa::secret_box::SecretBox;
    use sha2::{Digest, Sha256};
    const OLD: &str = "Old-key-Zq8Lw3xTn5Vb0Ka7Rc2Yh9Jd4Uf6Mg1";
    const NEW: &str = "New-key-Pr4Hs8Kt1Wm6Xc3Vb9Nd2Qf7Lg5Jz0";
    let cli = Cli::new();
    let (ok, out) = cli.run(&["migrate"], "", &[]);
    assert!(ok, "{out}");
    let (ok, out) = cli.run(
        &[
            "create-user",
            "--email",
            "yonetici@example.com",
            "--name",
            "Yönetici",
            "--role",
            "admin",
        ],
        "Ankara-Mali-2026\n",
        &[],
    );
    assert!(ok, "{out}");
    // Two-step sign-in on, its secret sealed under the old key (as a server with it would).
    let db = sea_orm::Database::connect(cli.database_url())
        .await
        .unwrap();
    let email = app::domain::Email::parse("yonetici@example.com").unwrap();
    let user = app::db::users::find_by_email(&db, &email)
        .await
        .unwrap()
        .unwrap();
    let old = SecretBox::new(&Sha256::digest(OLD).into(), None);
    let sealed = old.seal(user.id, b"12345678901234567890");
    app::db::second_factors::set_pending(&db, user.id, &sealed, chrono::Utc::now())
        .await
        .unwrap();
    assert!(
        app::db::second_factors::confirm(&db, user.id, &sealed, 1, &[], chrono::Utc::now())
            .await
            .unwrap()
    );

    // A key that cannot open it: the command says whose, and fails.
    let (ok, out) = cli.run(&["mfa-rekey"], "", &[("MFA_ENCRYPTION_KEY", NEW)]);
    assert!(
        !ok && out.contains(&format!("user ids {}", user.id)),
        "{out}"
    );
    // With the old key as the previous one: sealed again, and it opens under the new key alone.
    let rotating = [
        ("MFA_ENCRYPTION_KEY", NEW),
        ("MFA_ENCRYPTION_KEY_PREVIOUS", OLD),
    ];
    let (ok, out) = cli.run(&["mfa-rekey"], "", &rotating);
    assert!(ok && out.contains("Sealed 1 account(s)"), "{out}");
    let resealed = app::db::second_factors::find(&db, user.id)
        .await
        .unwrap()
        .unwrap()
        .secret
        .unwrap();
    let new = SecretBox::new(&Sha256::digest(NEW).into(), None);
    assert_eq!(
        new.open(user.id, &resealed).unwrap(),
        b"12345678901234567890"
    );

    let (ok, out) = cli.run(&["reset-mfa", "--email", "YONETICI@example.com"], "", &[]);
    assert!(ok, "{out}");
    assert!(
        app::db::second_factors::find(&db, user.id)
            .await
            .unwrap()
            .is_none()
    );
    let (ok, out) = cli.run(&["reset-mfa", "--email", "yonetici@example.com"], "", &[]);
    assert!(!ok && out.contains("not on"), "{out}");
    let (ok, out) = cli.run(&["reset-mfa", "--email", "nobody@example.com"], "", &[]);
    assert!(!ok && out.contains("no account"), "{out}");
}
