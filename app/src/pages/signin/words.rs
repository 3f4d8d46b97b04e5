//! The light sign-in page's words and its language switch, without the app's catalogue: the
//! shell carries its own words in both languages (`<script id="page-words">`, written from
//! app/locales by scripts/localize-shells.mjs), and the markup names its keys (`data-t`,
//! `data-t-attr`, `data-t-lang`). The server picked the shell's language; the switch re-labels
//! the page in place, writes the `lang` cookie and tells `domain::lang`, so the input rules' and
//! the server's messages follow.

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
        let text = document.get_element_by_id("page-words")?.text_content()?;
        let all = js_sys::JSON::parse(&text).ok()?;
        let lang = document
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Lang::parse(&tag))
            .unwrap_or(Lang::En);
        lang::set_current(lang);
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
        let cookie = format!(
            "{}={}; path=/; max-age=31536000; samesite=lax",
            lang::COOKIE,
            lang.as_str()
        );
        let _ = js_sys::Reflect::set(&self.document, &"cookie".into(), &cookie.into());
        if let Some(html) = self.document.document_element() {
            let _ = html.set_attribute("lang", lang.as_str());
        }
        self.relabel();
    }

    /// Every `data-t*` element of the page, in the current language.
    fn relabel(&self) {
        for element in self.all_with("[data-t]") {
            if let Some(key) = element.get_attribute("data-t") {
                element.set_text_content(Some(&self.get(&key)));
            }
        }
        for element in self.all_with("[data-t-attr]") {
            let spec = element.get_attribute("data-t-attr").unwrap_or_default();
            for pair in spec.split(';') {
                if let Some((name, key)) = pair.split_once('=') {
                    let _ = element.set_attribute(name, &self.get(key));
                }
            }
        }
        for element in self.all_with("[data-t-lang]") {
            let _ = element.set_attribute("lang", self.lang.get().other().as_str());
        }
    }

    fn all_with(&self, selector: &str) -> Vec<Element> {
        let Ok(found) = self.document.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }
}
