//! Outgoing mail: a password reset, an invitation, an email change, a warning about the second
//! step. A message is queued in the database (`db::outgoing_mail`) on the request path and sent
//! by `worker` off it, through SMTP (`SMTP_URL`, with lettre) or, in development without
//! SMTP, into a folder as `.eml` files. A message is therefore not lost when the SMTP server is
//! briefly away: it is tried again with a growing pause, and audited when given up.
//!
//! Each message is in one language, its recipient's (`Mailer::language_for`): the one they
//! chose, else the one they asked in (a reset asked for on a Turkish page), else the office's
//! (`OFFICE_LANGUAGE`).

pub mod letters;
mod worker;

use std::{path::PathBuf, sync::Arc, time::Duration};

use chrono::Utc;
use lettre::{AsyncSmtpTransport, Tokio1Executor, message::Mailbox};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use letters::Letter;

use crate::{
    db::{
        self,
        entities::users,
        outgoing_mail::{self, NewMail},
    },
    domain::Lang,
};

/// Where messages go.
#[derive(Clone)]
pub enum Delivery {
    /// An SMTP server: `smtp://host:587?tls=required`, `smtps://user:pass@host:465`, ….
    Smtp { url: String },
    /// A folder of `.eml` files (development without `SMTP_URL`).
    Folder(PathBuf),
    /// No mail at all (`MAIL_DISABLED=true`): nothing that needs it is offered.
    Disabled,
}

/// Written by hand: an SMTP URL may carry a password.
impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { .. } => f.write_str("Smtp([redacted])"),
            Self::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            Self::Disabled => f.write_str("Disabled"),
        }
    }
}

/// The mail settings (`server`'s configuration builds them from the environment).
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub delivery: Delivery,
    /// `MAIL_FROM`, e.g. `SMMM Portal <portal@ofis.example>`.
    pub from: String,
    /// The portal's address, for the links in messages.
    pub public_origin: String,
    /// Attempts before a message is given up (and audited).
    pub max_attempts: u32,
    /// The pause after the first failure; it doubles after each (an hour at most).
    pub retry_base: Duration,
    /// One SMTP conversation may take this long.
    pub send_timeout: Duration,
    /// How often the worker looks for messages due (a message queued here wakes it at once).
    pub poll: Duration,
    /// Password reset emails one account gets in an hour, at most (more requests are taken
    /// and answered as usual, and send nothing).
    pub resets_per_account: u32,
    /// Reset requests one client address may make in an hour (then 429).
    pub resets_per_address: u32,
    /// `OFFICE_LANGUAGE`: the language of a message to someone who chose none, when they did
    /// not ask for it themselves (an invitation, a notice).
    pub office_language: Lang,
}

impl MailSettings {
    pub fn new(delivery: Delivery, public_origin: impl Into<String>) -> Self {
        Self {
            delivery,
            from: "SMMM Portal <portal@localhost>".to_owned(),
            public_origin: public_origin.into(),
            max_attempts: 8,
            retry_base: Duration::from_secs(30),
            send_timeout: Duration::from_secs(20),
            poll: Duration::from_secs(5),
            resets_per_account: 3,
            resets_per_address: 20,
            office_language: Lang::Tr,
        }
    }
}

/// Whether `value` is a sender lettre takes (`Name <address>` or a bare address).
pub fn is_mailbox(value: &str) -> bool {
    value.parse::<Mailbox>().is_ok()
}

/// Why mail could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("MAIL_FROM is not an address such as 'SMMM Portal <portal@example.com>': {0}")]
    From(String),
    #[error("SMTP_URL could not be read: {0}")]
    SmtpUrl(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
    Disabled,
}

pub struct Mailer {
    db: DatabaseConnection,
    settings: MailSettings,
    from: Mailbox,
    transport: Transport,
    wake: tokio::sync::Notify,
}

impl Mailer {
    pub fn new(db: DatabaseConnection, settings: MailSettings) -> Result<Self, MailSetupError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|err: lettre::address::AddressError| MailSetupError::From(err.to_string()))?;
        let transport = match &settings.delivery {
            Delivery::Smtp { url } => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    // The error names what is wrong with the URL, never the URL itself.
                    .map_err(|err| MailSetupError::SmtpUrl(err.to_string()))?
                    .timeout(Some(settings.send_timeout))
                    .build(),
            ),
            Delivery::Folder(dir) => Transport::Folder(dir.clone()),
            Delivery::Disabled => Transport::Disabled,
        };
        Ok(Self {
            db,
            settings,
            from,
            transport,
            wake: tokio::sync::Notify::new(),
        })
    }

    /// Whether the portal sends mail at all: without it, neither the forgot-password link nor
    /// invitations are offered.
    pub fn enabled(&self) -> bool {
        !matches!(self.transport, Transport::Disabled)
    }

    pub fn settings(&self) -> &MailSettings {
        &self.settings
    }

    /// The language of a message to `user`: the one they chose, else `asked_in` (the language
    /// of their own request that causes it), else the office's.
    pub fn language_for(&self, user: &users::Model, asked_in: Option<Lang>) -> Lang {
        db::users::language_of(user)
            .or(asked_in)
            .unwrap_or(self.settings.office_language)
    }

    /// The address of a page of the portal with `token` in its fragment: the fragment never
    /// reaches a server's log or another site's `Referer`.
    pub fn link(&self, path: &str, token: &str) -> String {
        format!("{}{path}#token={token}", self.settings.public_origin)
    }

    /// Queues `letter` for `recipient` (in `db`, which may be a transaction: the message is sent
    /// only if it commits). Call `wake` once it has.
    pub async fn queue(
        &self,
        db: &impl ConnectionTrait,
        letter: &Letter,
        recipient: &str,
        user_id: Option<i64>,
    ) -> Result<(), DbErr> {
        if !self.enabled() {
            return Ok(());
        }
        let new = NewMail {
            kind: letter.kind,
            user_id,
            recipient,
            subject: &letter.subject,
            text_body: &letter.text,
            html_body: &letter.html,
        };
        outgoing_mail::enqueue(db, new, Utc::now()).await?;
        Ok(())
    }

    /// `queue` on the mailer's own connection, and the worker woken.
    pub async fn send(
        &self,
        letter: &Letter,
        recipient: &str,
        user_id: Option<i64>,
    ) -> Result<(), DbErr> {
        self.queue(&self.db, letter, recipient, user_id).await?;
        self.wake();
        Ok(())
    }

    /// Tells this instance's worker that a message is waiting.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the worker that sends the queue (nothing when mail is disabled), and says in the
    /// log where mail goes.
    pub fn spawn_worker(self: &Arc<Self>) {
        match &self.transport {
            Transport::Disabled => {
                tracing::info!("mail is disabled (MAIL_DISABLED=true)");
                return;
            }
            Transport::Folder(dir) => tracing::info!(
                outbox = %dir.display(),
                "SMTP_URL is not set: mail is written to the outbox folder as .eml files"
            ),
            Transport::Smtp(_) => tracing::info!("mail is sent through SMTP_URL"),
        }
        let mailer = Arc::clone(self);
        tokio::spawn(async move { worker::run(mailer).await });
    }
}
