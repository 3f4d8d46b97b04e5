//! The app's language: the leptos_i18n context with the portal's cookie, the switch in the navbar
//! and on the sign-in page, and the hand-over of a signed-in person's saved choice.

use leptos::{prelude::*, task::spawn_local};
use leptos_use::{SameSite, UseCookieOptions};

use crate::{
    domain::lang::{self, Lang},
    i18n::{I18nContextProvider, Locale, t_string, use_i18n},
};

/// A year: the choice outlives sessions; the server reads it for the first HTML and its messages.
const COOKIE_MAX_AGE_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// The i18n context for everything inside, its `lang` cookie readable by the server (path `/`,
/// so a choice made on any page holds on every page; not HttpOnly: the light page writes it too).
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let options = UseCookieOptions::default()
        .path("/")
        .max_age(COOKIE_MAX_AGE_MS)
        .same_site(SameSite::Lax);
    super::provide_office();
    view! {
        <I18nContextProvider cookie_name=lang::COOKIE cookie_options=options>
            <CurrentLanguage />
            {children()}
        </I18nContextProvider>
    }
}

/// Keeps `lang::current()` (what `say` and client-made errors speak) in step with the context,
/// and hands a signed-in person's saved choice over to this device.
#[component]
fn CurrentLanguage() -> impl IntoView {
    let i18n = use_i18n();
    lang::set_current(of_locale(i18n.get_locale_untracked()));
    Effect::new(move || lang::set_current(of_locale(i18n.get_locale())));
    follow_the_profile(i18n);
}

/// Once per signed-in person on this page: the language they chose (with the switch, on any
/// device) wins; a person who never chose keeps what this device shows (its cookie, else the
/// browser's languages).
fn follow_the_profile(i18n: leptos_i18n::I18nContext<Locale>) {
    let session = crate::session::use_session();
    let user_id = Memo::new(move |_| session.session().with(|s| s.as_ref().map(|s| s.user.id)));
    Effect::new(move |_| {
        if user_id.get().is_none() {
            return;
        }
        spawn_local(async move {
            // Through the session layer: with an expired token it renews once for the browser
            // first, as every call the app makes.
            let Ok(profile) = session.call(crate::account::api::my_profile()).await else {
                return;
            };
            if let Some(chosen) = profile.language {
                i18n.set_locale(to_locale(chosen));
            }
        });
    });
}

pub fn of_locale(locale: Locale) -> Lang {
    match locale {
        Locale::tr => Lang::Tr,
        Locale::en => Lang::En,
    }
}

pub fn to_locale(lang: Lang) -> Locale {
    match lang {
        Lang::Tr => Locale::tr,
        Lang::En => Locale::en,
    }
}

/// The language shown now, as the portal names it.
pub fn use_lang() -> Signal<Lang> {
    let i18n = use_i18n();
    Signal::derive(move || of_locale(i18n.get_locale()))
}

/// Shows the page in `lang` at once (no reload) and remembers it in the cookie; a signed-in
/// person's profile keeps it too (`session`), for their other devices and their emails.
fn choose_language(
    i18n: leptos_i18n::I18nContext<Locale>,
    lang: Lang,
    session: Option<crate::session::SessionContext>,
) {
    i18n.set_locale(to_locale(lang));
    if let Some(session) = session {
        spawn_local(async move {
            // The page already speaks it; a failed save only costs the other devices.
            let _ = session.call(crate::account::api::set_language(lang)).await;
        });
    }
}

/// The switch: names the other language in that language ("English" on a Turkish page).
#[component]
pub fn LanguageSwitch(
    /// Also save the choice on the signed-in person's profile.
    #[prop(optional)]
    signed_in: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let session = signed_in.then(crate::session::use_session);
    let current = move || lang.get();
    let switch = move |_| choose_language(i18n, current().other(), session);
    view! {
        <button
            type="button"
            class="button ghost language-switch"
            data-testid="language-switch"
            lang=move || current().other().as_str()
            aria-label=move || t_string!(i18n, common.switch_label)
            on:click=switch
        >
            {move || current().other().own_name()}
        </button>
    }
}
