//! The light sign-in page as this office's (`OFFICE_NAME`, `OFFICE_PHONE`, `OFFICE_EMAIL`):
//! written once at start-up from the built shell, so a locked-out client sees whom to call
//! without the page's WASM asking the server anything.
//!
//! The contact line's sentence carries `data-t="office.help"`: the page reads its own words
//! from the markup, and the other language's is added to `<script id="page-words">`, so the
//! page's language switch relabels it like every other word.

use app::{account::Office, domain::Lang, format::escape_html as escape};
use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::config::OfficeLogo;

/// `GET /office-logo`: the `OFFICE_LOGO` file, cached for an hour; 404 when none is set. An SVG
/// opened on its own must not run anything on this origin: its own CSP allows nothing but
/// inline style.
pub async fn logo(State(logo): State<Option<OfficeLogo>>) -> Response {
    let Some(logo) = logo else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = logo.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(logo.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    response
}

/// The words the line leads with, in each language.
const HELP: (&str, &str) = (
    "Oturum açmakta sorun mu yaşıyorsunuz? Büronuza ulaşın:",
    "Trouble signing in? Contact your office:",
);
const HELP_KEY: &str = "office.help";

/// `html` (the light shell in `lang`) with the office's name under the sign-in heading and in
/// the title, and its contact line at the foot of the sign-in card.
pub fn light_page_for(html: &str, office: &Office, lang: Lang) -> String {
    let mut page = html.to_owned();
    if let Some(name) = &office.name {
        let name = escape(name);
        page = insert(
            &page,
            "<title>",
            "</title>",
            Place::Before,
            &format!(" · {name}"),
        );
        let shown = format!("<p class=\"office-name\" data-testid=\"office-name\">{name}</p>");
        page = insert(&page, "id=\"signin-title\"", "</h1>", Place::After, &shown);
    }
    if office.logo {
        // Both cards' badge ("SM") becomes the office's logo, its own proportions kept.
        let image = format!(
            "<img class=\"signin-logo\" src=\"{}\" alt=\"\" height=\"48\">",
            Office::LOGO_PATH
        );
        page = page.replace(
            "<div class=\"signin-brand\" aria-hidden=\"true\">SM</div>",
            &image,
        );
    }
    if office.has_contact() {
        let line = contact_line(office, lang);
        page = insert(
            &page,
            "id=\"signin-card\"",
            "</section>",
            Place::Before,
            &line,
        );
        page = with_other_words(&page, lang);
    }
    page
}

/// Where `text` goes relative to the `end` that follows a marker.
#[derive(Clone, Copy)]
enum Place {
    Before,
    After,
}

/// `page` with `text` placed before or after the first `end` that follows the first `marker`;
/// unchanged when either is missing.
fn insert(page: &str, marker: &str, end: &str, place: Place, text: &str) -> String {
    let Some(from) = page.find(marker) else {
        return page.to_owned();
    };
    let Some(found) = page[from..].find(end) else {
        return page.to_owned();
    };
    let at = match place {
        Place::Before => from + found,
        Place::After => from + found + end.len(),
    };
    format!("{}{text}{}", &page[..at], &page[at..])
}

fn contact_line(office: &Office, lang: Lang) -> String {
    let mut links = Vec::new();
    if let (Some(phone), Some(href)) = (&office.phone, office.phone_href()) {
        // One number, one line: its spaces do not break.
        links.push(format!(
            "<a href=\"{}\" data-testid=\"office-phone\">{}</a>",
            escape(&href),
            escape(phone).replace(' ', "&nbsp;")
        ));
    }
    if let Some(email) = &office.email {
        links.push(format!(
            "<a href=\"mailto:{0}\" data-testid=\"office-email\">{0}</a>",
            escape(email)
        ));
    }
    format!(
        "<p class=\"muted small office-line\" data-testid=\"office-line\">\
         <span data-t=\"{HELP_KEY}\">{}</span> {}</p>",
        lang.pick(HELP.0, HELP.1),
        links.join(" · ")
    )
}

/// Adds the help sentence in the other language to the page's words.
fn with_other_words(page: &str, lang: Lang) -> String {
    const OPEN: &str = "<script type=\"application/json\" id=\"page-words\">";
    let Some(start) = page.find(OPEN).map(|i| i + OPEN.len()) else {
        return page.to_owned();
    };
    let Some(len) = page[start..].find("</script>") else {
        return page.to_owned();
    };
    let Ok(mut words) = serde_json::from_str::<serde_json::Value>(&page[start..start + len]) else {
        return page.to_owned();
    };
    let other = lang.other();
    if let Some(theirs) = words
        .get_mut(other.as_str())
        .and_then(serde_json::Value::as_object_mut)
    {
        theirs.insert(
            HELP_KEY.to_owned(),
            other.pick(HELP.0, HELP.1).to_owned().into(),
        );
    }
    // Inside <script>, no `<` at all (as scripts/localize-shells.mjs writes it).
    let json = words.to_string().replace('<', "\\u003c");
    format!("{}{json}{}", &page[..start], &page[start + len..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELL: &str = "<html lang=\"tr\"><title>SMMM Portal</title>\
        <script type=\"application/json\" id=\"page-words\">{\"tr\":{},\"en\":{\"signin.title\":\"Sign in\"}}</script>\
        <section id=\"signin-card\"><h1 id=\"signin-title\" data-t=\"signin.title\">Oturum açın</h1>\
        <form></form></section><section id=\"code-card\"></section></html>";

    fn office(name: Option<&str>, phone: Option<&str>, email: Option<&str>) -> Office {
        Office {
            name: name.map(Into::into),
            phone: phone.map(Into::into),
            email: email.map(Into::into),
            ..Office::default()
        }
    }

    #[test]
    fn the_light_page_names_the_office_and_how_to_reach_it_in_both_languages() {
        let page = light_page_for(
            SHELL,
            &office(
                Some("Yılmaz & Oğulları <SMMM>"),
                Some("+90 (212) 555 01 23"),
                Some("iletisim@yilmaz.example"),
            ),
            Lang::Tr,
        );
        assert!(
            page.contains("<title>SMMM Portal · Yılmaz &amp; Oğulları &lt;SMMM&gt;</title>"),
            "{page}"
        );
        assert!(page.contains(
            "Oturum açın</h1><p class=\"office-name\" data-testid=\"office-name\">\
             Yılmaz &amp; Oğulları &lt;SMMM&gt;</p><form>"
        ));
        assert!(page.contains(
            "<span data-t=\"office.help\">Oturum açmakta sorun mu yaşıyorsunuz? Büronuza ulaşın:</span> \
             <a href=\"tel:+902125550123\" data-testid=\"office-phone\">+90&nbsp;(212)&nbsp;555&nbsp;01&nbsp;23</a> · \
             <a href=\"mailto:iletisim@yilmaz.example\" data-testid=\"office-email\">iletisim@yilmaz.example</a>\
             </p></section><section id=\"code-card\">"
        ));
        // The switch finds the English sentence among the page's words.
        assert!(
            page.contains("\"office.help\":\"Trouble signing in? Contact your office:\""),
            "{page}"
        );
    }

    #[test]
    fn the_logo_takes_the_badge_s_place() {
        let shell = "<section id=\"signin-card\"><div class=\"signin-brand\" aria-hidden=\"true\">SM</div>\
            <h1 id=\"signin-title\">Sign in</h1></section>";
        let with_logo = Office {
            logo: true,
            ..Office::default()
        };
        assert_eq!(
            light_page_for(shell, &with_logo, Lang::En),
            "<section id=\"signin-card\"><img class=\"signin-logo\" src=\"/office-logo\" alt=\"\" \
             height=\"48\"><h1 id=\"signin-title\">Sign in</h1></section>"
        );
    }

    #[test]
    fn a_page_without_office_details_is_the_build_s() {
        assert_eq!(
            light_page_for(SHELL, &office(None, None, None), Lang::En),
            SHELL
        );
        let named = light_page_for(SHELL, &office(Some("Ofis"), None, None), Lang::En);
        assert!(!named.contains("office-line"));
        assert!(!named.contains("office.help"));
    }
}
