//! Times as a person reads them: in the page's language and the office's time zone, changing at
//! once with the language switch (`format::local_time` does the formatting).

use leptos::prelude::*;

use super::{use_lang, use_office};
use crate::format::local_time;

/// A formatter of RFC 3339 times that follows the language and the office's zone: call it inside
/// a reactive closure.
pub fn use_local_time() -> impl Fn(&str) -> String + Copy + 'static {
    let lang = use_lang();
    // The default zone until the server's answer (or without the app's context).
    let office = use_office();
    move |iso: &str| office.with(|o| local_time(iso, lang.get(), &o.time_zone))
}

/// `<time>` for an RFC 3339 instant.
#[component]
pub fn Time(#[prop(into)] iso: String) -> impl IntoView {
    let format = use_local_time();
    let shown = iso.clone();
    view! { <time datetime=iso>{move || format(&shown)}</time> }
}
