use leptos::prelude::*;

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
    view! {
        <nav class="pager" aria-label="Pages">
            <button class="button secondary" disabled={page <= 1} on:click=move |_| go(page - 1)>
                "Previous"
            </button>
            <span data-testid="pager">{format!("Page {page} of {pages} · {total} in all")}</span>
            <button
                class="button secondary"
                disabled={page >= pages}
                on:click=move |_| go(page + 1)
            >
                "Next"
            </button>
        </nav>
    }
}
