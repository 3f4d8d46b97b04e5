//! What the person does, told to the server (`csr` only).
//!
//! Only a person's acts count: a click or tap, a key press, typing, a navigation (Back and
//! Forward included). Timers, focus, visibility and other tabs never do. The first act after a
//! quiet minute is reported at once (`POST /api/auth/activity`, which moves the idle deadline
//! and renews the token); acts within the minute are folded into one report at its end. The
//! minute is the browser's, not the tab's: the last report's time and the token's expiry are
//! kept in localStorage, and reports run under a Web Lock, so several tabs make one request.
//! The same lock and record make a token renewal happen once per browser (see `ensure_fresh`).

use std::time::Duration;

use gloo_storage::Storage;
use leptos::{prelude::*, task::spawn_local};

use super::{SessionContext, locks};

/// Reports are at most this often per browser.
const REPORT_EVERY_MS: f64 = 60_000.0;
/// A token this close to its expiry is renewed before a call the person caused. Small: a token
/// that expires while its call is in flight is renewed by the server anyway.
const RENEW_MARGIN_MS: f64 = 500.0;
const LOCK: &str = "smmm-portal:activity";
/// localStorage keys, shared by the tabs of the browser. Times, nothing personal.
const REPORTED_AT: &str = "smmm-portal:activity-reported";
const ACTED_AT: &str = "smmm-portal:activity-at";
const TOKEN_EXPIRES: &str = "smmm-portal:token-expires";

/// Why a report is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// The person acted: reported unless another report went out within the minute.
    Acted,
    /// A call the person caused is about to go out with an expired token: renew first, once.
    Renewal,
    /// The warning is about to show, but the person acted (in some tab) since the last report:
    /// report that instead, once for the browser.
    Unreported,
    /// "Stay signed in": always reported.
    StaySignedIn,
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn read(key: &str) -> f64 {
    gloo_storage::LocalStorage::get::<f64>(key).unwrap_or(0.0)
}

fn write(key: &str, value: f64) {
    // No localStorage (some privacy modes): each tab then keeps its own minute.
    let _ = gloo_storage::LocalStorage::set(key, value);
}

/// When any tab of this browser last saw the person act (ms since the epoch).
pub fn last_act() -> f64 {
    read(ACTED_AT)
}

/// When the last report went out from any tab.
pub fn last_report() -> f64 {
    read(REPORTED_AT)
}

/// Records a token this browser was just given (a sign-in, a renewal), and that the server now
/// counts this moment as activity. Only a new token is recorded, never what a background read
/// said of the old one: a read that left before another tab's renewal would otherwise make the
/// browser think its token stale again. (A new token always expires later than any before.)
pub fn note_new_token(expires_ms: f64) {
    write(TOKEN_EXPIRES, expires_ms.max(read(TOKEN_EXPIRES)));
    write(REPORTED_AT, now_ms());
}

/// Whether the browser's token needs renewing before a call the person caused.
pub fn token_is_stale(own_idea_ms: f64) -> bool {
    own_idea_ms.max(read(TOKEN_EXPIRES)) <= now_ms() + RENEW_MARGIN_MS
}

/// Reports to the server if `why` calls for it, once per browser: tabs queue on a Web Lock and
/// each looks at the shared record before it calls.
pub async fn report(session: SessionContext, why: Report) {
    locks::with_lock(LOCK, move || async move {
        if !session.is_signed_in() {
            return;
        }
        let now = now_ms();
        let due = match why {
            Report::StaySignedIn => true,
            Report::Acted => now - last_report() >= REPORT_EVERY_MS || token_is_stale(0.0),
            Report::Renewal => token_is_stale(0.0),
            Report::Unreported => last_act() > last_report(),
        };
        if due {
            session.record_activity().await;
        }
    })
    .await;
}

/// Listens for the person's acts in this tab while the provider lives.
pub fn watch(session: SessionContext) {
    // A report waiting for the end of the minute: at most one per tab.
    let trailing = StoredValue::new(false);
    let acted = move || {
        if !session.is_signed_in() || session.warning_open() {
            return;
        }
        let now = now_ms();
        // Written at most once a second: a key press is not worth a storage write each.
        if now - last_act() > 1000.0 {
            write(ACTED_AT, now);
        }
        let wait = last_report() + REPORT_EVERY_MS - now;
        if wait <= 0.0 || token_is_stale(0.0) {
            spawn_local(report(session, Report::Acted));
        } else if !trailing.get_value() {
            trailing.set_value(true);
            set_timeout(
                move || {
                    trailing.set_value(false);
                    spawn_local(report(session, Report::Acted));
                },
                Duration::from_millis(wait as u64),
            );
        }
    };
    let handles = [
        window_event_listener(leptos::ev::pointerdown, move |_| acted()),
        window_event_listener(leptos::ev::keydown, move |_| acted()),
        window_event_listener(leptos::ev::input, move |_| acted()),
        window_event_listener(leptos::ev::popstate, move |_| acted()),
    ];
    on_cleanup(move || {
        for handle in handles {
            handle.remove();
        }
    });
}
