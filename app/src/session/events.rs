//! The session events stream in the browser (`csr` only): one `EventSource` on
//! `/api/auth/events` per browser, held by a leader tab chosen with a Web Lock.
//!
//! Every tab queues for the lock while signed in; the holder opens the stream and relays what it
//! hears over the tab channel. When the leader closes, the browser hands the lock to the next
//! tab, which opens its own. An `ended` event is never acted on blindly: every tab asks the
//! server (`refresh`), so an event about a session this browser has already left behind (a
//! password change moved it to a new one) changes nothing but a re-subscription. Where the
//! stream cannot connect, the provider's polling goes on as before.

use std::{cell::RefCell, rc::Rc, time::Duration};

use js_sys::{Function, Promise};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventSource, MessageEvent};

use super::{SessionContext, SessionStatus, locks, tabs::TabEvent};

const LOCK: &str = "smmm-portal:events";
const URL: &str = "/api/auth/events";
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How one stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The server said the session ended.
    Ended,
    /// The stream could not open or broke off for good (the browser stopped retrying).
    Failed,
    /// This tab signed out (or the provider went away): let the lock go.
    Stopped,
}

/// Keeps this tab in line for the stream whenever it is signed in.
pub fn lead(session: SessionContext) {
    let in_line = StoredValue::new(false);
    let status = session.status();
    // The stream this tab holds, if it leads: closed from here when the tab signs out.
    let current: Rc<RefCell<Option<Open>>> = Rc::default();
    let current = StoredValue::new_local(current);
    Effect::new(move |_| {
        let signed_in = status.with(|s| matches!(s, SessionStatus::Authenticated(_)));
        if !signed_in {
            if let Some(open) = current.with_value(|c| c.borrow_mut().take()) {
                open.finish(Outcome::Stopped);
            }
            return;
        }
        if in_line.get_value() {
            return;
        }
        in_line.set_value(true);
        let holder = current.get_value();
        spawn_local(async move {
            locks::with_lock(LOCK, move || hold(session, holder)).await;
            in_line.set_value(false);
        });
    });
}

/// While this tab leads: keeps a stream open as long as it is signed in.
async fn hold(session: SessionContext, holder: Rc<RefCell<Option<Open>>>) {
    let mut backoff = Duration::from_secs(1);
    while session.is_signed_in() {
        let Some((open, outcome)) = Open::connect() else {
            return; // No EventSource in this browser: polling it is.
        };
        *holder.borrow_mut() = Some(open);
        let outcome = outcome.await;
        if let Some(open) = holder.borrow_mut().take() {
            open.close();
        }
        match outcome {
            Outcome::Stopped => return,
            Outcome::Ended => {
                session.tell_other_tabs(TabEvent::Ended);
                session.confirm_ended().await;
                backoff = Duration::from_secs(1);
            }
            Outcome::Failed => {
                session.refresh_now().await;
                sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// One open `EventSource` and the handlers it calls.
struct Open {
    source: EventSource,
    resolve: Rc<RefCell<Option<Function>>>,
    _on_ended: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl Open {
    /// Opens the stream; the future resolves with how it ended.
    fn connect() -> Option<(Self, impl Future<Output = Outcome>)> {
        let source = EventSource::new(URL).ok()?;
        let resolve: Rc<RefCell<Option<Function>>> = Rc::default();
        let done = Promise::new(&mut |resolve_fn, _reject| {
            *resolve.borrow_mut() = Some(resolve_fn);
        });
        let finish = {
            let resolve = Rc::clone(&resolve);
            move |outcome: &str| {
                if let Some(resolve) = resolve.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(outcome));
                }
            }
        };
        let on_ended = Closure::<dyn Fn(MessageEvent)>::new({
            let finish = finish.clone();
            move |_: MessageEvent| finish("ended")
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new({
            let source = source.clone();
            move |_: web_sys::Event| {
                // CONNECTING: the browser retries on its own. CLOSED: it gave up (a refusal).
                if source.ready_state() == EventSource::CLOSED {
                    finish("failed");
                }
            }
        });
        let _ = source.add_event_listener_with_callback("ended", on_ended.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let outcome = async move {
            match JsFuture::from(done)
                .await
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
            {
                Some("ended") => Outcome::Ended,
                Some("stopped") => Outcome::Stopped,
                _ => Outcome::Failed,
            }
        };
        Some((
            Self {
                source,
                resolve,
                _on_ended: on_ended,
                _on_error: on_error,
            },
            outcome,
        ))
    }

    /// Ends the wait with `outcome` (the tab signed out) and closes the stream.
    fn finish(self, outcome: Outcome) {
        if let Some(resolve) = self.resolve.borrow_mut().take() {
            let label = match outcome {
                Outcome::Ended => "ended",
                Outcome::Failed => "failed",
                Outcome::Stopped => "stopped",
            };
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(label));
        }
        self.close();
    }

    fn close(&self) {
        self.source.set_onerror(None);
        self.source.close();
    }
}

pub(super) async fn sleep(duration: Duration) {
    let done = Promise::new(&mut |resolve, _| {
        set_timeout(
            move || {
                let _ = resolve.call0(&JsValue::NULL);
            },
            duration,
        );
    });
    let _ = JsFuture::from(done).await;
}
