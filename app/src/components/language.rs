//! The app's language: the leptos_i18n context with the portal's cookie, the switch in the navbar
//! and on the sign-in page, and the hand-over of a signed-in person's saved choice.

use leptos::{prelude::*, task::spawn_local};
use leptos_use::{SameSite, UseCookieOptions};

use crate::{
    domain::lang::{self, Lang},
    i18n::{I18nContextProvider, Locale, use_i18n},
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
    Effect::new(move || lang::set_current(of_locale(i18n.get_locale())));
    follow_the_profile(i18n);
}

/// Once per signed-in person on this page: their profile's language wins (a choice made on
/// another device); a profile without one keeps the language this device shows.
fn follow_the_profile(i18n: leptos_i18n::I18nContext<Locale>) {
    let session = crate::session::use_session();
    let user_id = Memo::new(move |_| session.session().with(|s| s.as_ref().map(|s| s.user.id)));
    Effect::new(move |_| {
        if user_id.get().is_none() {
            return;
        }
        spawn_local(async move {
            let Ok(profile) = crate::account::api::my_profile().await else {
                return;
            };
            match profile.language {
                Some(saved) => i18n.set_locale(to_locale(saved)),
                None => {
                    let shown = of_locale(i18n.get_locale_untracked());
                    let _ = crate::account::api::set_language(shown).await;
                }
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
/// person's profile keeps it too, for their other devices and their emails.
pub fn choose_language(lang: Lang, save_to_profile: bool) {
    let i18n = use_i18n();
    i18n.set_locale(to_locale(lang));
    if save_to_profile {
        spawn_local(async move {
            // The page already speaks it; a failed save only costs the other devices.
            let _ = crate::account::api::set_language(lang).await;
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
    let current = move || of_locale(i18n.get_locale());
    let switch = move |_| choose_language(current().other(), signed_in);
    view! {
        <button
            type="button"
            class="button ghost language-switch"
            data-testid="language-switch"
            lang=move || current().other().as_str()
            aria-label=move || {
                current()
                    .pick("Dili değiştir: English", "Change language: Türkçe")
            }
            on:click=switch
        >
            {move || current().other().own_name()}
        </button>
    }
}
