//! The cross-tab message format: pure Rust, so both sides compile it and its tests run natively.
//!
//! Messages carry no token and no personal data: a kind, the sender's tab id (a tab ignores its
//! own) and a nonce.

use std::{fmt, str::FromStr};

/// What happened in another tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabEvent {
    SignedIn,
    SignedOut,
    Updated,
    /// The person acted in the sending tab and the server moved the idle deadline.
    Active,
    /// The events stream (held by the sending tab) heard that the session ended.
    Ended,
    /// The sending tab is moving the browser to a new session (a password change); an
    /// `Updated` follows when it is done.
    Replacing,
}

impl TabEvent {
    const fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed-in",
            Self::SignedOut => "signed-out",
            Self::Updated => "updated",
            Self::Active => "active",
            Self::Ended => "ended",
            Self::Replacing => "replacing",
        }
    }
}

/// One message on the wire: `kind|sender|nonce`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabMessage {
    pub event: TabEvent,
    pub sender: String,
    pub nonce: u32,
}

impl fmt::Display for TabMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}", self.event.as_str(), self.sender, self.nonce)
    }
}

impl FromStr for TabMessage {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, '|');
        let event = match parts.next() {
            Some("signed-in") => TabEvent::SignedIn,
            Some("signed-out") => TabEvent::SignedOut,
            Some("updated") => TabEvent::Updated,
            Some("active") => TabEvent::Active,
            Some("ended") => TabEvent::Ended,
            Some("replacing") => TabEvent::Replacing,
            _ => return Err("unknown tab event"),
        };
        let sender = parts.next().filter(|s| !s.is_empty()).ok_or("no sender")?;
        let nonce = parts
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or("no nonce")?;
        Ok(Self {
            event,
            sender: sender.to_owned(),
            nonce,
        })
    }
}

/// The channel's name, and the localStorage key of the fallback.
pub const CHANNEL: &str = "smmm-portal:session";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_junk() {
        let msg = TabMessage {
            event: TabEvent::SignedOut,
            sender: "tab-1".into(),
            nonce: 42,
        };
        assert_eq!(msg.to_string(), "signed-out|tab-1|42");
        assert_eq!(msg.to_string().parse::<TabMessage>(), Ok(msg));
        for event in [
            TabEvent::SignedIn,
            TabEvent::Updated,
            TabEvent::Active,
            TabEvent::Ended,
        ] {
            let msg = TabMessage {
                event,
                sender: "t".into(),
                nonce: 1,
            };
            assert_eq!(msg.to_string().parse::<TabMessage>(), Ok(msg));
        }
        for junk in [
            "",
            "signed-out",
            "signed-out||1",
            "hello|a|1",
            "updated|a|x",
        ] {
            assert!(junk.parse::<TabMessage>().is_err(), "{junk}");
        }
    }
}
