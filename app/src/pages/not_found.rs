use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::use_page_title(|l| {
        crate::i18n::td_string!(l, common.not_found_title).to_owned()
    });
    let i18n = use_i18n();
    view! {
        <main class="page narrow">
            <section class="card" data-testid="not-found">
                <h1>{t!(i18n, common.not_found_title)}</h1>
                <p>{t!(i18n, common.not_found_text)}</p>
                <a class="button" href="/">
                    {t!(i18n, common.not_found_home)}
                </a>
            </section>
        </main>
    }
}
