//! The office the portal belongs to: its settings as the server gives them (time zone, name,
//! contact), and its contact where a person who is stuck looks for it: on the client's overview
//! and under the sign-in form.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    account::Office,
    i18n::{t, use_i18n},
};

/// The office's settings (`POST /api/auth/office`: its time zone, name and contact), asked of
/// the server once per app load; the defaults until the answer comes.
#[derive(Clone, Copy)]
struct OfficeContext(RwSignal<Office>);

/// Provides the office's settings to everything inside.
pub fn provide_office() {
    let office = RwSignal::new(Office::default());
    provide_context(OfficeContext(office));
    spawn_local(async move {
        if let Ok(answer) = crate::account::api::office().await
            && answer != office.get_untracked()
        {
            office.set(answer);
        }
    });
}

/// The office's settings (`OFFICE_NAME`, `OFFICE_PHONE`, …), as far as they are known yet.
pub fn use_office() -> Signal<Office> {
    match use_context::<OfficeContext>() {
        Some(OfficeContext(office)) => office.into(),
        None => Signal::derive(Office::default),
    }
}

/// The phone as a `tel:` link and the email as a `mailto:` link, each when set.
fn contact_links(office: &Office) -> impl IntoView + use<> {
    let phone = office.phone.clone().map(|phone| {
        let href = office.phone_href().unwrap_or_default();
        view! {
            <a href=href data-testid="office-phone">
                // One number, one line.
                {phone.replace(' ', "\u{a0}")}
            </a>
        }
    });
    let email = office.email.clone().map(|email| {
        let href = format!("mailto:{email}");
        view! {
            <a href=href data-testid="office-email">
                {email}
            </a>
        }
    });
    let both = phone.is_some() && email.is_some();
    view! {
        {phone}
        {both.then_some(" · ")}
        {email}
    }
}

/// `show(office)` while the office has a contact to show; nothing otherwise.
fn with_contact<V: IntoView + 'static>(
    show: impl Fn(Office) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let office = use_office();
    move || {
        let office = office.get();
        office.has_contact().then(|| show(office))
    }
}

/// A card naming the office and how to reach it; nothing when no contact is set.
#[component]
pub fn OfficeCard() -> impl IntoView {
    let i18n = use_i18n();
    with_contact(move |office| {
        view! {
            <section class="card office" data-testid="office-card">
                <h2>{t!(i18n, common.office_title)}</h2>
                {office.name.clone().map(|name| view! { <p class="office-name">{name}</p> })}
                <p>{contact_links(&office)}</p>
            </section>
        }
    })
}

/// One line under a sign-in form: whom to ask when signing in does not work.
#[component]
pub fn OfficeContactLine() -> impl IntoView {
    let i18n = use_i18n();
    with_contact(move |office| {
        view! {
            <p class="muted small office-line" data-testid="office-line">
                {t!(i18n, common.office_help)}
                " "
                {contact_links(&office)}
            </p>
        }
    })
}
