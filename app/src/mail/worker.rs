//! Sends the mail queue: whatever is due, claimed a message at a time, so the instances of a
//! fleet share the work and none sends a message twice. A failure is tried again after a pause
//! that doubles (`retry_base`, an hour at most); after `max_attempts`, or at once when the server
//! refuses for good (a 5xx answer, an unreadable address), the message is given up and audited.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use lettre::{
    AsyncTransport, Message,
    message::{Mailbox, MultiPart},
};

use super::{Mailer, Transport};
use crate::{
    db::{audit, entities::outgoing_mail, outgoing_mail as queue},
    domain::AuditKind,
};

/// Messages looked at per round.
const BATCH: u64 = 20;
/// The longest pause between two attempts at one message.
const MAX_PAUSE: Duration = Duration::from_secs(60 * 60);

pub(super) async fn run(mailer: Arc<Mailer>) {
    loop {
        if let Err(err) = send_due(&mailer).await {
            tracing::warn!(%err, "mail: could not read the queue; trying again shortly");
        }
        tokio::select! {
            () = mailer.wake.notified() => {}
            () = tokio::time::sleep(mailer.settings.poll) => {}
        }
    }
}

async fn send_due(mailer: &Mailer) -> Result<(), sea_orm::DbErr> {
    loop {
        let now = Utc::now();
        let ids = queue::due(&mailer.db, now, BATCH).await?;
        if ids.is_empty() {
            return Ok(());
        }
        for id in ids {
            // From now, message by message (a batch's sends take time): long enough for one
            // conversation and its bookkeeping; a claim that runs out (its process died) lets
            // another worker take the message.
            let claimed_at = Utc::now();
            let until = claimed_at
                + chrono::Duration::from_std(mailer.settings.send_timeout * 3)
                    .unwrap_or_else(|_| chrono::Duration::minutes(1));
            let Some(row) = queue::claim(&mailer.db, id, claimed_at, until).await? else {
                continue;
            };
            match deliver(mailer, &row).await {
                Ok(()) => {
                    queue::mark_sent(&mailer.db, id, Utc::now()).await?;
                    metrics::counter!("smmm_mail_sent_total", "kind" => row.kind.clone())
                        .increment(1);
                    tracing::info!(mail_id = id, kind = %row.kind, "mail sent");
                }
                Err(failure) => give_up_or_retry(mailer, &row, &failure).await?,
            }
        }
    }
}

/// Why a message was not sent.
struct Failure {
    /// Sending it again cannot work.
    permanent: bool,
    reason: String,
}

async fn give_up_or_retry(
    mailer: &Mailer,
    row: &outgoing_mail::Model,
    failure: &Failure,
) -> Result<(), sea_orm::DbErr> {
    let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
    if failure.permanent || attempts >= mailer.settings.max_attempts {
        queue::mark_failed(&mailer.db, row.id, Utc::now(), &failure.reason).await?;
        metrics::counter!("smmm_mail_failed_total", "kind" => row.kind.clone()).increment(1);
        tracing::error!(
            mail_id = row.id,
            kind = %row.kind,
            attempts,
            reason = %failure.reason,
            "mail given up"
        );
        let detail = format!(
            "{} not delivered after {attempts} attempt(s): {}",
            row.kind, failure.reason
        );
        let event = audit::Event {
            user_id: row.user_id,
            detail: Some(&detail),
            ..Default::default()
        };
        audit::record_best_effort(&mailer.db, AuditKind::MailFailed, event).await;
        return Ok(());
    }
    let pause = mailer
        .settings
        .retry_base
        .saturating_mul(2_u32.saturating_pow(attempts - 1))
        .min(MAX_PAUSE);
    let next = Utc::now() + chrono::Duration::from_std(pause).unwrap_or(chrono::Duration::hours(1));
    tracing::warn!(
        mail_id = row.id,
        kind = %row.kind,
        attempts,
        retry_in_secs = pause.as_secs(),
        reason = %failure.reason,
        "mail not sent; will try again"
    );
    queue::mark_retry(&mailer.db, row.id, next, &failure.reason).await
}

async fn deliver(mailer: &Mailer, row: &outgoing_mail::Model) -> Result<(), Failure> {
    let permanent = |reason: String| Failure {
        permanent: true,
        reason,
    };
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|err| permanent(format!("the address cannot be used: {err}")))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(row.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            row.text_body.clone(),
            row.html_body.clone(),
        ))
        .map_err(|err| permanent(format!("the message could not be built: {err}")))?;
    match &mailer.transport {
        Transport::Smtp(smtp) => {
            let sent = tokio::time::timeout(mailer.settings.send_timeout, smtp.send(message)).await;
            match sent {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(err)) => Err(Failure {
                    permanent: err.is_permanent(),
                    reason: smtp_reason(&err),
                }),
                Err(_) => Err(Failure {
                    permanent: false,
                    reason: "the SMTP server did not answer in time".to_owned(),
                }),
            }
        }
        Transport::Folder(dir) => {
            let file = dir.join(format!(
                "{}-{:06}-{}.eml",
                Utc::now().format("%Y%m%dT%H%M%S"),
                row.id,
                row.kind
            ));
            let written = async {
                tokio::fs::create_dir_all(dir).await?;
                tokio::fs::write(&file, message.formatted()).await
            };
            written.await.map_err(|err| Failure {
                permanent: false,
                reason: format!("could not write {}: {err}", file.display()),
            })
        }
        Transport::Disabled => Err(permanent("mail is disabled".to_owned())),
    }
}

/// What went wrong in an SMTP conversation, in words for the log and the audit: lettre's own
/// message, which names the server's answer but never the credentials.
fn smtp_reason(err: &lettre::transport::smtp::Error) -> String {
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    reason
}
