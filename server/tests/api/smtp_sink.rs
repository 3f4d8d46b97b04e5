//! A real SMTP server for the tests: aiosmtpd (PyPI, installed in `.tools/smtp` by
//! `scripts/install-tools.sh test`) run as a subprocess, storing what it receives in a Maildir
//! that the tests read and parse as a mail client would.

use std::{path::PathBuf, time::Duration};

use super::helpers::{Process, free_port};

/// The Python with aiosmtpd: `SMTP_SINK_PYTHON`, else the project's `.tools/smtp`.
fn python() -> PathBuf {
    std::env::var_os("SMTP_SINK_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/smtp/bin/python"),
        PathBuf::from,
    )
}

pub struct SmtpSink {
    pub port: u16,
    maildir: tempfile::TempDir,
    process: Option<Process>,
}

/// A message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Received {
    /// The portal link to `path` in the text part (the whole address, fragment included).
    pub fn link(&self, path: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with("http") && word.contains(&format!("{path}#token=")))
            .unwrap_or_else(|| panic!("no {path} link in: {}", self.text))
            .to_owned()
    }

    /// The token of the link to `path`.
    pub fn token(&self, path: &str) -> String {
        let link = self.link(path);
        link.split_once("#token=").unwrap().1.to_owned()
    }
}

impl SmtpSink {
    /// Starts the server on a free port and waits until it accepts connections.
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    pub async fn start_on(port: u16) -> Self {
        let maildir = tempfile::tempdir().unwrap();
        let mut sink = Self {
            port,
            maildir,
            process: None,
        };
        sink.restart().await;
        sink
    }

    /// Starts it again on the same port (after `stop`), with the messages it had.
    pub async fn restart(&mut self) {
        let python = python();
        assert!(
            python.exists(),
            "{} is missing: run scripts/install-tools.sh test (it installs aiosmtpd)",
            python.display()
        );
        let child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("mail"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        self.process = Some(Process(child));
        let started = std::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start on port {}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server (a mail server briefly down).
    pub fn stop(&mut self) {
        self.process = None;
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let new = self.maildir.path().join("mail/new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .map(|raw| parse(&raw))
            .collect()
    }

    /// The messages to `to`.
    pub fn messages_to(&self, to: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.contains(to))
            .collect()
    }

    /// Waits (15 s at most) until `count` messages to `to` have arrived; answers them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Received> {
        let started = std::time::Instant::now();
        loop {
            let got = self.messages_to(to);
            if got.len() >= count {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "expected {count} message(s) to {to}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn parse(raw: &[u8]) -> Received {
    use mailparse::MailHeaderMap;
    let mail = mailparse::parse_mail(raw).unwrap();
    let part = |mime: &str| {
        mail.subparts
            .iter()
            .find(|p| p.ctype.mimetype == mime)
            .and_then(|p| p.get_body().ok())
            .unwrap_or_default()
    };
    Received {
        to: mail.headers.get_first_value("To").unwrap_or_default(),
        subject: mail.headers.get_first_value("Subject").unwrap_or_default(),
        text: part("text/plain"),
        html: part("text/html"),
    }
}
