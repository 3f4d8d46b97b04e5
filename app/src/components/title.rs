//! Each page's own tab title ("Kullanıcılar · SMMM Portal", or the office's name where
//! `OFFICE_NAME` is set), in the page's language: the tabs,
//! the history and a screen reader's first words tell pages apart.

use leptos::prelude::*;

use crate::i18n::{Locale, td_string, use_i18n};

/// Titles the tab `page · portal` while this page is shown, following the language switch.
pub fn use_page_title(page: impl Fn(Locale) -> String + Send + Sync + 'static) {
    let i18n = use_i18n();
    let office = super::use_office();
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        // The office's name where it is set: the tab is theirs.
        let owner = office
            .with(|o| o.name.clone())
            .unwrap_or_else(|| td_string!(locale, common.portal).to_owned());
        let title = format!("{} · {owner}", page(locale));
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
    });
}
