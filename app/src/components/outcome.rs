//! What an action came to, said under the page's heading: a success as a status that goes away
//! after a few seconds, a refusal as an alert in the error style that stays until the next one.

use leptos::prelude::*;

use crate::i18n::{Locale, use_i18n};

/// How long a success stays on screen.
const SUCCESS_SHOWN_MS: u64 = 6_000;

/// An action's outcome: `Ok` a success, `Err` a refusal, each in the reader's words.
pub type Outcome = Option<Result<String, String>>;

/// Shows `outcome` (and clears it, through `dismiss`, once a success has been read). When the
/// action took the focus with it (a confirmation's buttons are gone), the message takes it, so
/// a keyboard or screen-reader user lands on the result rather than at the top of the page.
#[component]
pub fn OutcomeMessage(
    outcome: Signal<Outcome>,
    dismiss: Callback<()>,
    /// The `data-testid` of the message.
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let holder = NodeRef::<leptos::html::Div>::new();
    // Each outcome its own number: a timer only clears the success it was set for.
    let shown = StoredValue::new(0_u64);
    // The language the page was in at the last run: a switch says the same outcome again in
    // the other language, which is no new outcome (no new timer, no focus taken).
    let said_in = StoredValue::new(None::<Locale>);
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        let switched = said_in.get_value().is_some_and(|before| before != locale);
        said_in.set_value(Some(locale));
        let Some(result) = outcome.get() else {
            return;
        };
        if switched {
            return;
        }
        let number = shown.get_value() + 1;
        shown.set_value(number);
        focus_if_lost(holder);
        if result.is_ok() {
            set_timeout(
                move || {
                    if shown.get_value() == number {
                        dismiss.run(());
                    }
                },
                std::time::Duration::from_millis(SUCCESS_SHOWN_MS),
            );
        }
    });
    let success = move || outcome.get().and_then(Result::ok);
    let refusal = move || outcome.get().and_then(Result::err);
    view! {
        <div class="outcome" tabindex="-1" node_ref=holder data-testid=test_id>
            <p class="notice success" role="status" aria-live="polite">
                {success}
            </p>
            <p class="notice error" role="alert">
                {refusal}
            </p>
        </div>
    }
}

/// Moves the focus to `holder` when nothing has it (the page's body).
fn focus_if_lost(holder: NodeRef<leptos::html::Div>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active.is_same_node(Some(body.as_ref())),
        (Some(_), None) => false,
    };
    if lost && let Some(holder) = holder.get_untracked() {
        let _ = holder.focus();
    }
}
