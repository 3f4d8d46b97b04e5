use leptos::prelude::*;

use super::use_lang;
use crate::{
    domain::Lang,
    i18n::{t, t_string, use_i18n},
};

/// A destructive action behind a second, explicit click: the first shows what will happen and
/// asks to confirm; Cancel puts it back. Label and question follow the page's language when
/// given as closures (`label=move || t_string!(i18n, ns.key).to_owned()`).
#[component]
pub fn ConfirmButton(
    /// The button's label, e.g. "End session".
    #[prop(into)]
    label: Signal<String>,
    /// What confirming does, e.g. "End this session now?".
    #[prop(into)]
    question: Signal<String>,
    /// Runs after confirmation.
    on_confirm: Callback<()>,
    #[prop(into, default = Signal::from(false))] disabled: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let asking = RwSignal::new(false);
    // "Yes, end session" / "Evet, oturumu sonlandır".
    let confirm_label = move || {
        let action = label.with(|l| in_sentence(l, lang.get()));
        t_string!(i18n, common.confirm_yes, action = action)
    };
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=question>
                    <span class="confirm-question">{question}</span>
                    <button
                        class="button danger"
                        disabled=disabled
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm_label}
                    </button>
                    <button class="button secondary" on:click=move |_| asking.set(false)>
                        {t!(i18n, common.cancel)}
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
                    {label}
                </button>
            }
            .into_any()
        }
    }
}

/// A button's label as it reads after "Yes, ": all lower case in English (as before), only the
/// first letter in Turkish, by Turkish rules (İ→i, I→ı), so names and acronyms keep theirs.
fn in_sentence(label: &str, lang: Lang) -> String {
    match lang {
        Lang::En => label.to_lowercase(),
        Lang::Tr => {
            let mut chars = label.chars();
            let Some(first) = chars.next() else {
                return String::new();
            };
            let first = match first {
                'İ' => "i".to_owned(),
                'I' => "ı".to_owned(),
                c => c.to_lowercase().collect(),
            };
            first + chars.as_str()
        }
    }
}
