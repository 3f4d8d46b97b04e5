//! The light sign-in page's words and its language switch, without the app's catalogue (every
//! byte here counts against the first-load budget). The server sends the shell in the request's
//! language (scripts/localize-shells.mjs writes one per language from app/locales): its markup
//! names its keys (`data-t`, `data-t-attr`, `data-t-lang`), and `<script id="page-words">` holds
//! `{"tr": {…}, "en": {…}}`: the other language's words, and the few this page's script shows
//! beyond its markup; the page's own are read from the markup. The switch re-labels the page in
//! place, without a reload, writes the `lang` cookie and tells `domain::lang`, so the input
//! rules' and the server's messages follow.

use std::cell::Cell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

use crate::domain::lang::{self, Lang};

pub struct Words {
    document: Document,
    /// `{"tr": {"signin.title": …}, "en": {…}}`.
    all: JsValue,
    lang: Cell<Lang>,
}

impl Words {
    pub fn find(document: &Document) -> Option<Self> {
        let lang = document
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Lang::parse(&tag))
            .unwrap_or(Lang::En);
        lang::set_current(lang);
        let all =
            js_sys::JSON::parse(&document.get_element_by_id("page-words")?.text_content()?).ok()?;
        let own = js_sys::Reflect::get(&all, &lang.as_str().into()).ok()?;
        learn(document, &own);
        Some(Self {
            document: document.clone(),
            all,
            lang: Cell::new(lang),
        })
    }

    /// The word for `key` (`signin.title`) in the page's language.
    pub fn get(&self, key: &str) -> String {
        js_sys::Reflect::get(&self.all, &self.lang.get().as_str().into())
            .and_then(|words| js_sys::Reflect::get(&words, &key.into()))
            .ok()
            .and_then(|word| word.as_string())
            .unwrap_or_default()
    }

    /// Shows the page in the other language and remembers the choice for the server and the app.
    pub fn switch(&self) {
        let lang = self.lang.get().other();
        self.lang.set(lang);
        lang::set_current(lang);
        let cookie = [
            lang::COOKIE,
            "=",
            lang.as_str(),
            "; path=/; max-age=31536000; samesite=lax",
        ]
        .concat();
        let _ = js_sys::Reflect::set(&self.document, &"cookie".into(), &cookie.into());
        if let Some(html) = self.document.document_element() {
            let _ = html.set_attribute("lang", lang.as_str());
        }
        self.relabel(lang);
    }

    /// Every `data-t*` element of the page, in the current language.
    fn relabel(&self, lang: Lang) {
        for element in all_with(&self.document, "[data-t]") {
            if let Some(key) = element.get_attribute("data-t") {
                element.set_text_content(Some(&self.get(&key)));
            }
        }
        for element in all_with(&self.document, "[data-t-attr]") {
            for (name, key) in attr_keys(&element) {
                let _ = element.set_attribute(&name, &self.get(&key));
            }
        }
        for element in all_with(&self.document, "[data-t-lang]") {
            let _ = element.set_attribute("lang", lang.other().as_str());
        }
    }
}

/// Adds every word the markup shows, in the page's language, to `words`.
fn learn(document: &Document, words: &JsValue) {
    for element in all_with(document, "[data-t]") {
        if let (Some(key), Some(text)) = (element.get_attribute("data-t"), element.text_content()) {
            let _ = js_sys::Reflect::set(words, &key.into(), &text.into());
        }
    }
    for element in all_with(document, "[data-t-attr]") {
        for (name, key) in attr_keys(&element) {
            if let Some(value) = element.get_attribute(&name) {
                let _ = js_sys::Reflect::set(words, &key.into(), &value.into());
            }
        }
    }
}

/// `data-t-attr="aria-label=signin.loading;title=…"` as (attribute, key) pairs.
fn attr_keys(element: &Element) -> Vec<(String, String)> {
    element
        .get_attribute("data-t-attr")
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, key)| (name.to_owned(), key.to_owned()))
        .collect()
}

fn all_with(document: &Document, selector: &str) -> Vec<Element> {
    let Ok(found) = document.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
        .collect()
}
