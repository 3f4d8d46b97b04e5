//! Times as a person reads them: in the page's language and the office's time zone, changing at
//! once with the language switch (`format::local_time` does the formatting).

use leptos::{prelude::*, task::spawn_local};

use super::use_lang;
use crate::format::{DEFAULT_TIME_ZONE, local_time};

/// The office's time zone (`OFFICE_TIME_ZONE`), asked of the server once per app load; the
/// default until the answer comes.
#[derive(Clone, Copy)]
struct OfficeZone(RwSignal<String>);

/// Provides the office's time zone to everything inside.
pub fn provide_office_zone() {
    let zone = RwSignal::new(DEFAULT_TIME_ZONE.to_owned());
    provide_context(OfficeZone(zone));
    spawn_local(async move {
        if let Ok(office) = crate::account::api::office().await
            && office.time_zone != zone.get_untracked()
        {
            zone.set(office.time_zone);
        }
    });
}

/// A formatter of RFC 3339 times that follows the language and the office's zone: call it inside
/// a reactive closure.
pub fn use_local_time() -> impl Fn(&str) -> String + Copy + 'static {
    let lang = use_lang();
    let zone = use_context::<OfficeZone>().map(|z| z.0);
    move |iso: &str| match zone {
        Some(zone) => zone.with(|z| local_time(iso, lang.get(), z)),
        None => local_time(iso, lang.get(), DEFAULT_TIME_ZONE),
    }
}

/// `<time>` for an RFC 3339 instant.
#[component]
pub fn Time(#[prop(into)] iso: String) -> impl IntoView {
    let format = use_local_time();
    let shown = iso.clone();
    view! { <time datetime=iso>{move || format(&shown)}</time> }
}
