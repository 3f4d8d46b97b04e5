//! The browser's end of the cross-tab channel (`csr` only): a `BroadcastChannel`, or where a
//! browser has none, a localStorage key (gloo-storage) and the `storage` event, which every
//! other tab gets. Plain web-sys, no Leptos: the light sign-in page uses it as well as the app.

use gloo_storage::Storage;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{BroadcastChannel, MessageEvent, StorageEvent};

use super::{CHANNEL, TabEvent, TabMessage};

/// This tab's end of the cross-tab channel. Dropping it stops listening.
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
