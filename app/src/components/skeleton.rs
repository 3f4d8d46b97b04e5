use leptos::prelude::*;

/// A neutral placeholder while the session is not known yet: no protected content, and no
/// sign-in form that would flash for a signed-in visitor.
#[component]
pub fn Skeleton() -> impl IntoView {
    view! {
        <div
            class="skeleton"
            data-testid="skeleton"
            role="status"
            aria-busy="true"
            aria-label="Loading"
        >
            <div class="skeleton-bar wide"></div>
            <div class="skeleton-bar"></div>
            <div class="skeleton-bar"></div>
        </div>
    }
}
