//! The warning before the idle timeout, and the notice before the absolute end: shown in every
//! open tab of a signed-in browser, from the deadlines the server gives.
//!
//! The warning is a modal `<dialog role="alertdialog">`: focus moves into it, the page behind is
//! inert (keys and clicks there do not count as activity while it shows),
//! Escape means "Stay signed in" (the choice that loses nothing). "Stay signed in" counts as
//! activity: the server moves the deadline and every tab hears of it, so every dialog closes.
//! At the deadline the tab asks the server, which decides; nothing ends on this clock alone.

use std::time::Duration;

use leptos::{html, prelude::*};

use crate::{
    i18n::{t, t_string, use_i18n},
    session::{
        Deadlines,
        activity::{self, Report},
        use_session,
    },
};

/// The absolute end is announced this long before it comes.
const ABSOLUTE_NOTICE_MS: f64 = 5.0 * 60_000.0;
/// At a deadline the server is asked (a moment after it: the token's times are whole seconds,
/// and the server's end is "past", not "at"), and asked again this often if it still says "live".
const CHECK_AFTER_MS: f64 = 1_500.0;
const RECHECK_MS: f64 = 5_000.0;

#[component]
pub fn SessionTimeouts() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let deadlines = session.deadlines();
    let now = RwSignal::new(activity::now_ms());
    // One tick a second is enough for a countdown in seconds, and costs nothing visible.
    if let Ok(ticker) =
        set_interval_with_handle(move || now.set(activity::now_ms()), Duration::from_secs(1))
    {
        on_cleanup(move || ticker.clear());
    }

    // At the idle or absolute end, ask the server (a background read: it ends the session if
    // nobody acted, in any tab).
    let last_check = StoredValue::new(0.0_f64);
    // Activity another tab saw but did not report yet is reported before any warning shows.
    let flushed_for = StoredValue::new(0.0_f64);
    Effect::new(move |_| {
        let (Some(d), now) = (deadlines.get(), now.get()) else {
            return;
        };
        let end = d.idle_end.min(d.absolute_end) + CHECK_AFTER_MS;
        if now >= end && now - last_check.get_value() >= RECHECK_MS {
            last_check.set_value(now);
            session.refresh();
        }
        if now >= d.warn_at
            && flushed_for.get_value() != d.idle_end
            && activity::last_act() > activity::last_report()
        {
            flushed_for.set_value(d.idle_end);
            leptos::task::spawn_local(activity::report(session, Report::Unreported));
        }
    });

    let warning = Memo::new(move |_| {
        let d = deadlines.get()?;
        let now = now.get();
        // A warning only where staying is possible: not when the absolute end comes first.
        (d.idle_end < d.absolute_end && now >= d.warn_at && now < d.idle_end)
            .then(|| seconds_left(d.idle_end, now))
    });
    let absolute_soon = Memo::new(move |_| {
        let d: Deadlines = deadlines.get()?;
        let now = now.get();
        (now >= d.absolute_end - ABSOLUTE_NOTICE_MS && now < d.absolute_end)
            .then(|| clock_time(d.absolute_end))
    });
    let notice_dismissed = RwSignal::new(false);

    let dialog = NodeRef::<html::Dialog>::new();
    let stay = NodeRef::<html::Button>::new();
    let open = Memo::new(move |_| warning.get().is_some());
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else {
            return;
        };
        session.set_warning_open(open.get());
        if open.get() {
            if !dialog.open()
                && dialog.show_modal().is_ok()
                && let Some(stay) = stay.get_untracked()
            {
                let _ = stay.focus();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });

    // The seconds left, where the sentence puts them ("… in 1:05." / "… 1:05 içinde …").
    let countdown = move || {
        view! {
            <strong data-testid="idle-countdown">
                {move || warning.get().map(format_countdown).unwrap_or_default()}
            </strong>
        }
    };

    view! {
        <dialog
            class="session-warning"
            node_ref=dialog
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="idle-warning-title"
            aria-describedby="idle-warning-text"
            data-testid="idle-warning"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                session.stay_signed_in();
            }
        >
            <h2 id="idle-warning-title">{t!(i18n, session.idle_title)}</h2>
            <p id="idle-warning-text">{t!(i18n, session.idle_text, <countdown/>)}</p>
            <div class="actions">
                <button
                    class="button primary"
                    node_ref=stay
                    data-testid="stay-signed-in"
                    on:click=move |_| session.stay_signed_in()
                >
                    {t!(i18n, session.stay)}
                </button>
                <button
                    class="button secondary"
                    on:click=move |_| leptos::task::spawn_local(session.sign_out())
                >
                    {t!(i18n, nav.sign_out)}
                </button>
            </div>
        </dialog>
        {move || {
            absolute_soon
                .get()
                .filter(|_| !notice_dismissed.get())
                .map(|at| {
                    view! {
                        <div
                            class="session-ending notice"
                            role="status"
                            data-testid="absolute-notice"
                        >
                            <span>
                                {move || t_string!(i18n, session.absolute_notice, at = at.clone())}
                            </span>
                            <button
                                class="button ghost"
                                aria-label=move || t_string!(i18n, session.dismiss)
                                on:click=move |_| notice_dismissed.set(true)
                            >
                                {t!(i18n, session.ok)}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

fn seconds_left(deadline: f64, now: f64) -> u32 {
    ((deadline - now) / 1000.0).ceil().max(0.0) as u32
}

/// `1:05`: minutes and seconds.
fn format_countdown(secs: u32) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// `18:40`, in this browser's time zone.
fn clock_time(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
