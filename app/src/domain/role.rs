//! Who a person is to the office: the role every check and every layout is chosen by.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Staff are `Admin`, the office's customers `Client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Client,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Client => "CLIENT",
        }
    }

    /// Parses the stored form (`ADMIN`/`CLIENT`) and the CLI's lower-case one.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "ADMIN" => Some(Self::Admin),
            "CLIENT" => Some(Self::Client),
            _ => None,
        }
    }

    /// The path of this role's dashboard.
    pub const fn home(self) -> &'static str {
        match self {
            Self::Admin => "/admin",
            Self::Client => "/client",
        }
    }

    /// The person's own profile page in their area.
    pub const fn profile(self) -> &'static str {
        match self {
            Self::Admin => "/admin/profile",
            Self::Client => "/client/profile",
        }
    }

    /// The role as a person reads it.
    pub const fn label(self, lang: super::Lang) -> &'static str {
        match (self, lang) {
            (Self::Admin, super::Lang::Tr) => "Personel",
            (Self::Admin, super::Lang::En) => "Staff",
            (Self::Client, super::Lang::Tr) => "Müşteri",
            (Self::Client, super::Lang::En) => "Client",
        }
    }
}
