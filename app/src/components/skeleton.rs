use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};

/// A neutral placeholder while the session is not known yet: no protected content, and no
/// sign-in form that would flash for a signed-in visitor.
#[component]
pub fn Skeleton(
    /// In the shape of the sign-in card it stands for, so nothing jumps when the card comes.
    #[prop(optional)]
    card: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div
            class=if card { "skeleton card" } else { "skeleton" }
            data-testid="skeleton"
            role="status"
            aria-busy="true"
            aria-label=move || t_string!(i18n, common.loading)
        >
            <div class="skeleton-bar wide"></div>
            <div class="skeleton-bar"></div>
            <div class="skeleton-bar"></div>
        </div>
    }
}
