use leptos::{prelude::*, task::spawn_local};
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use super::{LanguageSwitch, use_lang};
use crate::{
    i18n::{Locale, t, t_string, use_i18n},
    session::use_session,
};

/// A link in the navigation bar; its label in a language (`|l| td_string!(l, nav.users)`).
#[derive(Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: fn(Locale) -> &'static str,
}

/// The top bar of both areas: the portal's name, the area's links, and who is signed in, with
/// the sign-out control.
#[component]
pub fn NavBar(links: Vec<NavLink>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let office = super::use_office();
    let session = use_session();
    let user = move || session.session().get().map(|s| s.user);
    let navigate = use_navigate();
    let (signing_out, set_signing_out) = signal(false);
    let sign_out = move |_| {
        set_signing_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            session.sign_out().await;
            // A new history entry: "back" then lands on the protected page, whose gate shows
            // nothing and sends the visitor to sign in again.
            navigate("/auth/signin", NavigateOptions::default());
        });
    };

    // Under 700 px the links and the person's part fold behind a menu button (a disclosure:
    // `aria-expanded` on the button, the panel right after it in the reading order). Following
    // a link, Escape and a second press close it.
    let open = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    };

    view! {
        <header class="navbar" on:keydown=close_on_escape>
            <a class="brand" href="/" data-testid="brand">
                {move || {
                    office
                        .with(|o| o.logo)
                        .then(|| {
                            view! {
                                <img
                                    class="brand-logo"
                                    src=crate::account::Office::LOGO_PATH
                                    alt=""
                                    height="28"
                                />
                            }
                        })
                }}
                {move || {
                    office
                        .with(|o| o.name.clone())
                        .unwrap_or_else(|| t_string!(i18n, common.portal).to_owned())
                }}
            </a>
            <button
                type="button"
                class="button secondary menu-toggle"
                node_ref=toggle
                aria-controls="main-menu"
                aria-expanded=move || open.get().to_string()
                data-testid="menu-toggle"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"☰ "</span>
                {t!(i18n, nav.menu)}
            </button>
            <div id="main-menu" class="menu" class:open=open>
                <nav aria-label=move || t_string!(i18n, nav.main) on:click=move |_| open.set(false)>
                    {links
                        .into_iter()
                        .map(|link| {
                            let exact = link.href.matches('/').count() == 1;
                            // An area's root ("/admin") is current on itself only; a section
                            // ("/admin/users") on its pages too ("/admin/users/7").
                            view! {
                                <A href=link.href exact>
                                    {move || (link.label)(i18n.get_locale())}
                                </A>
                            }
                        })
                        .collect_view()}
                </nav>
                <div class="who" data-testid="navbar-user">
                    {move || {
                        user()
                            .map(|u| {
                                let email = u.email.clone();
                                // The email may be cut short on a narrow desktop: whole in
                                // its tooltip.
                                view! {
                                    <span class="who-name">{u.name}</span>
                                    <span class="who-email" title=email>
                                        {u.email}
                                    </span>
                                    <span class="badge" data-testid="role-badge">
                                        {move || u.role.label(lang.get())}
                                    </span>
                                }
                            })
                    }}
                    <LanguageSwitch signed_in=true />
                    <button class="button secondary" on:click=sign_out disabled=signing_out>
                        {move || {
                            if signing_out.get() {
                                t_string!(i18n, nav.signing_out)
                            } else {
                                t_string!(i18n, nav.sign_out)
                            }
                        }}
                    </button>
                </div>
            </div>
        </header>
    }
}
