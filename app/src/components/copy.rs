//! A "Copy" button for a value staff pass on another way (an invitation link, a password).

use leptos::{prelude::*, task::spawn_local};

use crate::i18n::{t_string, use_i18n};

#[component]
pub fn CopyButton(
    /// What goes to the clipboard.
    text: String,
    #[prop(optional)] test_id: &'static str,
    #[prop(default = "button ghost")] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    view! {
        <button
            class=class
            type="button"
            data-testid=test_id
            on:click=move |_| {
                let written = window().navigator().clipboard().write_text(&text);
                spawn_local(async move {
                    let done = wasm_bindgen_futures::JsFuture::from(written).await;
                    copied.set(done.is_ok());
                });
            }
        >
            {move || {
                if copied.get() {
                    t_string!(i18n, common.copied)
                } else {
                    t_string!(i18n, common.copy)
                }
            }}
        </button>
    }
}
