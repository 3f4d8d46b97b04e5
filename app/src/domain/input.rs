//! Input types shared by the browser and the server: parse, don't validate.
//!
//! The sign-in form checks these before it sends anything, and the server checks them again
//! before it does any work, so both sides apply exactly the same rules.

use std::fmt;

use super::say;
use crate::error::ApiError;

/// Longest email accepted (RFC 5321 path limit).
pub const EMAIL_MAX_LEN: usize = 254;
/// Longest password accepted. Every character counts: the server hashes a digest of the whole
/// password, never bcrypt's first 72 bytes of it (`session::server::password`).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// Shortest password a new account or a password change may set.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest display name.
pub const NAME_MAX_CHARS: usize = 100;

fn email_too_long() -> String {
    say("E-posta adresi çok uzun.", "The email address is too long.")
}

fn email_like_this() -> String {
    say(
        "Lütfen ad@ornek.com biçiminde bir e-posta adresi girin.",
        "Enter an email address like name@example.com.",
    )
}

/// A syntactically valid email address in its one spelling (`fold::normalize_email`): one
/// account per address, whatever its case or keyboard.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        // One spelling per address (`fold::normalize_email`: a Turkish `İ` is an `i`).
        let email = super::fold::normalize_email(Self::validate(raw)?);
        // Lower-casing lengthens a few letters (`Ⱥ` is 2 bytes, `ⱥ` 3): what is stored must fit.
        if email.len() > EMAIL_MAX_LEN {
            return Err(ApiError::invalid("email", email_too_long()));
        }
        Ok(Self(email))
    }

    /// The checks of `parse` without the lower-casing: the trimmed address, or why it is not
    /// one. The sign-in forms use this one: they have nothing to store, and `to_lowercase`
    /// would pull Unicode's case tables into the light sign-in page's WASM.
    pub fn validate(raw: &str) -> Result<&str, ApiError> {
        let email = raw.trim();
        let invalid = |message: String| Err(ApiError::invalid("email", message));
        if email.is_empty() {
            return invalid(say(
                "Lütfen e-posta adresinizi girin.",
                "Enter your email address.",
            ));
        }
        if email.len() > EMAIL_MAX_LEN {
            return invalid(email_too_long());
        }
        if email.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return invalid(say(
                "E-posta adresi boşluk ya da kontrol karakteri içeremez.",
                "The email address cannot contain spaces or control characters.",
            ));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return invalid(email_like_this());
        };
        let domain_ok = !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return invalid(email_like_this());
        }
        Ok(email)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed at sign-in: non-empty, within bcrypt's limit, no control characters.
/// Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The rules for a password being checked (sign-in). Not trimmed: spaces may be part of it.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let invalid = |message: String| Err(ApiError::invalid("password", message));
        if raw.is_empty() {
            return invalid(say("Lütfen şifrenizi girin.", "Enter your password."));
        }
        if raw.chars().count() > PASSWORD_MAX_CHARS {
            return invalid(say(
                format!(
                    "Şifre {PASSWORD_MAX_CHARS} karakterden uzun; sistem en fazla \
                     {PASSWORD_MAX_CHARS} karakter kabul ediyor."
                ),
                format!(
                    "The password is longer than {PASSWORD_MAX_CHARS} characters, the most \
                     this system accepts."
                ),
            ));
        }
        if raw.chars().any(char::is_control) {
            return invalid(say(
                "Şifre kontrol karakteri içeremez.",
                "The password cannot contain control characters.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The stricter rules for a password being set (new account, password change).
    pub fn parse_new(raw: &str, email: Option<&Email>) -> Result<Self, ApiError> {
        let password = Self::parse(raw)?;
        let invalid = |message: String| Err(ApiError::invalid("password", message));
        if raw.chars().count() < PASSWORD_MIN_CHARS {
            return invalid(say(
                format!("Şifre en az {PASSWORD_MIN_CHARS} karakter olmalı."),
                format!("Use at least {PASSWORD_MIN_CHARS} characters for the password."),
            ));
        }
        let lowered = raw.to_lowercase();
        if email.is_some_and(|e| lowered == e.as_ref() || lowered == local_part(e)) {
            return invalid(say(
                "Şifreniz e-posta adresinizle aynı olamaz.",
                "The password cannot be your email address.",
            ));
        }
        if COMMON_PASSWORDS.contains(&lowered.as_str())
            || lowered.chars().all(|c| lowered.starts_with(c))
        {
            return invalid(say(
                "Bu şifre çok yaygın. Lütfen daha zor tahmin edilecek bir şifre seçin.",
                "This password is too common. Choose a less predictable one.",
            ));
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn local_part(email: &Email) -> &str {
    email.as_ref().split('@').next().unwrap_or_default()
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Passwords of ten or more characters that top the public breach lists.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou12",
    "abcdefghij",
    "abc1234567",
    "welcome123",
    "letmein123",
    "administrator",
    "admin12345",
    "changeme123",
    "football123",
    "monkey1234",
    "sunshine123",
    "trustno1234",
    "1234qwerty",
    "asdfghjkl1",
    "zaq12wsxcde",
    "987654321a",
    "9876543210",
];

/// A person's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let name = raw.trim();
        let invalid = |message: String| Err(ApiError::invalid("name", message));
        if name.is_empty() {
            return invalid(say("Lütfen bir ad girin.", "Enter a name."));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return invalid(say(
                format!("Ad en fazla {NAME_MAX_CHARS} karakter olabilir."),
                format!("Use at most {NAME_MAX_CHARS} characters for the name."),
            ));
        }
        if name.chars().any(char::is_control) {
            return invalid(say(
                "Ad kontrol karakteri içeremez.",
                "The name cannot contain control characters.",
            ));
        }
        Ok(Self(name.to_owned()))
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ayse.Yilmaz@Example.COM ").unwrap().as_ref(),
            "ayse.yilmaz@example.com"
        );
    }

    #[test]
    fn bad_emails_name_the_field() {
        for raw in [
            "",
            "   ",
            "no-at-sign",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b\n.com",
            "a\u{7}@b.com",
        ] {
            let err = Email::parse(raw).expect_err(raw);
            assert_eq!(err.field.as_deref(), Some("email"), "{raw:?}");
        }
    }

    #[test]
    fn password_up_to_128_characters_whatever_its_bytes() {
        // 128 characters, 320 bytes: far past bcrypt's 72, and accepted whole.
        assert!(Password::parse(&"ş€".repeat(64)).is_ok());
        let err = Password::parse(&"a".repeat(129)).expect_err("over 128 characters");
        assert!(err.message.contains("128 characters"));
    }

    #[test]
    fn new_password_policy() {
        let email = Email::parse("ali@example.com").unwrap();
        assert!(Password::parse_new("short", None).is_err());
        assert!(Password::parse_new("password123", None).is_err());
        assert!(Password::parse_new("aaaaaaaaaaaa", None).is_err());
        assert!(Password::parse_new("ali@example.com", Some(&email)).is_err());
        assert!(Password::parse_new("Ankara-Mali-2026", Some(&email)).is_ok());
    }

    #[test]
    fn an_email_that_grows_when_lower_cased_must_still_fit() {
        // 249 bytes as typed, 371 lower-cased: `Ⱥ` (2 bytes) becomes `ⱥ` (3).
        let raw = format!("{}@{}.com", "Ⱥ".repeat(32), "Ⱥ".repeat(90));
        assert!(raw.len() <= EMAIL_MAX_LEN);
        let err = Email::parse(&raw).expect_err("too long once lower-cased");
        assert_eq!(err.field.as_deref(), Some("email"));
    }

    #[test]
    fn password_debug_hides_the_value() {
        let p = Password::parse("s3cret-value").unwrap();
        assert!(!format!("{p:?}").contains("s3cret"));
    }

    proptest! {
        #[test]
        fn email_parse_never_panics_and_is_normalised(raw in "\\PC{0,300}") {
            if let Ok(email) = Email::parse(&raw) {
                let s = email.as_ref();
                prop_assert!(s.len() <= EMAIL_MAX_LEN);
                prop_assert_eq!(s, s.to_lowercase());
                prop_assert!(s.contains('@'));
                prop_assert!(!s.chars().any(char::is_whitespace));
            }
        }

        #[test]
        fn valid_emails_round_trip(local in "[a-z0-9._%+-]{1,30}", domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}") {
            let raw = format!("{local}@{domain}");
            let parsed = Email::parse(&raw).unwrap();
            prop_assert_eq!(parsed.as_ref(), raw.as_str());
        }

        #[test]
        fn password_accepts_up_to_the_longest_and_keeps_it_whole(raw in "\\PC{0,150}") {
            match Password::parse(&raw) {
                Ok(p) => {
                    prop_assert!(!p.expose().is_empty());
                    prop_assert!(p.expose().chars().count() <= PASSWORD_MAX_CHARS);
                    prop_assert_eq!(p.expose(), raw.as_str());
                }
                Err(e) => prop_assert_eq!(e.field.as_deref(), Some("password")),
            }
        }

        #[test]
        fn name_is_bounded(raw in "\\PC{0,200}") {
            if let Ok(name) = Name::parse(&raw) {
                prop_assert!(name.as_ref().chars().count() <= NAME_MAX_CHARS);
                prop_assert_eq!(name.as_ref(), name.as_ref().trim());
            }
        }
    }
}
