//! Display helpers shared by the pages.

use crate::domain::Lang;

/// The office's time zone unless `OFFICE_TIME_ZONE` says otherwise (the pages ask
/// `POST /api/auth/office`).
pub const DEFAULT_TIME_ZONE: &str = "Europe/Istanbul";

/// An RFC 3339 time in the reader's language and the office's time zone, to the minute:
/// "30 Kasım 2026 14:05", "30 November 2026 at 14:05". Formatted by the browser's
/// `Intl.DateTimeFormat` (no time-zone database in the WASM); a zone the browser does not know
/// falls back to the browser's own. Without a browser (tests): the UTC time, to the minute.
pub fn local_time(iso: &str, lang: Lang, time_zone: &str) -> String {
    #[cfg(feature = "csr")]
    if let Some(text) = intl::format(iso, lang, time_zone) {
        return text;
    }
    let _ = (lang, time_zone);
    let minute = iso.get(..16).unwrap_or(iso);
    format!("{} UTC", minute.replace('T', " "))
}

#[cfg(feature = "csr")]
mod intl {
    use js_sys::{Array, Date, Intl::DateTimeFormat, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    use crate::domain::Lang;

    pub fn format(iso: &str, lang: Lang, time_zone: &str) -> Option<String> {
        let date = Date::new(&JsValue::from_str(iso));
        if date.get_time().is_nan() {
            return None;
        }
        let locale = lang.pick("tr-TR", "en-GB");
        let with_zone = formatter(locale, Some(time_zone)).or_else(|| formatter(locale, None))?;
        let text = with_zone.format().call1(&with_zone, &date).ok()?;
        text.as_string()
    }

    /// `Intl.DateTimeFormat` throws a RangeError for a zone it does not know: built through
    /// `Reflect.construct`, which hands the error back instead.
    fn formatter(locale: &str, time_zone: Option<&str>) -> Option<DateTimeFormat> {
        let options = Object::new();
        Reflect::set(&options, &"dateStyle".into(), &"long".into()).ok()?;
        Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
        if let Some(zone) = time_zone {
            Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let arguments = Array::of2(&Array::of1(&locale.into()), &options);
        Reflect::construct(&constructor, &arguments)
            .ok()
            .map(JsCast::unchecked_into)
    }
}

/// "Firefox on Linux" ("Linux üzerinde Firefox") from a user agent; "Unknown browser" when it
/// says nothing useful.
pub fn describe_user_agent(ua: &str, lang: Lang) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os, lang) {
        (Some(b), Some(o), Lang::Tr) => format!("{o} üzerinde {b}"),
        (Some(b), Some(o), Lang::En) => format!("{b} on {o}"),
        (Some(b), None, _) => b.to_owned(),
        (None, Some(o), Lang::Tr) => format!("{o} üzerinde bir tarayıcı"),
        (None, Some(o), Lang::En) => format!("A browser on {o}"),
        (None, None, Lang::Tr) => "Bilinmeyen tarayıcı".to_owned(),
        (None, None, Lang::En) => "Unknown browser".to_owned(),
    }
}

/// HTML's five special characters, escaped (names and addresses are typed by people): for the
/// emails' HTML part and the sign-in page the server writes for the office.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(describe_user_agent(chrome, Lang::En), "Chrome on Linux");
        assert_eq!(
            describe_user_agent(chrome, Lang::Tr),
            "Linux üzerinde Chrome"
        );
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120";
        assert_eq!(describe_user_agent(edge, Lang::En), "Edge on Windows");
        assert_eq!(describe_user_agent("", Lang::En), "Unknown browser");
        assert_eq!(describe_user_agent("", Lang::Tr), "Bilinmeyen tarayıcı");
    }

    #[test]
    fn time_without_a_browser_is_utc_to_the_minute() {
        assert_eq!(
            local_time("2026-11-29T20:30:45Z", Lang::Tr, DEFAULT_TIME_ZONE),
            "2026-11-29 20:30 UTC"
        );
    }
}
