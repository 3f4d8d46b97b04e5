//! Cross-tab messages: every tab of a browser hears when another signs in, signs out or
//! changes the session, and asks the server what that means for it.
//!
//! Messages carry no token and no personal data: a kind, the sender's tab id (a tab ignores its
//! own) and a nonce. They travel over a `BroadcastChannel`; where a browser has
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
    use gloo_storage::Storage;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{BroadcastChannel, MessageEvent, StorageEvent};

    use super::{CHANNEL, TabEvent, TabMessage};

    /// This tab's end of the cross-tab channel. Plain web-sys, no Leptos: the light sign-in
    /// shell uses it as well as the app. Dropping it stops listening.
    pub struct TabChannel {
        tab_id: String,
        channel: Option<BroadcastChannel>,
        /// Kept alive while the channel may call it.
        _on_message: Closure<dyn Fn(MessageEvent)>,
        on_storage: Closure<dyn Fn(StorageEvent)>,
    }

    impl TabChannel {
        /// Opens the channel; `on_event` runs for every other tab's message.
        pub fn open(on_event: impl Fn(TabEvent) + 'static) -> Self {
            let tab_id = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
            let receive = std::rc::Rc::new({
                let own = tab_id.clone();
                move |raw: Option<String>| {
                    if let Some(msg) = raw.and_then(|raw| raw.parse::<TabMessage>().ok())
                        && msg.sender != own
                    {
                        on_event(msg.event);
                    }
                }
            });
            let on_message = Closure::<dyn Fn(MessageEvent)>::new({
                let receive = receive.clone();
                move |event: MessageEvent| receive(event.data().as_string())
            });
            // The fallback: the `storage` event fires in every tab but the writer.
            let on_storage = Closure::<dyn Fn(StorageEvent)>::new(move |event: StorageEvent| {
                if event.key().as_deref() == Some(CHANNEL) {
                    receive(
                        event
                            .new_value()
                            .and_then(|raw| serde_json::from_str::<String>(&raw).ok()),
                    );
                }
            });
            let channel = BroadcastChannel::new(CHANNEL).ok();
            match &channel {
                Some(channel) => channel.set_onmessage(Some(on_message.as_ref().unchecked_ref())),
                None => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.add_event_listener_with_callback(
                            "storage",
                            on_storage.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
            Self {
                tab_id,
                channel,
                _on_message: on_message,
                on_storage,
            }
        }

        /// Tells every other tab of this browser.
        pub fn post(&self, event: TabEvent) {
            let message = TabMessage {
                event,
                sender: self.tab_id.clone(),
                nonce: (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
            }
            .to_string();
            match &self.channel {
                Some(channel) => {
                    let _ = channel.post_message(&message.into());
                }
                // gloo-storage throws where there is no localStorage at all (some privacy
                // modes); then there is no other tab to reach this way either.
                None if has_local_storage() => {
                    let _ = gloo_storage::LocalStorage::set(CHANNEL, message);
                }
                None => {}
            }
        }
    }

    fn has_local_storage() -> bool {
        web_sys::window().is_some_and(|window| matches!(window.local_storage(), Ok(Some(_))))
    }

    impl Drop for TabChannel {
        fn drop(&mut self) {
            match &self.channel {
                Some(channel) => {
                    channel.set_onmessage(None);
                    channel.close();
                }
                None => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.remove_event_listener_with_callback(
                            "storage",
                            self.on_storage.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(feature = "csr")]
pub use browser::TabChannel;

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
