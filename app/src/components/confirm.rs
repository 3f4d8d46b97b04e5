use leptos::prelude::*;

/// A destructive action behind a second, explicit click: the first shows what will happen and
/// asks to confirm; Cancel puts it back.
#[component]
pub fn ConfirmButton(
    /// The button's label, e.g. "End session".
    label: String,
    /// What confirming does, e.g. "End this session now?".
    question: String,
    /// Runs after confirmation.
    on_confirm: Callback<()>,
    #[prop(into, default = Signal::from(false))] disabled: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let confirm_label = format!("Yes, {}", label.to_lowercase());
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=question.clone()>
                    <span class="confirm-question">{question.clone()}</span>
                    <button
                        class="button danger"
                        disabled=disabled
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm_label.clone()}
                    </button>
                    <button class="button secondary" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button
                    class="button secondary"
                    disabled=disabled
                    on:click=move |_| asking.set(true)
                >
                    {label.clone()}
                </button>
            }
            .into_any()
        }
    }
}
