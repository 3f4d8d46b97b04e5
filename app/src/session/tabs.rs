//! Cross-tab messages: every tab of a browser hears when another signs in, signs out or
//! changes the session, and asks the server what that means for it.
//!
//! Messages carry no token and no personal data: a kind, the sender's tab id (a tab ignores its
//! own) and a nonce. They travel over a `BroadcastChannel` (leptos-use); where a browser has
//! none, over a localStorage key (gloo-storage) and the `storage` event, which other tabs get.

use std::{fmt, str::FromStr};

/// What happened in another tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabEvent {
    SignedIn,
    SignedOut,
    Updated,
}

impl TabEvent {
    const fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed-in",
            Self::SignedOut => "signed-out",
            Self::Updated => "updated",
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

#[cfg(feature = "csr")]
mod browser {
    use codee::string::FromToStringCodec;
    use leptos::prelude::*;
    use leptos_use_broadcast_channel::use_broadcast_channel;

    use super::{CHANNEL, TabEvent, TabMessage};

    /// Connects this tab; `on_event` runs for every other tab's message. Returns the sender.
    pub fn connect(
        tab_id: String,
        on_event: impl Fn(TabEvent) + Send + Sync + 'static,
    ) -> Callback<TabEvent> {
        let channel = use_broadcast_channel::<TabMessage, FromToStringCodec>(CHANNEL);
        let is_supported = channel.is_supported;
        let on_event = std::sync::Arc::new(on_event);

        // BroadcastChannel.
        let own = tab_id.clone();
        let handler = on_event.clone();
        let message = channel.message;
        Effect::new(move |_| {
            if let Some(msg) = message.get()
                && msg.sender != own
            {
                handler(msg.event);
            }
        });

        // The localStorage fallback: the `storage` event fires in every tab but the writer.
        let own = tab_id.clone();
        let handle = window_event_listener(leptos::ev::storage, move |event| {
            if is_supported.get_untracked() || event.key().as_deref() != Some(CHANNEL) {
                return;
            }
            let parsed = event
                .new_value()
                .and_then(|raw| serde_json::from_str::<String>(&raw).ok())
                .and_then(|raw| raw.parse::<TabMessage>().ok());
            if let Some(msg) = parsed
                && msg.sender != own
            {
                on_event(msg.event);
            }
        });
        on_cleanup(move || handle.remove());

        let post = channel.post;
        Callback::new(move |event: TabEvent| {
            let message = TabMessage {
                event,
                sender: tab_id.clone(),
                nonce: (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
            };
            if is_supported.get_untracked() {
                post(&message);
            } else {
                use gloo_storage::Storage;
                let _ = gloo_storage::LocalStorage::set(CHANNEL, message.to_string());
            }
        })
    }
}

#[cfg(feature = "csr")]
pub use browser::connect;

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
