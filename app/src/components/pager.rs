use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

/// Previous / next under any paged list, and where in it the reader is.
#[component]
pub fn Pager(
    /// The page shown, from 1.
    page: u64,
    /// How many pages there are.
    pages: u64,
    /// How many items there are in all.
    total: u64,
    /// Shows another page.
    go: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, common.pages)>
            <button class="button secondary" disabled={page <= 1} on:click=move |_| go(page - 1)>
                {t!(i18n, common.previous)}
            </button>
            <span data-testid="pager">
                {move || t_string!(i18n, common.page_of, page = page, pages = pages, total = total)}
            </span>
            <button
                class="button secondary"
                disabled={page >= pages}
                on:click=move |_| go(page + 1)
            >
                {t!(i18n, common.next)}
            </button>
        </nav>
    }
}

/// Newer / older under a list paged by cursor (the audit log): the reader's page number is
/// counted here, and the total may be "10,000+".
#[component]
pub fn CursorPager(
    /// The page shown, from 1 (the newest).
    page: usize,
    /// Whether there is an older page.
    has_older: bool,
    /// "1,234" or "10,000+".
    total: String,
    /// Shows the page before (newer).
    newer: impl Fn() + Copy + Send + Sync + 'static,
    /// Shows the page after (older).
    older: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, common.pages)>
            <button class="button secondary" disabled={page <= 1} on:click=move |_| newer()>
                {t!(i18n, common.newer)}
            </button>
            <span data-testid="pager">
                {move || t_string!(i18n, common.page_total, page = page, total = total.clone())}
            </span>
            <button class="button secondary" disabled={!has_older} on:click=move |_| older()>
                {t!(i18n, common.older)}
            </button>
        </nav>
    }
}
