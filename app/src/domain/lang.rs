//! The one way a language is named, chosen and used for a sentence: the portal speaks Turkish
//! (the office's and most clients' language) and English.
//!
//! - The browser's choice travels in the `lang` cookie (written by the app's switch, read by the
//!   server), so the first HTML, the server's messages and the page agree. Without it, the
//!   `Accept-Language` header decides: Turkish when it prefers Turkish to English, English
//!   otherwise.
//! - A signed-in person's choice is also kept on their profile (`users.language`): it wins on a
//!   new device, and it is the language of the emails they get.
//! - A sentence written on either side is `say(turkish, english)`: the request's language on the
//!   server (`scope` sets it for one request), the page's language in the browser (`set_current`).
//!   Both words sit side by side at the call, so no sentence can exist in one language alone.

use serde::{Deserialize, Serialize};

/// The cookie holding the chosen language (`tr` or `en`). Read by the server, written by the
/// browser (leptos_i18n's context and the light sign-in page).
pub const COOKIE: &str = "lang";

/// A language the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Tr,
    En,
}

impl Lang {
    pub const ALL: [Self; 2] = [Self::Tr, Self::En];

    /// The BCP 47 tag, as in `<html lang>`, the cookie and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tr => "tr",
            Self::En => "en",
        }
    }

    /// The language's own name, as the switch shows it.
    pub const fn own_name(self) -> &'static str {
        match self {
            Self::Tr => "Türkçe",
            Self::En => "English",
        }
    }

    /// The other one: what the switch offers.
    pub const fn other(self) -> Self {
        match self {
            Self::Tr => Self::En,
            Self::En => Self::Tr,
        }
    }

    /// A stored or sent tag: `tr`, `en`, or a regional form of either (`tr-TR`, `en-GB`), in
    /// any case. Anything else is no language of ours.
    pub fn parse(raw: &str) -> Option<Self> {
        let primary = raw.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("tr") {
            Some(Self::Tr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// The language an `Accept-Language` header prefers among ours: the one with the higher
    /// weight (the earlier one on a tie), English when it names neither.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::parse) else {
                continue;
            };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Self::En, |(lang, _)| lang)
    }

    /// Turkish or English words for this language.
    pub fn pick<T>(self, turkish: T, english: T) -> T {
        match self {
            Self::Tr => turkish,
            Self::En => english,
        }
    }

    /// The language sentences are said in here and now (see the module's opening).
    pub fn current() -> Self {
        current::get()
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sentence in the current language: `say("Türkçesi", "English")`.
pub fn say(turkish: impl Into<String>, english: impl Into<String>) -> String {
    Lang::current().pick(turkish.into(), english.into())
}

#[cfg(feature = "ssr")]
mod current {
    use super::Lang;

    tokio::task_local! {
        static REQUEST_LANG: Lang;
    }

    /// The request's language; English outside a request (a log line, a background task,
    /// whose user-facing words take their language explicitly).
    pub fn get() -> Lang {
        REQUEST_LANG.try_with(|lang| *lang).unwrap_or(Lang::En)
    }

    /// Runs one request's work with its language.
    pub async fn scope<F: Future>(lang: Lang, work: F) -> F::Output {
        REQUEST_LANG.scope(lang, work).await
    }

    /// `scope` for work that does not wait (an answer the server's edge gives at once).
    pub fn sync_scope<R>(lang: Lang, work: impl FnOnce() -> R) -> R {
        REQUEST_LANG.sync_scope(lang, work)
    }
}

#[cfg(not(feature = "ssr"))]
mod current {
    use std::cell::Cell;

    use super::Lang;

    thread_local! {
        static PAGE_LANG: Cell<Lang> = const { Cell::new(Lang::En) };
    }

    pub fn get() -> Lang {
        PAGE_LANG.with(Cell::get)
    }

    /// The page's language changed (the i18n context tells).
    pub fn set(lang: Lang) {
        PAGE_LANG.with(|cell| cell.set(lang));
    }
}

#[cfg(feature = "ssr")]
pub use current::{scope, sync_scope};

#[cfg(not(feature = "ssr"))]
pub use current::set as set_current;

/// The language of one request: its `lang` cookie, else its `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn of_request(headers: &http::HeaderMap) -> Lang {
    let from_cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .and_then(|c| Lang::parse(c.value()));
    from_cookie.unwrap_or_else(|| {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_accept_language)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_heavier_of_ours() {
        assert_eq!(
            Lang::from_accept_language("tr-TR,tr;q=0.9,en;q=0.8"),
            Lang::Tr
        );
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,tr;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,tr;q=0.5,en;q=0.7"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("de,fr;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0,tr;q=0.1"), Lang::Tr);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("*"), Lang::En);
    }

    #[test]
    fn tags_parse_in_any_case_and_region() {
        assert_eq!(Lang::parse("TR-tr"), Some(Lang::Tr));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("tur"), None);
        assert_eq!(Lang::parse(""), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.as_str()), Some(lang));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_header_gets_one_of_ours_without_panicking(header in ".{0,80}") {
            let _ = Lang::from_accept_language(&header);
        }
    }
}
