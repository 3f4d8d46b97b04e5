//! Times as a person reads them: in the page's language and the office's time zone, changing at
//! once with the language switch (`format::local_time` does the formatting).

use leptos::{prelude::*, task::spawn_local};

use super::use_lang;
use crate::{
    account::Office,
    format::{DEFAULT_TIME_ZONE, local_time},
};

/// The office's settings (`POST /api/auth/office`: its time zone, name and contact), asked of
/// the server once per app load; the defaults until the answer comes.
#[derive(Clone, Copy)]
struct OfficeContext(RwSignal<Office>);

/// Provides the office's settings to everything inside.
pub fn provide_office_zone() {
    let office = RwSignal::new(Office::default());
    provide_context(OfficeContext(office));
    spawn_local(async move {
        if let Ok(answer) = crate::account::api::office().await
            && answer != office.get_untracked()
        {
            office.set(answer);
        }
    });
}

/// The office's settings (`OFFICE_NAME`, `OFFICE_PHONE`, …), as far as they are known yet.
pub fn use_office() -> Signal<Office> {
    match use_context::<OfficeContext>() {
        Some(OfficeContext(office)) => office.into(),
        None => Signal::derive(Office::default),
    }
}

/// A formatter of RFC 3339 times that follows the language and the office's zone: call it inside
/// a reactive closure.
pub fn use_local_time() -> impl Fn(&str) -> String + Copy + 'static {
    let lang = use_lang();
    let office = use_context::<OfficeContext>().map(|o| o.0);
    move |iso: &str| match office {
        Some(office) => office.with(|o| local_time(iso, lang.get(), &o.time_zone)),
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
