//! The session service: sign-in, reading a request's session (fast path and renewal),
//! sign-out and revocation. Server functions reach it through `AppState`.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

mod two_step;

pub use two_step::{CHALLENGE_TTL, Challenge, Code, CodeRequest, CodeSignedIn, Enrolment};

use super::{
    config::AuthConfig,
    cookie::SessionCookie,
    denylist::Denylist,
    device::DeviceCookie,
    mfa::secret_box::SecretBox,
    password::PasswordHasher,
    request::ClientInfo,
    revocation::{self, RevocationWatcher, Which},
    sign_in_limits::{Outcome, SignInLimits},
    store,
    token::{Claims, SessionTerms, SigningKey, TokenKeys, Verified},
};
use crate::{
    db::{
        self,
        audit::{self, Event},
        entities::{sessions, users},
    },
    domain::{AuditKind, Email, Password},
    error::ApiError,
    session::{Amr, LiveSession, Requirement, Session, SessionClock, SessionUser},
};

/// A request's valid session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentSession {
    pub sid: String,
    pub session: Session,
    /// When the person signed in to this session: how fresh their credentials are.
    pub signed_in_at: DateTime<Utc>,
    /// With no activity, the session ends then.
    pub idle_expires: DateTime<Utc>,
    /// When the token the browser holds stops being enough on its own.
    pub token_expires: DateTime<Utc>,
    /// "Keep me signed in": whether the cookie outlives the browser.
    pub keep: bool,
    /// When and how the person last proved who they are: the sign-in, or a step-up since.
    pub verified_at: DateTime<Utc>,
    pub amr: Amr,
}

impl CurrentSession {
    pub fn user(&self) -> &SessionUser {
        &self.session.user
    }

    /// The one step this session is limited to, if any.
    pub fn required(&self) -> Option<Requirement> {
        self.session.required
    }

    /// The session a fresh token describes, with no database.
    fn from_claims(claims: Claims, idle_expires: DateTime<Utc>) -> Option<CurrentSession> {
        let session = claims.session()?;
        Some(CurrentSession {
            signed_in_at: DateTime::from_timestamp(claims.auth_time, 0)?,
            verified_at: DateTime::from_timestamp(claims.vat.unwrap_or(claims.auth_time), 0)?,
            amr: claims.amr.unwrap_or(Amr::Pwd),
            token_expires: DateTime::from_timestamp(claims.exp, 0)?,
            idle_expires,
            keep: claims.keep,
            sid: claims.sid,
            session,
        })
    }

    /// The session `terms` describe, for `user`, with these deadlines.
    fn of(
        user: SessionUser,
        terms: &SessionTerms<'_>,
        idle_expires: DateTime<Utc>,
        token_expires: DateTime<Utc>,
    ) -> Self {
        Self {
            sid: terms.sid.to_owned(),
            session: Session {
                user,
                expires: db::rfc3339(terms.expires),
                required: terms.required,
            },
            signed_in_at: terms.signed_in_at,
            idle_expires,
            token_expires,
            keep: terms.keep,
            verified_at: terms.verified_at,
            amr: terms.amr,
        }
    }

    /// What the auth endpoints answer: the session and its clock.
    pub fn live(&self, idle_warning: Duration) -> LiveSession {
        LiveSession {
            session: self.session.clone(),
            clock: SessionClock {
                idle_expires: db::rfc3339(self.idle_expires),
                token_expires: db::rfc3339(self.token_expires),
                idle_warning_secs: u32::try_from(idle_warning.as_secs()).unwrap_or(u32::MAX),
            },
        }
    }
}

/// How a request's token is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A call the person caused: an expired token is renewed.
    Renew,
    /// A background check: nothing is renewed or moved.
    Peek,
    /// The person's activity signal: the last activity moves and a new token is issued.
    Activity,
}

/// The idle deadline a token implies: it was minted at a moment of activity.
fn idle_deadline(claims: &Claims, idle_timeout: Duration) -> DateTime<Utc> {
    DateTime::from_timestamp(claims.iat, 0).unwrap_or_default() + to_chrono(idle_timeout)
}

/// A session just created: its id, what the client is told, and the cookie that carries it.
#[derive(Debug)]
pub struct StartedSession {
    pub session: CurrentSession,
    pub set_cookie: String,
    /// After a sign-in with the password: the device cookie that marks this browser as known.
    pub device_cookie: Option<String>,
}

/// What reading a token found.
#[derive(Debug)]
pub enum Resolved {
    /// A live session; `set_cookie` carries a renewed token when the old one had expired.
    Valid {
        current: CurrentSession,
        set_cookie: Option<String>,
    },
    /// No live session behind the token: the caller clears the cookie.
    Invalid,
}

pub struct SessionService {
    db: DatabaseConnection,
    config: AuthConfig,
    keys: TokenKeys,
    cookie: SessionCookie,
    hasher: PasswordHasher,
    denylist: Arc<Denylist>,
    watcher: Arc<RevocationWatcher>,
    limits: SignInLimits,
    /// Set once at start-up (`set_mailer`): the session layer's own messages (code entry paused).
    mailer: std::sync::OnceLock<Arc<crate::mail::Mailer>>,
    device: DeviceCookie,
    /// The key of the second factors' secrets; `None` when none is configured.
    mfa: Option<SecretBox>,
    challenge_cookie: SessionCookie,
}

/// What a sign-in with the right password gives: a session, or, for an account with two-step
/// sign-in, a challenge for the code.
#[derive(Debug)]
pub enum SignedIn {
    Session(StartedSession),
    CodeRequired(Challenge),
}

/// The AEAD key a configured key stands for: its SHA-256 (any 32 or more random bytes will do).
fn aead_key(configured: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(configured).into()
}

/// Records a sign-out the database refused at first: every second, then less often (30 s at
/// most), until it is recorded or the session would have ended anyway.
async fn retry_revocation(db: DatabaseConnection, sid: String, end: DateTime<Utc>) {
    let mut wait = Duration::from_secs(1);
    while Utc::now() < end {
        tokio::time::sleep(wait).await;
        match revocation::revoke(&db, Which::One(&sid), "sign-out (recorded late)").await {
            Ok(_) => {
                tracing::info!("a sign-out the database had refused is now recorded");
                return;
            }
            Err(err) => tracing::warn!(%err, "still could not record a sign-out"),
        }
        wait = (wait * 2).min(Duration::from_secs(30));
    }
}

/// What a device cookie names: the account, as of its last password change.
fn device_account(user: &users::Model) -> String {
    format!(
        "{}|{}",
        user.email,
        user.password_changed_at.timestamp_millis()
    )
}

/// How a signed-in person proves who they are again (step-up).
#[derive(Clone, Copy)]
pub enum Proof<'a> {
    Password(&'a str),
    /// A code from the authenticator app, or a recovery code (two-step sign-in on).
    Code(&'a str),
}

/// What a sign-in with `password` must be followed by before anything else: a new password when
/// this one is shorter than today's minimum (it was set under older rules) or an admin generated
/// it. (Only the length is checked here, as the rule says: the other rules for a new password
/// stay rules for setting one.)
fn required_at_sign_in(user: &users::Model, password: &Password) -> Option<Requirement> {
    let too_short = password.expose().chars().count() < crate::domain::input::PASSWORD_MIN_CHARS;
    (user.must_change_password || too_short).then_some(Requirement::PasswordChange)
}

/// The requirement a session row records: `Some(None)` for a full session, `None` for a value
/// this build cannot read (a newer build's step): such a session is refused, never widened.
fn stored_requirement(row: &sessions::Model) -> Option<Option<Requirement>> {
    match row.required_action.as_deref() {
        None => Some(None),
        Some(stored) => Requirement::parse(stored).map(Some),
    }
}

/// A sign-in as the request brings it.
#[derive(Debug, Clone, Copy)]
pub struct SignInRequest<'a> {
    pub client: &'a ClientInfo,
    /// The session token the request already carries, if any: it is ended.
    pub current_token: Option<&'a str>,
    /// The device cookies the request carries (see `device`).
    pub device_cookies: &'a [String],
    pub email: &'a str,
    pub password: &'a str,
    /// "Keep me signed in on this device": the cookie outlives the browser.
    pub keep_signed_in: bool,
}

/// Why the service could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("invalid signing secret: {0}")]
    Key(#[from] jsonwebtoken::errors::Error),
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
}

impl SessionService {
    pub fn new(db: DatabaseConnection, config: AuthConfig) -> Result<Self, SetupError> {
        // A token issued just before a revocation stays fresh for at most one lifetime: that
        // long an id must stay on the denylist, and that far back a catch-up must look.
        let revocation_window = config.token_ttl + Duration::from_secs(5);
        let denylist = Arc::new(Denylist::new(revocation_window));
        let key = |secret: &Option<Vec<u8>>| secret.as_deref().map(SigningKey::new).transpose();
        let keys = TokenKeys::new(
            SigningKey::new(&config.secret)?,
            key(&config.previous_secret)?,
            config.public_origin.clone(),
        )
        .also_verifying(key(&config.next_secret)?);
        Ok(Self {
            cookie: SessionCookie::new(config.secure_cookies()),
            hasher: PasswordHasher::new(
                config.bcrypt_cost,
                config.max_concurrent_hashes,
                config.hash_queue_timeout,
            )?,
            denylist: Arc::clone(&denylist),
            watcher: Arc::new(RevocationWatcher::new(
                db.clone(),
                denylist,
                revocation_window,
                config.revocation_poll,
            )),
            limits: SignInLimits::new(db.clone(), &config),
            mailer: std::sync::OnceLock::new(),
            device: DeviceCookie::new(config.secure_cookies()),
            mfa: config.mfa_key.as_deref().map(|key| {
                let previous = config.mfa_previous_key.as_deref().map(aead_key);
                SecretBox::new(&aead_key(key), previous.as_ref())
            }),
            challenge_cookie: SessionCookie::challenge(config.secure_cookies()),
            keys,
            config,
            db,
        })
    }

    /// Gives the session layer the mailer (once; a second call changes nothing).
    pub fn set_mailer(&self, mailer: Arc<crate::mail::Mailer>) {
        let _ = self.mailer.set(mailer);
    }

    /// The sign-in counters, for the other limits kept in them (reset requests).
    pub fn limits(&self) -> &SignInLimits {
        &self.limits
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    pub fn cookie(&self) -> &SessionCookie {
        &self.cookie
    }

    pub fn device_cookie(&self) -> &DeviceCookie {
        &self.device
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Checks credentials and starts a new session; the caller sets its cookies (the session's,
    /// and the device cookie that spares this browser the account's sign-in delay next time). A
    /// session the request already carried is ended: every sign-in gets a fresh id.
    pub async fn sign_in(&self, request: SignInRequest<'_>) -> Result<SignedIn, ApiError> {
        let SignInRequest {
            client,
            current_token,
            device_cookies,
            email,
            password,
            keep_signed_in,
        } = request;
        let email = Email::parse(email)?;
        let password = Password::parse(password)?;
        let user = db::users::find_by_email(&self.db, &email).await?;
        // A device cookie vouches for the account as it was: a password change ends that.
        let device = user.as_ref().and_then(|user| {
            let known_as = device_account(user);
            self.device
                .vouching_id(&self.keys, device_cookies, &known_as, Utc::now())
        });
        let attempt = match self
            .limits
            .begin(email.as_ref(), client.addr.as_deref(), device.as_deref())
            .await?
        {
            Ok(attempt) => attempt,
            Err(limited) => {
                metrics::counter!("auth_sign_ins_total", "outcome" => "limited").increment(1);
                for what in &limited.newly_limited {
                    metrics::counter!("auth_lockouts_total", "limit" => *what).increment(1);
                    let detail = format!("limited per {what}");
                    let event = client.event(None, Some(&email), Some(&detail));
                    self.audit(AuditKind::SignInLocked, event).await;
                }
                return Err(ApiError::too_many_requests(limited.retry_after));
            }
        };

        // Unknown emails are checked against a dummy hash: the time taken does not tell.
        let checked = self
            .hasher
            .verify(&password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await
            .map(|matched| (user, matched));
        let outcome = match &checked {
            Ok((_, true)) => Outcome::Correct,
            Ok((_, false)) => Outcome::Wrong,
            Err(_) => Outcome::NotChecked,
        };
        self.limits.finish(attempt, outcome).await?;
        if outcome == Outcome::NotChecked {
            metrics::counter!("auth_sign_ins_total", "outcome" => "unavailable").increment(1);
        }
        let (user, matched) = checked?;
        let user = match user {
            Some(user) if matched && user.active && user.role().is_ok() => user,
            user => {
                // The attempt was counted when it began: it stays a failure.
                let detail = match &user {
                    None => "unknown email",
                    Some(u) if !u.active && matched => "account deactivated",
                    Some(_) => "wrong password",
                };
                let event = client.event(user.as_ref().map(|u| u.id), Some(&email), Some(detail));
                self.audit(AuditKind::SignInFailed, event).await;
                metrics::counter!("auth_sign_ins_total", "outcome" => "failure").increment(1);
                return Err(ApiError::invalid_credentials());
            }
        };

        if let Some(Verified::Fresh(old) | Verified::Expired(old)) =
            current_token.and_then(|t| self.keys.verify(t, Utc::now()))
        {
            self.revoke(&old.sid, "replaced by a new sign-in").await?;
        }
        let enrolled = db::second_factors::confirmed_secret(&self.db, user.id)
            .await?
            .is_some();
        let required = required_at_sign_in(&user, &password)
            .or_else(|| self.enrolment_required(&user, enrolled));
        if self.hasher.needs_rehash(&user.password_hash) {
            self.rehash(&user, &password).await;
        }
        // Two-step sign-in: the right password leaves a challenge for the code, not a session.
        // (Even without the key configured: a recovery code still works.)
        if enrolled {
            let challenge = self
                .issue_challenge(&user, keep_signed_in, required)
                .await?;
            metrics::counter!("auth_sign_ins_total", "outcome" => "code_required").increment(1);
            return Ok(SignedIn::CodeRequired(challenge));
        }
        let started = self
            .start_session(&user, client, keep_signed_in, required, Amr::Pwd)
            .await?;
        // A password change, deactivation or role change that ran while bcrypt was working
        // revoked the user's sessions before this one existed: look again, and end it if so.
        let now_user = db::users::find_by_id(&self.db, user.id).await?;
        // The password by when it was set, not by its hash: a hash of the same password written
        // again (see below) is no change.
        let unchanged = now_user.as_ref().is_some_and(|u| {
            u.active && u.role == user.role && u.password_changed_at == user.password_changed_at
        });
        if !unchanged {
            self.revoke(&started.session.sid, "account changed during sign-in")
                .await?;
            return Err(ApiError::invalid_credentials());
        }
        self.finish_sign_in(&user, client, &started, required).await;
        Ok(SignedIn::Session(StartedSession {
            device_cookie: self.device_cookie_for(&user),
            ..started
        }))
    }

    /// Setting up two-step sign-in, when the office requires it of `user`'s role and they have
    /// none (`MFA_REQUIRED_FOR`).
    pub fn enrolment_required(&self, user: &users::Model, enrolled: bool) -> Option<Requirement> {
        let role = user.role().ok()?;
        (!enrolled && self.config.mfa_required_for.requires(role))
            .then_some(Requirement::TwoStepEnrolment)
    }

    /// A session limited to `step`, once the step is done: limited no more. Answers the cookie of
    /// a token that says so. (A password change needs none of this: it starts a new session.)
    pub async fn lift_requirement(
        &self,
        current: &CurrentSession,
        step: Requirement,
    ) -> Result<Option<String>, ApiError> {
        if current.required() != Some(step) {
            return Ok(None);
        }
        if !store::lift_requirement(&self.db, &current.sid, step).await? {
            return Err(ApiError::unauthenticated());
        }
        self.reissue(current).await.map(Some)
    }

    /// What every sign-in that made a session records: on the user (so that pruning ended
    /// sessions never loses "your previous sign-in"), in the audit log and in the metrics.
    async fn finish_sign_in(
        &self,
        user: &users::Model,
        client: &ClientInfo,
        started: &StartedSession,
        required: Option<Requirement>,
    ) {
        let sign_in = db::users::SignIn {
            session_id: &started.session.sid,
            at: started.session.signed_in_at,
            client_addr: client.addr.as_deref(),
            user_agent: client.user_agent.as_deref(),
        };
        if let Err(err) = db::users::record_sign_in(&self.db, user.id, &sign_in).await {
            tracing::warn!(%err, "could not record the sign-in on the user");
        }
        let detail = match (required, started.session.amr) {
            (Some(Requirement::PasswordChange), _) => Some("limited to choosing a new password"),
            (Some(Requirement::TwoStepEnrolment), _) => {
                Some("limited to setting up two-step sign-in")
            }
            // A password sign-in is the usual case: no note.
            (None, Amr::Pwd) => None,
            (None, amr) => Some(amr.audit_note()),
        };
        self.audit(AuditKind::SignIn, client.event(Some(user.id), None, detail))
            .await;
        metrics::counter!("auth_sign_ins_total", "outcome" => "success").increment(1);
    }

    /// The device cookie that marks this browser as one that signed in to `user`'s account.
    fn device_cookie_for(&self, user: &users::Model) -> Option<String> {
        self.device
            .issue(&self.keys, &device_account(user), Utc::now())
    }

    /// A new session row for `user` on this client, and the cookie that carries it (outliving
    /// the browser when `keep`), limited to `required` when that is given.
    pub async fn start_session(
        &self,
        user: &users::Model,
        client: &ClientInfo,
        keep: bool,
        required: Option<Requirement>,
        amr: Amr,
    ) -> Result<StartedSession, ApiError> {
        let session_user = SessionUser::try_from(user)?;
        let now = Utc::now();
        let expires_at = now + to_chrono(self.config.absolute_timeout);
        let row = store::create(
            &self.db,
            store::NewSession {
                user_id: user.id,
                now,
                expires_at,
                user_agent: client.user_agent.as_deref(),
                client_addr: client.addr.as_deref(),
                required,
                amr,
            },
        )
        .await?;
        let terms = SessionTerms {
            sid: &row.id,
            signed_in_at: now,
            expires: expires_at,
            keep,
            required,
            verified_at: now,
            amr,
        };
        let (set_cookie, session) = self.issue(session_user, &terms, now)?;
        Ok(StartedSession {
            session,
            set_cookie,
            device_cookie: None,
        })
    }

    /// Reads a token for a call the person caused. A fresh, unrevoked token is answered from
    /// memory alone; an expired one with a good signature is renewed against its session row
    /// (which moves the session's last activity).
    pub async fn resolve(&self, token: &str) -> Result<Resolved, ApiError> {
        self.read_token(token, Reading::Renew).await
    }

    /// Reads a token for a background check (an interval, focus, another tab, the events
    /// stream): never renews it and never moves the session's last activity. An expired token
    /// whose session is still live is answered with that session and no new token.
    pub async fn peek(&self, token: &str) -> Result<Resolved, ApiError> {
        self.read_token(token, Reading::Peek).await
    }

    /// Reads a token as `reading` says: `Renew` is `resolve`, `Peek` is `peek`, and `Activity`
    /// (`POST /api/auth/activity`) moves the session's last activity to now and issues a fresh
    /// token carrying the new idle deadline, whatever state the old one is in.
    pub async fn read_token(&self, token: &str, reading: Reading) -> Result<Resolved, ApiError> {
        let now = Utc::now();
        let (claims, fresh) = match self.keys.verify(token, now) {
            None => return Ok(Resolved::Invalid),
            Some(Verified::Fresh(claims)) => (claims, true),
            Some(Verified::Expired(claims)) => (claims, false),
        };
        if self.denylist.contains(&claims.sid) {
            return Ok(Resolved::Invalid);
        }
        // Every token is minted at a moment of activity, so a fresh one whose idle deadline
        // has not passed needs no database (the fast path). Past it, only the row can say
        // whether the person was active since (through a newer token).
        let idle_expires = idle_deadline(&claims, self.config.idle_timeout);
        if fresh
            && reading != Reading::Activity
            && now < idle_expires
            && now.timestamp() < claims.sexp
        {
            return Ok(match CurrentSession::from_claims(claims, idle_expires) {
                Some(current) => Resolved::Valid {
                    current,
                    set_cookie: None,
                },
                None => Resolved::Invalid,
            });
        }
        // Boxed: the database reads' futures are kilobytes, and inline they would make this
        // future (and every caller's, up to the server's per-request one, which is moved and
        // boxed on every request) as large, for the fast path above too.
        Box::pin(self.read_row(claims, reading, now)).await
    }

    /// `read_token` past its fast path: the session row decides.
    async fn read_row(
        &self,
        claims: Claims,
        reading: Reading,
        now: DateTime<Utc>,
    ) -> Result<Resolved, ApiError> {
        let Some((row, user)) = self.live_row(&claims, now).await? else {
            return Ok(Resolved::Invalid);
        };
        let Some(required) = stored_requirement(&row) else {
            return Ok(Resolved::Invalid);
        };
        let terms = SessionTerms {
            sid: &row.id,
            signed_in_at: row.created_at,
            expires: row.expires_at,
            keep: claims.keep,
            required,
            verified_at: row.verified_at.unwrap_or(row.created_at),
            amr: Amr::from_stored(row.amr.as_deref()),
        };
        let session_user = SessionUser {
            id: user.id,
            email: user.email,
            name: user.name,
            role: claims.role,
        };
        if reading == Reading::Peek {
            // Still signed in until the row's idle deadline; the token stays as it is.
            let current = CurrentSession::of(
                session_user,
                &terms,
                row.last_seen_at + to_chrono(self.config.idle_timeout),
                DateTime::from_timestamp(claims.exp, 0).unwrap_or(now),
            );
            return Ok(Resolved::Valid {
                current,
                set_cookie: None,
            });
        }
        // Only a row that is still unrevoked is touched: a revocation that landed since the read
        // above wins, and no token is minted for it.
        if !store::touch(&self.db, &row.id, now).await? {
            return Ok(Resolved::Invalid);
        }
        let (set_cookie, current) = self.issue(session_user, &terms, now)?;
        Ok(Resolved::Valid {
            current,
            set_cookie: Some(set_cookie),
        })
    }

    /// The token's session row and its user, when the session is still live: not revoked, not
    /// past its idle or absolute end, its user active with the role the token names and no
    /// password change since sign-in. A session found ended is revoked here (so every instance
    /// and every open events stream hears of it).
    async fn live_row(
        &self,
        claims: &Claims,
        now: DateTime<Utc>,
    ) -> Result<Option<(sessions::Model, users::Model)>, ApiError> {
        let Some(row) = store::find(&self.db, &claims.sid).await? else {
            return Ok(None);
        };
        if row.revoked_at.is_some() || Some(row.user_id) != claims.user_id() {
            return Ok(None);
        }
        let ended = if now >= row.expires_at {
            Some("absolute timeout")
        } else if now - row.last_seen_at > to_chrono(self.config.idle_timeout) {
            Some("idle timeout")
        } else {
            None
        };
        if let Some(reason) = ended {
            self.revoke(&row.id, reason).await?;
            return Ok(None);
        }
        let Some(user) = db::users::find_by_id(&self.db, row.user_id).await? else {
            return Ok(None);
        };
        if !user.active
            || user.role().ok() != Some(claims.role)
            || row.created_at < user.password_changed_at
        {
            self.revoke(&row.id, "account changed").await?;
            return Ok(None);
        }
        Ok(Some((row, user)))
    }

    /// Ends the session behind `token`, whatever state its token is in. Idempotent.
    pub async fn sign_out(&self, client: &ClientInfo, token: Option<&str>) -> Result<(), ApiError> {
        let Some(claims) = token.and_then(|t| match self.keys.verify(t, Utc::now()) {
            Some(Verified::Fresh(c) | Verified::Expired(c)) => Some(c),
            None => None,
        }) else {
            return Ok(());
        };
        self.denylist.insert(&claims.sid);
        match revocation::revoke(&self.db, Which::One(&claims.sid), "sign-out").await {
            Ok(revoked) => {
                if !revoked.is_empty() {
                    let event = client.event(claims.user_id(), None, None);
                    self.audit(AuditKind::SignOut, event).await;
                }
                Ok(())
            }
            // Never a half sign-out: this instance refuses the session until its absolute end,
            // the revocation is retried until it is recorded (and then fans out), and the
            // person is told. Other instances refuse it once its token expires: renewal needs
            // the row.
            Err(err) => {
                tracing::error!(%err, "could not record a sign-out: retrying in the background");
                let end = DateTime::from_timestamp(claims.sexp, 0).unwrap_or_else(Utc::now);
                let left = (end - Utc::now()).to_std().unwrap_or_default();
                self.denylist
                    .insert_until(&claims.sid, std::time::Instant::now() + left);
                tokio::spawn(retry_revocation(self.db.clone(), claims.sid, end));
                Err(ApiError::sign_out_unconfirmed())
            }
        }
    }

    /// Revokes one session: at once on this instance, as soon as the others hear of it (see
    /// `revocation`).
    pub async fn revoke(&self, sid: &str, reason: &str) -> Result<(), ApiError> {
        self.denylist.insert(sid);
        let revoked = revocation::revoke(&self.db, Which::One(sid), reason).await?;
        if !revoked.is_empty() {
            let detail = format!("session revoked: {reason}");
            let kind = if reason.contains("timeout") {
                AuditKind::SessionExpired
            } else {
                AuditKind::SessionRevoked
            };
            // Whose session and from where, so the log's line names them (the row outlives
            // its revocation; a read that fails costs only those two columns).
            let row = store::find(&self.db, sid).await.ok().flatten();
            let event = Event {
                user_id: row.as_ref().map(|r| r.user_id),
                client_addr: row.as_ref().and_then(|r| r.client_addr.as_deref()),
                user_agent: row.as_ref().and_then(|r| r.user_agent.as_deref()),
                detail: Some(&detail),
                ..Event::default()
            };
            self.audit(kind, event).await;
        }
        Ok(())
    }

    /// Starts what runs beside the requests until the process ends: the revocation watcher
    /// (see `revocation`) and, hourly, the pruning of old sign-in counters.
    pub fn spawn_background_tasks(&self) {
        self.watcher.spawn();
    }

    /// What the retention job keeps: sessions and audit events as the office configured, and
    /// the sign-in counters as long as the limits need them.
    pub fn retention_policy(
        &self,
        sessions_after: Duration,
        audit_after: Option<Duration>,
    ) -> db::retention::Policy {
        db::retention::Policy {
            sessions_after,
            audit_after,
            idle_timeout: self.config.idle_timeout,
            counters_after: self.limits.counters_kept_for(),
        }
    }

    /// Whether `token` is refused without asking the database: not a token of ours (a bad
    /// signature, malformed, another site's), or its session is on the denylist. An expired
    /// token of ours is not: its session may live on, and only its row can say.
    pub fn refuses_at_once(&self, token: &str) -> bool {
        match self.keys.verify(token, Utc::now()) {
            None => true,
            Some(Verified::Fresh(claims) | Verified::Expired(claims)) => {
                self.denylist.contains(&claims.sid)
            }
        }
    }

    /// How many session ids this instance refuses from memory (a metric).
    pub fn denylist_len(&self) -> usize {
        self.denylist.len()
    }

    /// Whether this instance refuses `sid` without asking the database: revoked here, or heard
    /// of from another instance.
    pub fn is_revoked_here(&self, sid: &str) -> bool {
        self.denylist.contains(sid)
    }

    /// Every session id revoked from now on, here or on another instance, as this instance
    /// hears of it: what the session events streams push to browsers.
    pub fn subscribe_revocations(&self) -> tokio::sync::broadcast::Receiver<Arc<str>> {
        self.denylist.subscribe()
    }

    /// What hears the other instances' revocations: its lags and health.
    pub fn revocations(&self) -> &RevocationWatcher {
        &self.watcher
    }

    /// A fresh token for the current session, after a change to what its claims say (the
    /// user's name, say): the fast path would otherwise answer with the old claims until the
    /// token expires. Like every token, it is minted from the session row and the user row read
    /// in the same step: a session revoked meanwhile, on any instance, gets none.
    pub async fn reissue(&self, current: &CurrentSession) -> Result<String, ApiError> {
        Ok(self.reissued(current).await?.0)
    }

    /// `reissue`, with the session as the new token describes it.
    async fn reissued(
        &self,
        current: &CurrentSession,
    ) -> Result<(String, CurrentSession), ApiError> {
        let now = Utc::now();
        let row = store::find(&self.db, &current.sid)
            .await?
            .filter(|row| row.revoked_at.is_none() && now < row.expires_at)
            .ok_or_else(ApiError::unauthenticated)?;
        let user = db::users::find_by_id(&self.db, row.user_id)
            .await?
            .filter(|user| user.active)
            .ok_or_else(ApiError::unauthenticated)?;
        let session_user = SessionUser::try_from(&user)?;
        // A role change ends every session; one still in flight here gets no token either.
        if session_user.role != current.user().role || !store::touch(&self.db, &row.id, now).await?
        {
            return Err(ApiError::unauthenticated());
        }
        let required = stored_requirement(&row).ok_or_else(ApiError::unauthenticated)?;
        let terms = SessionTerms {
            sid: &row.id,
            signed_in_at: row.created_at,
            expires: row.expires_at,
            keep: current.keep,
            required,
            verified_at: row.verified_at.unwrap_or(row.created_at),
            amr: Amr::from_stored(row.amr.as_deref()),
        };
        self.issue(session_user, &terms, now)
    }

    /// Step-up: the person behind `current` proves who they are again, with their password
    /// (under the per-session limit of `verify_password`) or, with two-step sign-in on, a code
    /// (under the account's code limit). Recorded on the session row (when, and how) and in the
    /// audit log; answers the cookie of a token that says so, and the session as it now stands:
    /// what the actions in `step_up::Sensitive` look for. A wrong password is 400 on
    /// `password`, a wrong code 401 `invalid_code`.
    pub async fn reauthenticate(
        &self,
        current: &CurrentSession,
        client: &ClientInfo,
        proof: Proof<'_>,
    ) -> Result<(String, CurrentSession), ApiError> {
        let user = db::users::find_by_id(&self.db, current.user().id)
            .await?
            .filter(|user| user.active)
            .ok_or_else(ApiError::unauthenticated)?;
        let event = |detail| client.event(Some(user.id), None, Some(detail));
        let amr = match proof {
            Proof::Password(password) => {
                let password = Password::parse(password)?;
                if !self.verify_password(current, &user, &password).await? {
                    self.audit(AuditKind::ReauthFailed, event("wrong password"))
                        .await;
                    return Err(ApiError::invalid(
                        "password",
                        crate::domain::say("Şifre hatalı.", "The password is incorrect."),
                    ));
                }
                Amr::Pwd
            }
            Proof::Code(typed) => {
                let code = Code::parse(typed)?;
                if !self.code_is_right(&user, client, &code).await? {
                    self.audit(AuditKind::ReauthFailed, event("wrong code"))
                        .await;
                    return Err(ApiError::invalid_code());
                }
                code.amr()
            }
        };
        // Only a session that is still unrevoked is stamped: a revocation meanwhile wins.
        if !store::record_verification(&self.db, &current.sid, Utc::now(), amr).await? {
            return Err(ApiError::unauthenticated());
        }
        let reissued = self.reissued(current).await?;
        self.audit(AuditKind::Reauthenticated, event(amr.audit_note()))
            .await;
        Ok(reissued)
    }

    /// Writes the password's hash again, as the current version at the current cost, after it
    /// verified against an older one. Best effort: the sign-in stands whatever happens here, and
    /// the next one tries again.
    async fn rehash(&self, user: &users::Model, password: &Password) {
        let rehashed = match self.hasher.hash(password).await {
            Ok(hash) => {
                db::users::replace_password_hash(&self.db, user.id, &user.password_hash, hash)
                    .await
                    .map_err(|err| err.to_string())
            }
            Err(err) => Err(err.message),
        };
        match rehashed {
            Ok(true) => tracing::info!(user_id = user.id, "password hash upgraded"),
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(user_id = user.id, %err, "could not upgrade a password hash")
            }
        }
    }

    /// Checks a signed-in user's password (to change it, or to confirm ending sessions), under
    /// a limit of its own session's: a stolen cookie is no way to guess the password, and a
    /// stranger's failed sign-ins never stop the owner.
    pub async fn verify_password(
        &self,
        current: &CurrentSession,
        user: &users::Model,
        password: &Password,
    ) -> Result<bool, ApiError> {
        let attempt = self
            .limits
            .begin_reentry(&current.sid)
            .await?
            .map_err(|limited| ApiError::too_many_requests(limited.retry_after))?;
        let checked = self
            .hasher
            .verify(password, Some(&user.password_hash))
            .await;
        self.limits.finish(attempt, Outcome::of(&checked)).await?;
        checked
    }

    /// Revokes every session of a user, but `except`, everywhere as `revoke` does.
    pub async fn revoke_all_for_user(
        &self,
        user_id: i64,
        except: Option<&str>,
        reason: &str,
    ) -> Result<usize, ApiError> {
        let ids = revocation::revoke(&self.db, Which::AllOf { user_id, except }, reason).await?;
        for sid in &ids {
            self.denylist.insert(sid);
        }
        if !ids.is_empty() {
            // One line for them all, naming whose: "3 session(s) revoked: ended by an admin".
            let detail = format!("{} session(s) revoked: {reason}", ids.len());
            let event = Event {
                user_id: Some(user_id),
                detail: Some(&detail),
                ..Event::default()
            };
            self.audit(AuditKind::SessionRevoked, event).await;
        }
        Ok(ids.len())
    }

    /// Mints a token for `user` in the session `terms` describe, at a moment of activity: the
    /// cookie that carries it, and the session as the caller now holds it.
    fn issue(
        &self,
        user: SessionUser,
        terms: &SessionTerms<'_>,
        now: DateTime<Utc>,
    ) -> Result<(String, CurrentSession), ApiError> {
        let ttl = i64::try_from(self.config.token_ttl.as_secs()).unwrap_or(i64::MAX);
        let token = self.keys.issue(&user, terms, now, ttl).map_err(|err| {
            tracing::error!(%err, "could not sign a session token");
            ApiError::internal()
        })?;
        // Kept: the cookie lives as long as the session could, so an expired token can be
        // renewed (rounded up: a cookie that expires a moment before its session would end it
        // early). Not kept: a browser-session cookie, gone when the browser closes.
        let remaining = (terms.expires - now).num_milliseconds().max(0);
        let max_age = terms.keep.then_some((remaining + 999) / 1000);
        let set_cookie = self.cookie.set(&token, max_age);
        let current = CurrentSession::of(
            user,
            terms,
            now + to_chrono(self.config.idle_timeout),
            (now + to_chrono(self.config.token_ttl)).min(terms.expires),
        );
        Ok((set_cookie, current))
    }

    /// Records an audit event; a failure to write it is logged, never returned.
    pub async fn audit(&self, kind: AuditKind, event: Event<'_>) {
        audit::record_best_effort(&self.db, kind, event).await;
    }
}

impl TryFrom<&users::Model> for SessionUser {
    type Error = ApiError;

    fn try_from(user: &users::Model) -> Result<Self, ApiError> {
        Ok(Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role()?,
        })
    }
}

pub fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}
