use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="page narrow">
            <section class="card" data-testid="not-found">
                <h1>"Page not found"</h1>
                <p>
                    "There is nothing at this address. It may have moved, or the link may be mistyped."
                </p>
                <a class="button" href="/">
                    "Go to the portal"
                </a>
            </section>
        </main>
    }
}
