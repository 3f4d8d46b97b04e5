//! The one error type that crosses the wire.
//!
//! Every server function returns `Result<T, ApiError>`. The body of a failed call is always
//! `{"error": <code>, "message": <sentence>}` (plus `field` for invalid input), and the HTTP
//! status is the one that `ErrorCode::status` names: never Leptos' default 500 with a text body.
//! The server's API handler (`server::http::api`) sets that status, for every call, in one place:
//! this type depends on nothing of the server. Server-side causes are logged where they are
//! turned into an `ApiError` (see `From<DbErr>`); the message here is safe to show anyone.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

use crate::domain::say;

/// What went wrong, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request was malformed or a field failed validation (400).
    InvalidInput,
    /// No valid session (401).
    Unauthenticated,
    /// Email and password did not match an active account (401).
    InvalidCredentials,
    /// The second step's code is wrong, or was used already (401).
    InvalidCode,
    /// The second step came too late: its challenge expired, was used or voided, or the account
    /// changed since the password (401): sign in again.
    SignInExpired,
    /// A link from an email (password reset, invitation, email change) that cannot be used: it
    /// is malformed, used, expired, voided by a newer one, or for something else (400).
    InvalidLink,
    /// Signed in, but not allowed (403).
    Forbidden,
    /// A state-changing request from another site (403).
    CrossSite,
    /// The sign-in is too old for this action: confirm with the password (403).
    ReauthRequired,
    /// This session is limited to choosing a new password until that is done (403).
    PasswordChangeRequired,
    /// This session is limited to setting up two-step sign-in until that is done (403).
    MfaEnrolmentRequired,
    /// The thing asked for does not exist, or is not yours (404).
    NotFound,
    /// The change conflicts with the current state (409).
    Conflict,
    /// The request body is too large (413).
    PayloadTooLarge,
    /// Too many attempts; see `Retry-After` (429).
    TooManyRequests,
    /// The database or another dependency is unreachable, or the server is saturated (503).
    Unavailable,
    /// A bug or an unexpected failure (500).
    Internal,
}

impl ErrorCode {
    /// The HTTP status this code is answered with.
    pub const fn status(self) -> u16 {
        match self {
            Self::InvalidInput | Self::InvalidLink => 400,
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::InvalidCode
            | Self::SignInExpired => 401,
            Self::Forbidden
            | Self::CrossSite
            | Self::ReauthRequired
            | Self::PasswordChangeRequired
            | Self::MfaEnrolmentRequired => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::TooManyRequests => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}

/// A failed call, as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub error: ErrorCode,
    pub message: String,
    /// The input field at fault, for `InvalidInput`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds until a retry may succeed, for `TooManyRequests` (also sent as `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A field failed validation.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_owned()),
            ..Self::new(ErrorCode::InvalidInput, message)
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            say(
                "Devam etmek için lütfen oturum açın.",
                "Please sign in to continue.",
            ),
        )
    }

    pub fn invalid_credentials() -> Self {
        Self::new(
            ErrorCode::InvalidCredentials,
            say(
                "E-posta adresi ya da şifre hatalı.",
                "The email or password is incorrect.",
            ),
        )
    }

    pub fn invalid_code() -> Self {
        Self {
            field: Some("code".to_owned()),
            ..Self::new(
                ErrorCode::InvalidCode,
                say(
                    "Bu kod doğru değil. Telefonunuzun saatinin otomatik ayarlandığından emin olun ve en yeni kodu deneyin.",
                    "That code is not right. Check that your phone's clock is set automatically, and try the newest code.",
                ),
            )
        }
    }

    pub fn sign_in_expired() -> Self {
        Self::new(
            ErrorCode::SignInExpired,
            say(
                "Bu oturum açma işleminin süresi doldu. E-posta adresinizi ve şifrenizi yeniden girin.",
                "This sign-in has expired. Enter your email and password again.",
            ),
        )
    }

    /// The one answer for every link that cannot be used, whatever the reason: nothing tells a
    /// guesser whether a token ever existed.
    pub fn invalid_link() -> Self {
        Self::new(
            ErrorCode::InvalidLink,
            say(
                "Bu bağlantı artık kullanılamıyor: daha önce kullanılmış, süresi dolmuş ya da yerine daha yeni bir bağlantı gönderilmiş. Lütfen yeni bir bağlantı isteyin.",
                "This link can no longer be used: it was used already, it expired, or a newer one replaced it. Ask for a new one.",
            ),
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorCode::Forbidden,
            say(
                "Hesabınızın buna erişim yetkisi yok.",
                "Your account does not have access to this.",
            ),
        )
    }

    pub fn reauth_required() -> Self {
        Self {
            field: Some("password".to_owned()),
            ..Self::new(
                ErrorCode::ReauthRequired,
                say(
                    "Güvenliğiniz için lütfen şifrenizi girerek onaylayın.",
                    "For your security, enter your password to confirm.",
                ),
            )
        }
    }

    /// A call this session may not make until `requirement` is done.
    pub fn required_first(requirement: crate::session::Requirement) -> Self {
        match requirement {
            crate::session::Requirement::PasswordChange => Self::new(
                ErrorCode::PasswordChangeRequired,
                say(
                    "Önce yeni bir şifre belirleyin: mevcut şifreniz artık kurallara uymuyor.",
                    "Choose a new password first: your current one no longer meets the rules.",
                ),
            ),
            crate::session::Requirement::TwoStepEnrolment => Self::new(
                ErrorCode::MfaEnrolmentRequired,
                say(
                    "Önce iki adımlı oturum açmayı kurun: büro, hesabınız için bunu zorunlu tutuyor.",
                    "Set up two-step sign-in first: the office requires it for your account.",
                ),
            ),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, say("Bulunamadı.", "Not found."))
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs.max(1)),
            ..Self::new(
                ErrorCode::TooManyRequests,
                try_again_in(
                    &say(
                        "Çok fazla başarısız oturum açma denemesi yapıldı.",
                        "Too many failed sign-in attempts.",
                    ),
                    retry_after_secs,
                ),
            )
        }
    }

    /// `too_many_requests`, saying what there were too many of.
    pub fn too_many(what: &str, retry_after_secs: u64) -> Self {
        Self {
            message: try_again_in(what, retry_after_secs),
            ..Self::too_many_requests(retry_after_secs)
        }
    }

    pub fn unavailable() -> Self {
        Self::new(
            ErrorCode::Unavailable,
            say(
                "Hizmet geçici olarak kullanılamıyor. Lütfen biraz sonra yeniden deneyin.",
                "The service is temporarily unavailable. Please try again in a moment.",
            ),
        )
    }

    /// A sign-out done on this device (the cookie is gone) that the database could not record
    /// yet: it is retried, and other devices stop working within a token's lifetime.
    pub fn sign_out_unconfirmed() -> Self {
        Self::new(
            ErrorCode::Unavailable,
            say(
                "Bu cihazda oturumunuz kapatıldı, ancak bu henüz her yerde doğrulanamadı. \
                 İşlem yeniden deneniyor; diğer cihazlarınızdaki oturumlar birkaç dakika içinde \
                 kapanacak.",
                "You are signed out on this device, but the sign-out could not be confirmed \
                 everywhere yet. It is retried; your other devices are signed out within minutes.",
            ),
        )
    }

    pub fn busy() -> Self {
        Self::new(
            ErrorCode::Unavailable,
            say(
                "Sunucu şu anda çok yoğun. Lütfen biraz sonra yeniden deneyin.",
                "The server is busy. Please try again in a moment.",
            ),
        )
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            say(
                "Bizden kaynaklanan bir sorun oluştu. Lütfen yeniden deneyin.",
                "Something went wrong on our side. Please try again.",
            ),
        )
    }

    /// The standard answer for `code` said again (in the current language), for the codes that
    /// have one whatever the cause.
    pub fn again(code: ErrorCode) -> Option<Self> {
        match code {
            ErrorCode::Unavailable => Some(Self::unavailable()),
            ErrorCode::Internal => Some(Self::internal()),
            ErrorCode::Unauthenticated => Some(Self::unauthenticated()),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        self.error.status()
    }
}

/// `what`, then when to try again: "… Try again in 10 minutes." / "… 10 dakika sonra yeniden
/// deneyin."
fn try_again_in(what: &str, retry_after_secs: u64) -> String {
    let wait = human_duration(retry_after_secs.max(1));
    say(
        format!("{what} {wait} sonra yeniden deneyin."),
        format!("{what} Try again in {wait}."),
    )
}

/// "1 second", "10 minutes"; in Turkish "1 saniye", "10 dakika" (no plural after a number).
fn human_duration(secs: u64) -> String {
    match secs {
        0..=59 => say(
            format!("{secs} saniye"),
            format!("{secs} second{}", if secs == 1 { "" } else { "s" }),
        ),
        _ => {
            let minutes = secs.div_ceil(60);
            say(
                format!("{minutes} dakika"),
                format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" }),
            )
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    /// Failures inside server_fn itself: arguments that do not decode, a response that does
    /// not, a request that never reached the server.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => ApiError::new(
                ErrorCode::InvalidInput,
                say(
                    "İstek gövdesi beklenen biçimde geçerli bir JSON değil.",
                    "The request body is not valid JSON of the expected shape.",
                ),
            ),
            ServerFnErrorErr::Request(_) => ApiError::new(
                ErrorCode::Unavailable,
                say(
                    "Sunucuya ulaşılamadı. İnternet bağlantınızı kontrol edip yeniden deneyin.",
                    "Could not reach the server. Check your connection and try again.",
                ),
            ),
            ServerFnErrorErr::Response(_) | ServerFnErrorErr::Serialization(_) => {
                ApiError::internal()
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_) => ApiError::new(
                ErrorCode::InvalidInput,
                say(
                    "Bu adres için POST kullanın.",
                    "Use POST for this endpoint.",
                ),
            ),
            _ => ApiError::internal(),
        }
    }
}

/// A database failure reaches the client as 503 (try again in a moment); its cause is logged
/// here, once, and never sent.
#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(%err, "database error");
        Self::unavailable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_error_and_message() {
        let body = serde_json::to_value(ApiError::invalid_credentials()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": "invalid_credentials", "message": "The email or password is incorrect."})
        );
    }

    #[test]
    fn retry_after_is_in_the_message_and_the_body() {
        let e = ApiError::too_many_requests(600);
        assert_eq!(e.retry_after, Some(600));
        assert!(e.message.contains("10 minutes"), "{}", e.message);
        assert_eq!(e.status(), 429);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn turkish_durations_take_no_plural_and_come_before_the_verb() {
        use crate::domain::{Lang, lang::sync_scope};
        let e = sync_scope(Lang::Tr, || ApiError::too_many_requests(600));
        assert!(
            e.message.ends_with("10 dakika sonra yeniden deneyin."),
            "{}",
            e.message
        );
        let e = sync_scope(Lang::Tr, || ApiError::too_many("Çok fazla istek.", 1));
        assert_eq!(
            e.message,
            "Çok fazla istek. 1 saniye sonra yeniden deneyin."
        );
        let e = sync_scope(Lang::En, || ApiError::too_many("Too many requests.", 1));
        assert_eq!(e.message, "Too many requests. Try again in 1 second.");
        let body = sync_scope(Lang::Tr, ApiError::invalid_credentials);
        assert_eq!(body.message, "E-posta adresi ya da şifre hatalı.");
    }
}
