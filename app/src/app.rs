//! The root component: routes and layout.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The whole single-page app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <main class="page" data-testid="app-root">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <section class="card" data-testid="home">
            <h1>"SMMM Portal"</h1>
            <p>"The client portal of the accounting office."</p>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="card" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a href="/">"Go to the portal"</a>
        </section>
    }
}
