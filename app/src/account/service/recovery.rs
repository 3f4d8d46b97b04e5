//! A way back in: the single-use links a password reset, an invitation and an email change send
//! by email, and what following one does. The token (256 random bits) is only ever in the
//! email and the link's fragment; the database keeps its SHA-256. Every link that cannot be used
//! gets the same answer (`ApiError::invalid_link`), and none gives a session: the person signs
//! in afterwards, where the second step still applies.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{TransactionTrait, sea_query::Expr};
use sha2::{Digest, Sha256};

use crate::{
    account::model::{LinkInfo, ResetRequested},
    db::{
        self,
        account_links::{self, NewLink, Purpose},
        entities::users,
    },
    domain::{AuditKind, Email, Lang, Password, say, strength},
    error::ApiError,
    mail::{Letter, letters},
    session::server::request::ClientInfo,
    state::AppState,
};

/// How long each kind of link works.
pub const RESET_MINUTES: i64 = 30;
pub const INVITE_DAYS: i64 = 7;
pub const EMAIL_CHANGE_HOURS: i64 = 24;

/// The pages the links open (the token goes in the fragment).
const RESET_PATH: &str = "/auth/reset";
const INVITE_PATH: &str = "/auth/invite";
const CONFIRM_EMAIL_PATH: &str = "/auth/confirm-email";

/// A new token and the digest stored for it.
pub(super) fn new_token() -> (String, String) {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let digest = digest(&token);
    (token, digest)
}

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest of a token as typed or pasted; anything that is not one of ours is refused the
/// way a used one is.
fn digest_of_typed(token: &str) -> Result<String, ApiError> {
    let token = token.trim();
    let well_formed = token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Ok(digest(token))
    } else {
        Err(ApiError::invalid_link())
    }
}

/// Stores a new link of `purpose` for `user_id` (voiding the user's earlier ones of that
/// purpose) and queues the emails `letters` writes around its address, each with its recipient,
/// in one transaction: no email without its link, no link without its email. Wakes the mail
/// worker; answers the link and when it ends.
pub(super) async fn email_link(
    state: &AppState,
    user_id: i64,
    purpose: Purpose,
    new_email: Option<&str>,
    created_by: Option<i64>,
    letters: impl FnOnce(&str) -> Vec<(Letter, String)>,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let now = Utc::now();
    let (page, lasts) = match purpose {
        Purpose::Reset => (RESET_PATH, Duration::minutes(RESET_MINUTES)),
        Purpose::Invite => (INVITE_PATH, Duration::days(INVITE_DAYS)),
        Purpose::EmailChange => (CONFIRM_EMAIL_PATH, Duration::hours(EMAIL_CHANGE_HOURS)),
    };
    let expires_at = now + lasts;
    let (token, token_digest) = new_token();
    let new = NewLink {
        user_id,
        purpose,
        token_digest: &token_digest,
        new_email,
        expires_at,
        created_by,
    };
    let link = state.mail.link(page, &token);
    let txn = state.db.begin().await?;
    account_links::replace(&txn, new, now).await?;
    for (letter, recipient) in letters(&link) {
        state
            .mail
            .queue(&txn, &letter, &recipient, Some(user_id))
            .await?;
    }
    txn.commit().await?;
    state.mail.wake();
    Ok((link, expires_at))
}

/// Mail must be on for anything here.
pub(super) fn require_mail(state: &AppState) -> Result<(), ApiError> {
    if state.mail.enabled() {
        Ok(())
    } else {
        Err(ApiError::new(
            crate::error::ErrorCode::Forbidden,
            say(
                "Bu portal e-posta göndermediği için bağlantı gönderilemiyor. Lütfen muhasebe büronuzla iletişime geçin.",
                "This portal sends no email, so links cannot be sent. Please contact your accounting office.",
            ),
        ))
    }
}

/// `POST /api/auth/request_reset`. Answers at once, the same for every address: the lookup,
/// the limit per account and the email happen after the answer, in the background, so neither
/// the answer nor its timing says whether an account exists. Only the per-address limit (20
/// an hour, the same for everyone) is checked before.
pub async fn request_reset(
    state: &AppState,
    client: &ClientInfo,
    raw_email: &str,
) -> Result<ResetRequested, ApiError> {
    require_mail(state)?;
    let email = Email::parse(raw_email)?;
    let per_address = state.mail.settings().resets_per_address;
    let counted = state
        .sessions
        .limits()
        .count_request(
            "reset",
            client.addr.as_deref(),
            per_address,
            std::time::Duration::from_secs(3600),
        )
        .await?;
    if let Err(retry_after) = counted {
        return Err(ApiError::too_many(
            &say(
                "Bu ağdan çok fazla şifre sıfırlama isteği geldi.",
                "Too many password reset requests from this network.",
            ),
            retry_after,
        ));
    }
    let state = state.clone();
    let client = client.clone();
    // Read here: the request's language does not cross into the spawned task.
    let asked_in = Lang::current();
    tokio::spawn(async move {
        if let Err(err) = send_reset_link(&state, &client, &email, Asked::ByOwner(asked_in)).await {
            tracing::warn!(error = %err.message, "could not prepare a password reset email");
        }
    });
    Ok(ResetRequested {
        message: say(
            format!(
                "Bu adresle kayıtlı bir hesap varsa, yeni şifrenizi belirleyebilmeniz için bağlantı içeren bir e-posta gönderiyoruz. Bağlantı {RESET_MINUTES} dakika geçerlidir."
            ),
            format!(
                "If an account uses this address, an email with a link to choose a new password is on its way. The link works for {RESET_MINUTES} minutes."
            ),
        ),
    })
}

/// Who asked for a reset link.
#[derive(Debug, Clone, Copy)]
pub(super) enum Asked {
    /// The account's owner ("Forgot password?"), on a page in this language.
    ByOwner(Lang),
    /// An admin, this user id.
    ByStaff(i64),
}

/// Sends `email`'s account a reset link, when it is an active account that has not had too
/// many this hour. Its language: the owner's own choice, else the page's they asked on, else
/// (staff asked) the office's.
pub(super) async fn send_reset_link(
    state: &AppState,
    client: &ClientInfo,
    email: &Email,
    asked: Asked,
) -> Result<bool, ApiError> {
    let (by, asked_in) = match asked {
        Asked::ByOwner(lang) => (None, Some(lang)),
        Asked::ByStaff(id) => (Some(id), None),
    };
    let Some(user) = db::users::find_by_email(&state.db, email).await? else {
        tracing::debug!("password reset asked for an address with no account");
        return Ok(false);
    };
    if !user.active {
        tracing::debug!(
            user_id = user.id,
            "password reset asked for a deactivated account"
        );
        return Ok(false);
    }
    // An invited account opens only through its invitation: a reset would bypass a revoked or
    // expired one (staff send a new invitation instead).
    if user.invited_at.is_some() {
        tracing::debug!(
            user_id = user.id,
            "password reset asked for an invited account"
        );
        return Ok(false);
    }
    // Counted in the shared counters (one atomic statement), so requests racing on several
    // instances cannot send more than the hour's few.
    let per_account = state.mail.settings().resets_per_account;
    let counted = state
        .sessions
        .limits()
        .count_request(
            "reset-account",
            Some(&user.id.to_string()),
            per_account,
            std::time::Duration::from_secs(3600),
        )
        .await?;
    if counted.is_err() {
        tracing::info!(
            user_id = user.id,
            "password reset emails for this account are at their hourly limit"
        );
        return Ok(false);
    }
    let lang = state.mail.language_for(&user, asked_in);
    email_link(state, user.id, Purpose::Reset, None, by, |link| {
        let letter = letters::password_reset(lang, &user.name, link, RESET_MINUTES);
        vec![(letter, user.email.clone())]
    })
    .await?;
    let detail = by.map(|id| format!("by user #{id}"));
    let event = client.event(Some(user.id), None, detail.as_deref());
    state
        .sessions
        .audit(AuditKind::PasswordResetRequested, event)
        .await;
    Ok(true)
}

/// `POST /api/auth/reset_password` (`Purpose::Reset`) and `POST /api/auth/accept_invite`
/// (`Purpose::Invite`): sets the password the link's owner chose, uses the link, voids their
/// other reset and invitation links, and ends every session of theirs.
pub async fn set_password_by_link(
    state: &AppState,
    client: &ClientInfo,
    purpose: Purpose,
    token: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    let (link, user) = live_link_for(state, token, purpose).await?;
    // A reset is for an account with a password, an invitation for one still waiting: a stale
    // invitation link (accepted meanwhile) or a reset link of an invited account opens nothing.
    if user.invited_at.is_some() != (purpose == Purpose::Invite) {
        return Err(ApiError::invalid_link());
    }
    // The policy of every other password, checked before the link is used: a weak password
    // leaves the link working for a better one.
    let new = super::new_password_for(&user, new_password)?;
    let hash = state.sessions.hasher().hash(&new).await?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    if !account_links::consume(&txn, link.id, now).await? {
        return Err(ApiError::invalid_link());
    }
    // At the version read above: a change since (an acceptance, a reset, a deactivation) wins.
    let changed = db::users::update_active_user_at_version(
        &txn,
        user.id,
        user.version,
        vec![
            (users::Column::PasswordHash, Expr::value(hash)),
            (users::Column::PasswordChangedAt, Expr::value(now)),
            (users::Column::MustChangePassword, Expr::value(false)),
            (
                users::Column::InvitedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            ),
        ],
    )
    .await?;
    if !changed {
        return Err(ApiError::invalid_link());
    }
    account_links::void(&txn, user.id, &[Purpose::Reset, Purpose::Invite], now).await?;
    txn.commit().await?;
    let (kind, reason) = match purpose {
        Purpose::Invite => (AuditKind::InvitationAccepted, "invitation accepted"),
        _ => (AuditKind::PasswordReset, "password reset"),
    };
    // Recorded first: the password has changed whatever happens next.
    state
        .sessions
        .audit(kind, client.event(Some(user.id), None, None))
        .await;
    state
        .sessions
        .revoke_all_for_user(user.id, None, reason)
        .await?;
    Ok(())
}

/// A live link and its active owner, or the one neutral refusal.
async fn live_link(
    state: &AppState,
    token: &str,
) -> Result<(account_links::Link, users::Model), ApiError> {
    let token_digest = digest_of_typed(token)?;
    let link = account_links::find_live_any(&state.db, &token_digest, Utc::now())
        .await?
        .ok_or_else(ApiError::invalid_link)?;
    let user = db::users::find_by_id(&state.db, link.user_id)
        .await?
        .filter(|user| user.active)
        .ok_or_else(ApiError::invalid_link)?;
    Ok((link, user))
}

/// `live_link`, only for `purpose`: a link made for something else is refused like any other.
async fn live_link_for(
    state: &AppState,
    token: &str,
    purpose: Purpose,
) -> Result<(account_links::Link, users::Model), ApiError> {
    let (link, user) = live_link(state, token).await?;
    if link.purpose == purpose.as_str() {
        Ok((link, user))
    } else {
        Err(ApiError::invalid_link())
    }
}

/// `POST /api/auth/check_link`: what a live link is for, and whose: the page it opens says
/// "choose a password for Ayşe" or that the link is dead before anything is typed.
pub async fn check_link(state: &AppState, token: &str) -> Result<LinkInfo, ApiError> {
    let (link, user) = live_link(state, token).await?;
    Ok(LinkInfo {
        email: link.new_email.clone().unwrap_or_else(|| user.email.clone()),
        purpose: link.purpose,
        name: user.name,
        expires_at: db::rfc3339(link.expires_at),
    })
}

/// `POST /api/auth/link_strength`: the password's strength for the form of a reset or
/// invitation link (its owner's name and email count as known words).
pub async fn link_strength(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<strength::PasswordStrength, ApiError> {
    let (link, user) = live_link(state, token).await?;
    if link.purpose == Purpose::EmailChange.as_str() {
        return Err(ApiError::invalid_link());
    }
    let password = Password::parse(password)?;
    let owner = strength::Owner {
        name: Some(&user.name),
        email: Some(&user.email),
    };
    Ok(strength::assess(password.expose(), owner))
}

/// `POST /api/auth/confirm_email`: moves the account to the address the link was sent to,
/// unless another account has taken it meanwhile (409). Voids the user's other links.
pub async fn confirm_email(
    state: &AppState,
    client: &ClientInfo,
    token: &str,
) -> Result<String, ApiError> {
    let (link, user) = live_link_for(state, token, Purpose::EmailChange).await?;
    let now = Utc::now();
    let new_email = Email::parse(link.new_email.as_deref().unwrap_or_default())
        .map_err(|_| ApiError::invalid_link())?;
    let taken = || {
        ApiError::conflict(say(
            "Bu adresi artık başka bir hesap kullanıyor, bu nedenle değişiklik yapılamıyor. Lütfen muhasebe büronuzla iletişime geçin.",
            "Another account uses this address now, so the change cannot be made. Please contact your accounting office.",
        ))
    };
    if db::users::find_by_email(&state.db, &new_email)
        .await?
        .is_some_and(|other| other.id != user.id)
    {
        return Err(taken());
    }
    let txn = state.db.begin().await?;
    if !account_links::consume(&txn, link.id, now).await? {
        return Err(ApiError::invalid_link());
    }
    let changed = db::users::update_active_user(
        &txn,
        user.id,
        vec![
            (users::Column::Email, Expr::value(new_email.as_ref())),
            (
                users::Column::SearchText,
                Expr::value(db::users::search_text(&user.name, new_email.as_ref())),
            ),
        ],
    )
    .await;
    let changed = match changed {
        Ok(changed) => changed,
        // Taken between the check and the update: the unique index decides.
        Err(err) if db::users::is_unique_violation(&err) => return Err(taken()),
        Err(err) => return Err(err.into()),
    };
    if !changed {
        return Err(ApiError::invalid_link());
    }
    account_links::void(
        &txn,
        user.id,
        &[Purpose::Reset, Purpose::Invite, Purpose::EmailChange],
        now,
    )
    .await?;
    txn.commit().await?;
    let detail = format!("{} → {}", user.email, new_email.as_ref());
    state
        .sessions
        .audit(
            AuditKind::EmailChanged,
            client.event(Some(user.id), None, Some(&detail)),
        )
        .await;
    Ok(new_email.as_ref().to_owned())
}

/// Voids every pending link of `user_id` that a password change or a deactivation makes
/// wrong (an email change voids them in its own transaction).
pub async fn void_links_after_change(
    state: &AppState,
    user_id: i64,
    purposes: &[Purpose],
) -> Result<(), ApiError> {
    account_links::void(&state.db, user_id, purposes, Utc::now()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_only_their_digest_is_kept() {
        let (token, stored) = new_token();
        assert_eq!(token.len(), 43);
        assert_eq!(stored.len(), 64);
        assert_ne!(token, stored);
        assert_eq!(digest_of_typed(&token).ok(), Some(stored));
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn anything_else_is_the_one_invalid_link() {
        for typed in ["", "abc", &"a".repeat(44), &format!("{}!", "a".repeat(42))] {
            let err = digest_of_typed(typed).err();
            assert_eq!(
                err.map(|e| e.error),
                Some(crate::error::ErrorCode::InvalidLink)
            );
        }
    }
}
