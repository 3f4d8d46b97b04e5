//! What the account pages show and send. Times are RFC 3339 strings in UTC.

use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    dashboard::AuditEntry,
    domain::{AuditKind, Role},
};

/// A person's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub password_changed_at: String,
    /// The language the person chose, if they did.
    #[serde(default)]
    pub language: Option<crate::domain::Lang>,
}

/// Two-step sign-in as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepStatus {
    /// Whether this server can keep second factors (it has `MFA_ENCRYPTION_KEY`).
    pub available: bool,
    pub enabled: bool,
    /// When it was turned on (RFC 3339, UTC).
    pub enabled_at: Option<String>,
    pub recovery_codes_left: u64,
}

/// What the authenticator app needs, shown once while setting up: the QR code (SVG), the
/// `otpauth://` URI it encodes, and the secret to type by hand. Its `Debug` shows none of them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepSetup {
    pub otpauth_uri: String,
    pub secret: String,
    pub qr_svg: String,
}

/// New recovery codes, shown this once. Its `Debug` shows how many, not which.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

impl std::fmt::Debug for TwoStepSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoStepSetup(***)")
    }
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes({} codes)", self.codes.len())
    }
}

/// One signed-in device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    pub id: String,
    /// "Firefox on Windows", from the user agent.
    pub device: String,
    pub client_addr: Option<String>,
    pub signed_in_at: String,
    pub last_active_at: String,
    /// The session this request was made with.
    pub current: bool,
}

/// A user as staff see them in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
    /// Incremented by every change: a change made against an older version is refused (409),
    /// so one admin's change is never silently applied over another's.
    pub version: i64,
    /// Waiting for its owner to accept an invitation (no password chosen yet).
    #[serde(default)]
    pub invited: bool,
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// The user detail only (`None` in lists): a pending invitation link's end, and an email
    /// change waiting for its confirmation.
    #[serde(default)]
    pub invitation_expires_at: Option<String>,
    #[serde(default)]
    pub pending_email: Option<String>,
}

/// Which users to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFilter {
    /// Part of the name or email, any case.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub active: Option<bool>,
    /// 1-based.
    #[serde(default = "first_page")]
    pub page: u64,
    #[serde(default)]
    pub sort: UserSort,
    /// Z to A, newest first; accounts that never signed in stay last either way.
    #[serde(default)]
    pub descending: bool,
}

/// The column a user list is ordered by (then by id, so pages never overlap).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    /// In Turkish alphabetical order.
    #[default]
    Name,
    Created,
    LastSignIn,
}

impl UserSort {
    pub const ALL: [Self; 3] = [Self::Name, Self::Created, Self::LastSignIn];

    /// Its name in the address bar (`?sort=last_sign_in`) and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Created => "created",
            Self::LastSignIn => "last_sign_in",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == name)
    }
}

fn first_page() -> u64 {
    1
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// A new client account, with the password when the server generated it (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub user: UserRow,
    pub generated_password: Option<String>,
    /// An invitation's link, to send another way too (a messaging app); emailed already.
    #[serde(default)]
    pub invitation: Option<InvitationLink>,
}

/// An invitation link staff may copy, and when it stops working.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLink {
    pub link: String,
    pub expires_at: String,
}

/// Written by hand: the link opens an account.
impl std::fmt::Debug for InvitationLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InvitationLink(until {})", self.expires_at)
    }
}

/// What the portal offers that needs mail (`MAIL_DISABLED=true` turns both off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailFeatures {
    pub password_reset: bool,
    pub invitations: bool,
}

/// What a live link is for and whose it is, for the page it opens to greet its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    /// `reset`, `invite` or `email_change`.
    pub purpose: String,
    pub name: String,
    /// The account's address; for an email change, the new one.
    pub email: String,
    pub expires_at: String,
}

/// The one answer to a reset request, whoever asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequested {
    pub message: String,
}

/// Which audit events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub user_id: Option<i64>,
    /// `""` means any kind; `Other` (a name this version does not know) is refused.
    #[serde(default, deserialize_with = "kind_or_any")]
    pub kind: Option<AuditKind>,
    /// Events older than this one (an `id`): the `next` of the page before. None: the newest.
    #[serde(default)]
    pub before: Option<i64>,
    /// Events at or after this moment (RFC 3339; the page sends the start of a day in the
    /// office's calendar).
    #[serde(default)]
    pub since: Option<String>,
    /// Events before this moment (RFC 3339; the page sends the end of the last day asked for).
    #[serde(default)]
    pub until: Option<String>,
}

/// A page of the audit log, newest first. Pages follow one another by cursor (`next`), not by
/// number: the 500th page is as quick as the first, and an event recorded meanwhile does not
/// shift the pages a reader is walking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogPage {
    pub items: Vec<AuditEntry>,
    /// The `before` of the next (older) page; None on the last page.
    pub next: Option<i64>,
    pub per_page: u64,
    /// How many events match, counted up to `AUDIT_COUNT_CAP`…
    pub total: u64,
    /// …and whether there are more than that ("10,000+").
    pub total_capped: bool,
}

impl AuditLogPage {
    /// "1,234" or "10,000+".
    pub fn total_label(&self) -> String {
        let digits = self.total.to_string();
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        if self.total_capped {
            grouped.push('+');
        }
        grouped
    }
}

fn kind_or_any<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<AuditKind>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?
        .filter(|name| !name.is_empty())
        .map(|name| AuditKind::from_stored(&name)))
}

/// The office, as the pages need it: `POST /api/auth/office`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// `OFFICE_TIME_ZONE`, an IANA name (`Europe/Istanbul`): the zone every time is shown in.
    pub time_zone: String,
    /// `OFFICE_NAME`: the office the portal belongs to ("Yılmaz Mali Müşavirlik"), in the
    /// navbar, the tab titles and the contact lines. None: the portal's own name only.
    #[serde(default)]
    pub name: Option<String>,
    /// `OFFICE_PHONE` and `OFFICE_EMAIL`: whom a locked-out client calls or writes to.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `OFFICE_LOGO` is set: the image is at `/office-logo`.
    #[serde(default)]
    pub logo: bool,
}

impl Default for Office {
    /// Before the server's answer: the default zone, nothing named.
    fn default() -> Self {
        Self {
            time_zone: crate::format::DEFAULT_TIME_ZONE.to_owned(),
            name: None,
            phone: None,
            email: None,
            logo: false,
        }
    }
}

impl Office {
    /// Where the logo is served.
    pub const LOGO_PATH: &str = "/office-logo";

    /// Whether a person can be told how to reach the office.
    pub fn has_contact(&self) -> bool {
        self.phone.is_some() || self.email.is_some()
    }

    /// `tel:` address of the phone number (its digits and a leading +).
    pub fn phone_href(&self) -> Option<String> {
        self.phone.as_deref().map(|phone| {
            let digits: String = phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("tel:{digits}")
        })
    }
}
