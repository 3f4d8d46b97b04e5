//! The one list of what the audit log records: stored as the snake_case name, sent over the
//! wire the same way, and shown to staff by `label` in their language.

use serde::{Deserialize, Serialize};

use super::Lang;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    SignInLocked,
    SignOut,
    SessionRevoked,
    SessionExpired,
    PasswordChanged,
    ProfileUpdated,
    UserCreated,
    UserDeactivated,
    UserReactivated,
    RoleChanged,
    /// A signed-in person proved who they are again (step-up); `detail` says how.
    Reauthenticated,
    ReauthFailed,
    /// Two-step sign-in: a wrong or reused code, a recovery code used, turned on or off, new
    /// recovery codes.
    CodeFailed,
    RecoveryCodeUsed,
    TwoStepEnabled,
    TwoStepDisabled,
    RecoveryCodesRenewed,
    /// Account recovery: a reset link sent (by request or by staff) and used; an invitation
    /// sent, accepted or revoked; an email change asked for and confirmed.
    PasswordResetRequested,
    PasswordReset,
    InvitationSent,
    InvitationAccepted,
    InvitationRevoked,
    EmailChangeRequested,
    EmailChanged,
    /// A message the mail worker gave up on (the SMTP server refused it, or never answered).
    MailFailed,
    /// A name this version does not know: a row written by a newer version or by hand, or a
    /// filter asking for nonsense. Never recorded.
    #[serde(other)]
    Other,
}

impl AuditKind {
    /// Every kind that is recorded, in the order the filter offers them.
    pub const ALL: [Self; 27] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignInLocked,
        Self::SignOut,
        Self::SessionRevoked,
        Self::SessionExpired,
        Self::PasswordChanged,
        Self::ProfileUpdated,
        Self::UserCreated,
        Self::UserDeactivated,
        Self::UserReactivated,
        Self::RoleChanged,
        Self::Reauthenticated,
        Self::ReauthFailed,
        Self::CodeFailed,
        Self::RecoveryCodeUsed,
        Self::TwoStepEnabled,
        Self::TwoStepDisabled,
        Self::RecoveryCodesRenewed,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::InvitationSent,
        Self::InvitationAccepted,
        Self::InvitationRevoked,
        Self::EmailChangeRequested,
        Self::EmailChanged,
        Self::MailFailed,
    ];

    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignInLocked => "sign_in_locked",
            Self::SignOut => "sign_out",
            Self::SessionRevoked => "session_revoked",
            Self::SessionExpired => "session_expired",
            Self::PasswordChanged => "password_changed",
            Self::ProfileUpdated => "profile_updated",
            Self::UserCreated => "user_created",
            Self::UserDeactivated => "user_deactivated",
            Self::UserReactivated => "user_reactivated",
            Self::RoleChanged => "role_changed",
            Self::Reauthenticated => "reauthenticated",
            Self::ReauthFailed => "reauth_failed",
            Self::CodeFailed => "code_failed",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::TwoStepEnabled => "two_step_enabled",
            Self::TwoStepDisabled => "two_step_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::InvitationSent => "invitation_sent",
            Self::InvitationAccepted => "invitation_accepted",
            Self::InvitationRevoked => "invitation_revoked",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::MailFailed => "mail_failed",
            Self::Other => "other",
        }
    }

    /// What staff read, in `lang`.
    pub const fn label(self, lang: Lang) -> &'static str {
        let (turkish, english) = match self {
            Self::SignIn => ("Oturum açıldı", "Signed in"),
            Self::SignInFailed => ("Başarısız oturum açma", "Failed sign-in"),
            Self::SignInLocked => ("Geçici olarak kilitlendi", "Locked out"),
            Self::SignOut => ("Oturum kapatıldı", "Signed out"),
            Self::SessionRevoked => ("Oturum sonlandırıldı", "Session ended"),
            Self::SessionExpired => ("Oturum süresi doldu", "Session expired"),
            Self::PasswordChanged => ("Şifre değiştirildi", "Password changed"),
            Self::ProfileUpdated => ("Profil güncellendi", "Profile updated"),
            Self::UserCreated => ("Hesap oluşturuldu", "Account created"),
            Self::UserDeactivated => ("Hesap devre dışı bırakıldı", "Account deactivated"),
            Self::UserReactivated => ("Hesap yeniden etkinleştirildi", "Account reactivated"),
            Self::RoleChanged => ("Rol değiştirildi", "Role changed"),
            Self::Reauthenticated => ("Kimlik doğrulandı", "Identity confirmed"),
            Self::ReauthFailed => ("Kimlik doğrulanamadı", "Failed confirmation"),
            Self::CodeFailed => ("Hatalı doğrulama kodu", "Wrong sign-in code"),
            Self::RecoveryCodeUsed => ("Kurtarma kodu kullanıldı", "Recovery code used"),
            Self::TwoStepEnabled => (
                "İki adımlı oturum açma etkinleştirildi",
                "Two-step sign-in on",
            ),
            Self::TwoStepDisabled => ("İki adımlı oturum açma kapatıldı", "Two-step sign-in off"),
            Self::RecoveryCodesRenewed => {
                ("Yeni kurtarma kodları oluşturuldu", "New recovery codes")
            }
            Self::PasswordResetRequested => {
                ("Şifre sıfırlama bağlantısı gönderildi", "Reset link sent")
            }
            Self::PasswordReset => ("Şifre sıfırlandı", "Password reset"),
            Self::InvitationSent => ("Davet gönderildi", "Invitation sent"),
            Self::InvitationAccepted => ("Davet kabul edildi", "Invitation accepted"),
            Self::InvitationRevoked => ("Davet iptal edildi", "Invitation revoked"),
            Self::EmailChangeRequested => ("E-posta değişikliği istendi", "Email change asked"),
            Self::EmailChanged => ("E-posta adresi değiştirildi", "Email changed"),
            Self::MailFailed => ("E-posta iletilemedi", "Email not delivered"),
            Self::Other => ("Diğer", "Other"),
        };
        match lang {
            Lang::Tr => turkish,
            Lang::En => english,
        }
    }

    /// The kind a stored name stands for; `Other` for a name no version of this list has.
    pub fn from_stored(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .unwrap_or(Self::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_wire_and_parsed_names_agree() {
        for kind in AuditKind::ALL {
            let wire = serde_json::to_value(kind).unwrap();
            assert_eq!(wire, serde_json::json!(kind.as_str()));
            assert_eq!(serde_json::from_value::<AuditKind>(wire).unwrap(), kind);
            assert_eq!(AuditKind::from_stored(kind.as_str()), kind);
            for lang in Lang::ALL {
                assert_ne!(kind.label(lang), AuditKind::Other.label(lang));
            }
        }
    }

    #[test]
    fn an_unknown_name_is_other() {
        assert_eq!(
            serde_json::from_str::<AuditKind>("\"nonsense\"").unwrap(),
            AuditKind::Other
        );
        assert_eq!(AuditKind::from_stored("nonsense"), AuditKind::Other);
    }
}
