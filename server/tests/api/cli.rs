//! The command line, run as a real process.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use reqwest::StatusCode;

use crate::helpers::*;

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn database_url(&self) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            self.dir.path().join("cli.db").display()
        )
    }

    fn run(&self, args: &[&str], stdin: &str, extra_env: &[(&str, &str)]) -> (bool, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("DATABASE_URL", self.database_url())
            .env("BCRYPT_COST", "4")
            .env("LOG_LEVEL", "warn")
            .envs(extra_env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
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
    let (ok, out) = create("weak@example.com", "password123");
    assert!(!ok && out.contains("too common"), "{out}");
    let (ok, out) = create("long@example.com", &"é".repeat(40));
    assert!(!ok && out.contains("72 bytes"), "{out}");
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
