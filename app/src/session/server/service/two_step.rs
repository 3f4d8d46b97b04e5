//! Two-step sign-in on the session service: the challenge a correct password leaves for an
//! enrolled account, the second step that turns it into a session, and enrolment (turning it
//! on with a code, off or new recovery codes with the password and a code).
//!
//! Limits: a challenge lives 5 minutes and takes 5 wrong codes; an account takes 10 wrong codes
//! an hour, whatever challenge they came with (`SignInLimits::begin_code`). A time step's code is
//! accepted once, a recovery code once: each use is one conditional update, so a replay on
//! another instance is refused too.

use chrono::{DateTime, Utc};

use super::{SessionService, StartedSession, store, to_chrono};
use crate::{
    db::{self, entities::users, second_factors as factors},
    domain::{AuditKind, Password, say},
    error::ApiError,
    session::{
        Amr, Requirement,
        server::{
            mfa::{recovery, totp},
            request::ClientInfo,
            sign_in_limits::Outcome,
        },
    },
};

/// How long the second step may take.
pub const CHALLENGE_TTL: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// How long a setup's secret waits for the code that confirms it.
const PENDING_TTL: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Wrong codes one challenge takes before it is void.
const CHALLENGE_MAX_FAILURES: i32 = 5;

/// A challenge issued: its cookie, and when it ends.
#[derive(Debug)]
pub struct Challenge {
    pub set_cookie: String,
    pub expires: DateTime<Utc>,
}

/// A typed second-step code: six digits from the app, or a recovery code. Spaces and dashes are
/// dropped first.
#[derive(Clone, PartialEq, Eq)]
pub enum Code {
    Totp(String),
    Recovery(String),
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Totp(_) => "Code::Totp(***)",
            Self::Recovery(_) => "Code::Recovery(***)",
        })
    }
}

impl Code {
    pub fn parse(typed: &str) -> Result<Self, ApiError> {
        let bare: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if bare.len() == totp::DIGITS && bare.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(bare));
        }
        recovery::normalise(&bare).map(Self::Recovery).ok_or_else(|| {
            ApiError::invalid(
                "code",
                say(
                    "Kimlik doğrulama uygulamanızdaki 6 haneli kodu ya da kurtarma kodlarınızdan birini girin.",
                    "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
                ),
            )
        })
    }

    pub(super) fn amr(&self) -> Amr {
        match self {
            Self::Totp(_) => Amr::Otp,
            Self::Recovery(_) => Amr::Recovery,
        }
    }
}

/// What enrolment shows once: the secret as a QR code, as a URI and typed by hand. (Its
/// `Debug` shows none of them.)
#[derive(Clone)]
pub struct Enrolment {
    pub otpauth_uri: String,
    pub secret: String,
    pub qr_svg: String,
}

/// A second step as the request brings it.
#[derive(Debug, Clone, Copy)]
pub struct CodeRequest<'a> {
    pub client: &'a ClientInfo,
    pub challenge: Option<&'a str>,
    pub code: &'a str,
}

/// A second step that went through: the session, and the recovery codes left when one was used.
#[derive(Debug)]
pub struct CodeSignedIn {
    pub started: StartedSession,
    pub recovery_codes_left: Option<u64>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(***)")
    }
}

impl SessionService {
    fn mfa_keys(&self) -> Result<&crate::session::server::mfa::secret_box::SecretBox, ApiError> {
        self.mfa.as_ref().ok_or_else(|| {
            ApiError::new(
                crate::error::ErrorCode::Unavailable,
                say(
                    "İki adımlı oturum açma bu sunucuda yapılandırılmamış (MFA_ENCRYPTION_KEY).",
                    "Two-step sign-in is not set up on this server (MFA_ENCRYPTION_KEY).",
                ),
            )
        })
    }

    /// Whether this server can keep second factors (it has their key).
    pub fn two_step_available(&self) -> bool {
        self.mfa.is_some()
    }

    pub fn challenge_cookie(&self) -> &crate::session::server::cookie::SessionCookie {
        &self.challenge_cookie
    }

    /// The challenge for `user`, whose password was right and who has a second factor.
    pub(super) async fn issue_challenge(
        &self,
        user: &users::Model,
        keep_signed_in: bool,
        required: Option<Requirement>,
    ) -> Result<Challenge, ApiError> {
        let id = store::new_session_id();
        let now = self.config.clock.now();
        let expires = now + to_chrono(CHALLENGE_TTL);
        factors::create_challenge(
            &self.db,
            factors::NewChallenge {
                id: &id,
                user_id: user.id,
                now,
                expires_at: expires,
                keep_signed_in,
                required_action: required.map(Requirement::as_str),
                password_changed_at: user.password_changed_at,
            },
        )
        .await?;
        let max_age = i64::try_from(CHALLENGE_TTL.as_secs()).unwrap_or(300);
        Ok(Challenge {
            set_cookie: self.challenge_cookie.set(&id, Some(max_age)),
            expires,
        })
    }

    /// The second step: the code for the challenge the request carries makes the session.
    pub async fn verify_code(&self, request: CodeRequest<'_>) -> Result<CodeSignedIn, ApiError> {
        let code = Code::parse(request.code)?;
        let now = self.config.clock.now();
        let challenge = match request.challenge {
            Some(id) => factors::open_challenge(&self.db, id, now).await?,
            None => None,
        }
        .ok_or_else(ApiError::sign_in_expired)?;
        let user = db::users::find_by_id(&self.db, challenge.user_id)
            .await?
            .filter(|u| {
                u.active
                    && u.role().is_ok()
                    && u.password_changed_at == challenge.password_changed_at
            })
            .ok_or_else(ApiError::sign_in_expired)?;
        let (sealed, last_step) = factors::confirmed_secret(&self.db, user.id)
            .await?
            .ok_or_else(ApiError::sign_in_expired)?;

        let accepted = self
            .check_code_limited(&user, request.client, (&sealed, last_step), &code, now)
            .await?;
        if !accepted {
            let voided = factors::fail_challenge(
                &self.db,
                &challenge.id,
                CHALLENGE_MAX_FAILURES,
                self.config.clock.now(),
            )
            .await?;
            let detail = match &code {
                Code::Totp(_) => "wrong or reused code",
                Code::Recovery(_) => "wrong or used recovery code",
            };
            let event = request.client.event(Some(user.id), None, Some(detail));
            self.audit(AuditKind::CodeFailed, event).await;
            metrics::counter!("auth_sign_ins_total", "outcome" => "code_failure").increment(1);
            return Err(if voided {
                ApiError::sign_in_expired()
            } else {
                ApiError::invalid_code()
            });
        }
        // The code is used up either way; the challenge must still be there to be used.
        if !factors::consume_challenge(&self.db, &challenge.id, self.config.clock.now()).await? {
            return Err(ApiError::sign_in_expired());
        }
        // A requirement this build cannot read is never widened to a full session.
        let required = match challenge.required_action.as_deref() {
            None => None,
            Some(stored) => Some(Requirement::parse(stored).ok_or_else(ApiError::sign_in_expired)?),
        };
        let started = self
            .start_session(
                &user,
                request.client,
                challenge.keep_signed_in,
                required,
                code.amr(),
            )
            .await?;
        // A password change, deactivation, role change or reset that ran meanwhile revoked the
        // user's sessions before this one existed: look again, and end it if so.
        let now_user = db::users::find_by_id(&self.db, user.id).await?;
        let unchanged = now_user.as_ref().is_some_and(|u| {
            u.active && u.role == user.role && u.password_changed_at == user.password_changed_at
        }) && factors::confirmed_secret(&self.db, user.id)
            .await?
            .is_some();
        if !unchanged {
            self.revoke(&started.session.sid, "account changed during sign-in")
                .await?;
            return Err(ApiError::sign_in_expired());
        }
        let recovery_codes_left = match code {
            Code::Recovery(_) => Some(self.audit_recovery_code_used(&user, request.client).await?),
            Code::Totp(_) => None,
        };
        self.finish_sign_in(&user, request.client, &started, required)
            .await;
        Ok(CodeSignedIn {
            started: StartedSession {
                device_cookie: self.device_cookie_for(&user),
                ..started
            },
            recovery_codes_left,
        })
    }

    /// Whether `code` is the user's, used up here when it is (its step, or the recovery code).
    async fn check_code(
        &self,
        user: &users::Model,
        sealed: &str,
        last_step: Option<i64>,
        code: &Code,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        match code {
            Code::Totp(digits) => {
                let secret = self.open_secret(user.id, sealed)?;
                let unix = u64::try_from(now.timestamp()).unwrap_or_default();
                let last = last_step.and_then(|s| u64::try_from(s).ok());
                let Some(step) = totp::accepted_step(&secret, digits, unix, last) else {
                    return Ok(false);
                };
                let step = i64::try_from(step).unwrap_or(i64::MAX);
                Ok(factors::use_step(&self.db, user.id, step).await?)
            }
            Code::Recovery(normalised) => Ok(factors::use_recovery_code(
                &self.db,
                user.id,
                &recovery::digest(normalised),
                now,
            )
            .await?),
        }
    }

    fn open_secret(&self, user_id: i64, sealed: &str) -> Result<Vec<u8>, ApiError> {
        self.mfa_keys()?.open(user_id, sealed).map_err(|err| {
            tracing::error!(user_id, %err, "could not open a second factor's secret");
            ApiError::internal()
        })
    }

    /// Enrolment, first half: a new secret for `user`, kept pending until a code confirms it.
    pub async fn start_enrolment(&self, user: &users::Model) -> Result<Enrolment, ApiError> {
        let keys = self.mfa_keys()?;
        if factors::confirmed_secret(&self.db, user.id)
            .await?
            .is_some()
        {
            return Err(ApiError::conflict(say(
                "İki adımlı oturum açma zaten açık. Başka bir uygulama kurmak için önce kapatın.",
                "Two-step sign-in is already on. Turn it off first to set up another app.",
            )));
        }
        let secret = totp::new_secret();
        let otpauth_uri = totp::otpauth_uri(&secret, &user.email).ok_or_else(ApiError::internal)?;
        let qr_svg = totp::qr_svg(&otpauth_uri).ok_or_else(ApiError::internal)?;
        factors::set_pending(
            &self.db,
            user.id,
            &keys.seal(user.id, &secret),
            self.config.clock.now(),
        )
        .await?;
        Ok(Enrolment {
            secret: totp::secret_for_typing(&secret),
            otpauth_uri,
            qr_svg,
        })
    }

    /// Enrolment, second half: a code from the app confirms the pending secret; answers the
    /// recovery codes, shown this once.
    pub async fn confirm_enrolment(
        &self,
        user: &users::Model,
        client: &ClientInfo,
        typed: &str,
    ) -> Result<Vec<String>, ApiError> {
        let Code::Totp(digits) = Code::parse(typed)? else {
            return Err(ApiError::invalid(
                "code",
                say(
                    "Kimlik doğrulama uygulamanızın şu anda gösterdiği 6 haneli kodu girin.",
                    "Enter the 6-digit code your authenticator app shows now.",
                ),
            ));
        };
        let now = self.config.clock.now();
        // A setup left for longer is over: its QR code may have been seen by others since.
        let pending = factors::find(&self.db, user.id)
            .await?
            .and_then(|row| match (row.pending_secret, row.pending_at) {
                (Some(secret), Some(at)) if now - at <= to_chrono(PENDING_TTL) => Some(secret),
                _ => None,
            })
            .ok_or_else(|| {
                ApiError::conflict(say(
                    "Lütfen baştan başlayın: kurulum bulunamadı, çok uzun sürdü ya da zaten tamamlandı.",
                    "Start again: the setup was not found, it took too long, or it was finished already.",
                ))
            })?;
        let secret = self.open_secret(user.id, &pending)?;
        let unix = u64::try_from(now.timestamp()).unwrap_or_default();
        // Under the account's code limit: a stolen session must not guess the pending secret.
        let attempt = self.begin_code_limited(user, client).await?;
        let step = totp::accepted_step(&secret, &digits, unix, None);
        let outcome = if step.is_some() {
            Outcome::Correct
        } else {
            Outcome::Wrong
        };
        self.limits.finish(attempt, outcome).await?;
        let Some(step) = step else {
            return Err(ApiError::invalid_code());
        };
        let codes = recovery::generate();
        let digests = recovery::digests(&codes);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        if !factors::confirm(
            &self.db,
            user.id,
            &pending,
            step,
            &digests,
            self.config.clock.now(),
        )
        .await?
        {
            return Err(ApiError::conflict(say(
                "Kurulum bu arada değişti (başka bir sekmede mi?). Lütfen baştan başlayın.",
                "The setup changed meanwhile (another tab?). Start again.",
            )));
        }
        self.audit(
            AuditKind::TwoStepEnabled,
            client.event(Some(user.id), None, None),
        )
        .await;
        Ok(codes)
    }

    /// Whether `code` is the signed-in `user`'s (used up when it is), under the account's code
    /// limit. 409 when two-step sign-in is not on.
    pub(super) async fn code_is_right(
        &self,
        user: &users::Model,
        client: &ClientInfo,
        code: &Code,
    ) -> Result<bool, ApiError> {
        let (sealed, last_step) = factors::confirmed_secret(&self.db, user.id)
            .await?
            .ok_or_else(|| {
                ApiError::conflict(say(
                    "Bu hesapta iki adımlı oturum açma kapalı: şifrenizi kullanın.",
                    "Two-step sign-in is not on for this account: use the password.",
                ))
            })?;
        let now = self.config.clock.now();
        let accepted = self
            .check_code_limited(user, client, (&sealed, last_step), code, now)
            .await?;
        if accepted && matches!(code, Code::Recovery(_)) {
            self.audit_recovery_code_used(user, client).await?;
        }
        Ok(accepted)
    }

    /// `check_code` under the account's code limit (10 wrong an hour): the one way a code is
    /// checked, at sign-in as in a step-up or a change to the second factor.
    async fn check_code_limited(
        &self,
        user: &users::Model,
        client: &ClientInfo,
        (sealed, last_step): (&str, Option<i64>),
        code: &Code,
        now: DateTime<Utc>,
    ) -> Result<bool, ApiError> {
        let attempt = self.begin_code_limited(user, client).await?;
        let accepted = self.check_code(user, sealed, last_step, code, now).await;
        let outcome = Outcome::of(&accepted);
        self.limits.finish(attempt, outcome).await?;
        if outcome == Outcome::Wrong && self.limits.code_budget_just_filled(user.id).await? {
            self.tell_code_entry_paused(user).await;
        }
        accepted
    }

    /// The wrong code that filled the account's hour stops code entry: the owner is told by
    /// email (whoever typed the codes has the password). A failure to queue it is logged only.
    async fn tell_code_entry_paused(&self, user: &users::Model) {
        let Some(mailer) = self.mailer.get() else {
            return;
        };
        let minutes = self.limits.code_pause().as_secs().div_ceil(60);
        // Nobody asked for this one: the owner's language, else the office's.
        let lang = mailer.language_for(user, None);
        let letter = crate::mail::letters::code_entry_paused(lang, &user.name, minutes);
        if let Err(err) = mailer.send(&letter, &user.email, Some(user.id)).await {
            tracing::warn!(%err, user_id = user.id, "could not queue the code lockout email");
        }
    }

    /// A recovery code was used: audited with the count left, which is answered.
    async fn audit_recovery_code_used(
        &self,
        user: &users::Model,
        client: &ClientInfo,
    ) -> Result<u64, ApiError> {
        let left = factors::recovery_codes_left(&self.db, user.id).await?;
        let detail = format!("recovery code used, {left} left");
        let event = client.event(Some(user.id), None, Some(&detail));
        self.audit(AuditKind::RecoveryCodeUsed, event).await;
        Ok(left)
    }

    /// Counts an attempt at a code for `user`'s account (10 wrong an hour): refused with 429,
    /// and the limit's first refusal audited as a lockout, as the password's are.
    async fn begin_code_limited(
        &self,
        user: &users::Model,
        client: &ClientInfo,
    ) -> Result<crate::session::server::sign_in_limits::Attempt, ApiError> {
        match self.limits.begin_code(user.id).await? {
            Ok(attempt) => Ok(attempt),
            Err(limited) => {
                for what in &limited.newly_limited {
                    let detail = format!("limited per {what}");
                    let event = client.event(Some(user.id), None, Some(&detail));
                    self.audit(AuditKind::SignInLocked, event).await;
                }
                Err(ApiError::too_many_requests(limited.retry_after))
            }
        }
    }

    /// Checks the password and a code (from the app, or a recovery code) before turning
    /// two-step sign-in off or making new recovery codes.
    async fn confirm_owner(
        &self,
        current: &super::CurrentSession,
        user: &users::Model,
        client: &ClientInfo,
        password: &str,
        typed: &str,
    ) -> Result<(), ApiError> {
        let password = Password::parse(password)?;
        let code = Code::parse(typed)?;
        if factors::confirmed_secret(&self.db, user.id)
            .await?
            .is_none()
        {
            return Err(ApiError::conflict(say(
                "İki adımlı oturum açma kapalı.",
                "Two-step sign-in is not on.",
            )));
        }
        let failed = |detail| client.event(Some(user.id), None, Some(detail));
        if !self.verify_password(current, user, &password).await? {
            self.audit(AuditKind::ReauthFailed, failed("wrong password"))
                .await;
            return Err(ApiError::invalid(
                "password",
                say("Şifre hatalı.", "The password is incorrect."),
            ));
        }
        if self.code_is_right(user, client, &code).await? {
            Ok(())
        } else {
            self.audit(AuditKind::CodeFailed, failed("wrong or used code"))
                .await;
            Err(ApiError::invalid_code())
        }
    }

    /// Turns two-step sign-in off for the signed-in `user`, with their password and a code.
    pub async fn disable_two_step(
        &self,
        current: &super::CurrentSession,
        user: &users::Model,
        client: &ClientInfo,
        password: &str,
        code: &str,
    ) -> Result<(), ApiError> {
        // What the office requires cannot be turned off by its owner (an admin can reset it).
        if user
            .role()
            .is_ok_and(|role| self.config.mfa_required_for.requires(role))
        {
            return Err(ApiError::conflict(say(
                "Büro, hesabınız için iki adımlı oturum açmayı zorunlu tuttuğundan bu özellik kapatılamaz. Yeni bir telefona geçiyorsanız bir yöneticiden bu ayarı sıfırlamasını isteyin, ardından yeniden kurun.",
                "The office requires two-step sign-in for your account, so it cannot be turned off. For a new phone, ask an admin to reset it, then set it up again.",
            )));
        }
        self.confirm_owner(current, user, client, password, code)
            .await?;
        factors::remove(&self.db, user.id).await?;
        self.audit(
            AuditKind::TwoStepDisabled,
            client.event(Some(user.id), None, None),
        )
        .await;
        Ok(())
    }

    /// New recovery codes for the signed-in `user`, with their password and a code; the old ones
    /// stop working.
    pub async fn new_recovery_codes(
        &self,
        current: &super::CurrentSession,
        user: &users::Model,
        client: &ClientInfo,
        password: &str,
        code: &str,
    ) -> Result<Vec<String>, ApiError> {
        self.confirm_owner(current, user, client, password, code)
            .await?;
        let codes = recovery::generate();
        let digests = recovery::digests(&codes);
        factors::replace_recovery_codes(&self.db, user.id, &digests).await?;
        self.audit(
            AuditKind::RecoveryCodesRenewed,
            client.event(Some(user.id), None, None),
        )
        .await;
        Ok(codes)
    }

    /// Turns two-step sign-in off for someone who lost their phone and recovery codes: by an
    /// admin (`by` says who, for the audit log) or from the command line. Every session of theirs
    /// ends. `false` when it was not on.
    pub async fn reset_two_step(&self, user_id: i64, by: &str) -> Result<bool, ApiError> {
        if !factors::remove(&self.db, user_id).await? {
            return Ok(false);
        }
        self.revoke_all_for_user(user_id, None, "two-step sign-in reset")
            .await?;
        let detail = format!("reset {by}");
        let event = crate::db::audit::Event {
            user_id: Some(user_id),
            detail: Some(&detail),
            ..crate::db::audit::Event::default()
        };
        self.audit(AuditKind::TwoStepDisabled, event).await;
        Ok(true)
    }

    /// Seals every second factor's secret again under the current key (after a rotation, with
    /// the old key as `MFA_ENCRYPTION_KEY_PREVIOUS`): answers how many were sealed again, and
    /// the users whose secret opened under no key this server has (they must re-enrol).
    pub async fn reseal_second_factors(&self) -> Result<(u64, Vec<i64>), ApiError> {
        let keys = self.mfa_keys()?;
        let mut resealed = 0;
        let mut lost = Vec::new();
        for row in factors::all(&self.db).await? {
            let mut changed = false;
            let mut reseal = |sealed: Option<String>| -> Option<String> {
                let sealed = sealed?;
                if !keys.needs_reseal(&sealed) {
                    return Some(sealed);
                }
                match keys.open(row.user_id, &sealed) {
                    Ok(plain) => {
                        changed = true;
                        Some(keys.seal(row.user_id, &plain))
                    }
                    Err(_) => Some(sealed),
                }
            };
            let secret = reseal(row.secret.clone());
            let pending = reseal(row.pending_secret.clone());
            if secret.as_ref().is_some_and(|s| keys.needs_reseal(s)) {
                lost.push(row.user_id);
            }
            if changed && factors::replace_sealed(&self.db, &row, secret, pending).await? {
                resealed += 1;
            }
        }
        Ok((resealed, lost))
    }
}
