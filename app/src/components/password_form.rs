//! The password change form, on the profile page and as the one step of a session limited to it.

use leptos::{prelude::*, task::spawn_local};

use super::{FormErrors, FormSummary, TextField};
use crate::{
    account::api::{change_password, password_strength},
    domain::{Password, input::PASSWORD_MIN_CHARS, strength::PasswordStrength},
    error::ApiError,
    i18n::{Locale, t, t_string, td_string, use_i18n},
    session::use_session,
};

/// How long typing must pause before the strength is asked for.
const STRENGTH_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(350);

/// The password change form: the current password, the new one twice. A change ends every
/// other session; this browser continues on a fresh one (see `change_password`).
/// `heading` and `note` are words or, to follow the language, a closure giving them.
#[component]
pub fn PasswordForm(
    #[prop(into)] heading: TextProp,
    #[prop(into)] note: TextProp,
    /// Told once the password has changed (the profile shows the new date at once).
    #[prop(optional)]
    on_changed: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = FormErrors::new(&["current_password", "new_password", "repeat_password"]);
    let done = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let strength = strength_feedback(new, |typed| password_strength(typed, None, None));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let mut found = Vec::new();
        if current.get_untracked().is_empty() {
            found.push(ApiError::invalid(
                "current_password",
                t_string!(i18n, account.enter_current_password),
            ));
        }
        found.extend(new_password_errors(
            &new.get_untracked(),
            &repeat.get_untracked(),
            i18n.get_locale_untracked(),
        ));
        if errors.refused(found, &ev) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match session
                .call_replacing(change_password(
                    current.get_untracked(),
                    new.get_untracked(),
                ))
                .await
            {
                Ok(()) => {
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                    done.set(true);
                    session.update();
                    if let Some(on_changed) = on_changed {
                        on_changed.run(());
                    }
                }
                Err(e) => errors.set([placed(e)]),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card">
            <h2>{move || heading.get()}</h2>
            <p class="muted">{move || note.get()}</p>
            <form on:submit=submit novalidate=true>
                <TextField
                    field="current_password"
                    label=|l| td_string!(l, account.current_password)
                    value=current
                    errors
                    kind="password"
                    autocomplete="current-password"
                />
                <NewPasswordFields new repeat errors strength />
                <FormSummary errors />
                <div class="form-actions">
                    <button class="button" type="submit" disabled=pending>
                        {t!(i18n, account.change_password)}
                    </button>
                    <span
                        class="form-ok"
                        role="status"
                        aria-live="polite"
                        data-testid="password-changed"
                    >
                        {move || { done.get().then(|| t_string!(i18n, account.password_changed)) }}
                    </span>
                </div>
            </form>
        </section>
    }
}

/// A new password typed twice: its rules said under it from the start, the server's estimate of
/// its strength as it is typed (`strength_feedback`), then the repeat. The fields are
/// `new_password` and `repeat_password` of `errors`.
#[component]
pub fn NewPasswordFields(
    new: RwSignal<String>,
    repeat: RwSignal<String>,
    errors: FormErrors,
    strength: RwSignal<Option<PasswordStrength>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TextField
            field="new_password"
            label=|l| td_string!(l, account.new_password)
            value=new
            errors
            kind="password"
            autocomplete="new-password"
            hint=Signal::derive(move || {
                t_string!(i18n, recovery.password_hint, min = PASSWORD_MIN_CHARS)
            })
        />
        <StrengthMeter strength />
        <TextField
            field="repeat_password"
            label=|l| td_string!(l, account.repeat_password)
            value=repeat
            errors
            kind="password"
            autocomplete="new-password"
        />
    }
}

/// What the browser can tell of a new password typed twice, before anything is sent: the
/// length rules (`new_password`) and whether the two agree (`repeat_password`), both at once,
/// said in `locale`.
pub fn new_password_errors(new: &str, repeat: &str, locale: Locale) -> Vec<ApiError> {
    let mut found = Vec::new();
    if let Err(e) = Password::parse_new(new, None) {
        found.push(ApiError::invalid("new_password", e.message));
    }
    if new != repeat {
        found.push(ApiError::invalid(
            "repeat_password",
            td_string!(locale, account.passwords_differ),
        ));
    }
    found
}

/// Where the server's error shows in the password form: its `password` is the new one.
pub fn placed(error: ApiError) -> ApiError {
    let field = match error.field.as_deref() {
        Some("password") => Some("new_password".to_owned()),
        _ => error.field.clone(),
    };
    ApiError { field, ..error }
}

/// The server's estimate of `password` (zxcvbn stays out of the browser), asked for by `ask`
/// once the typing pauses, and only for a password the local rules already accept; `None`
/// otherwise.
pub fn strength_feedback<Ask, Asking>(
    password: RwSignal<String>,
    ask: Ask,
) -> RwSignal<Option<PasswordStrength>>
where
    Ask: Fn(String) -> Asking + Copy + 'static,
    Asking: std::future::Future<Output = Result<PasswordStrength, ApiError>> + 'static,
{
    let strength = RwSignal::new(None);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let typed = password.get();
        strength.set(None);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        if Password::parse_new(&typed, None).is_err() {
            return;
        }
        let ask = move || {
            spawn_local(async move {
                let answer = ask(typed.clone()).await;
                // Only if it is still what the field holds: answers can cross.
                if let Ok(answer) = answer
                    && password.get_untracked() == typed
                {
                    strength.set(Some(answer));
                }
            });
        };
        timer.set_value(set_timeout_with_handle(ask, STRENGTH_DEBOUNCE).ok());
    });
    strength
}

/// The estimate as a meter and a sentence.
#[component]
pub fn StrengthMeter(strength: RwSignal<Option<PasswordStrength>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        strength.get().map(|s| {
            let label = match s.score {
                0 | 1 => t_string!(i18n, account.strength_very_easy),
                2 => t_string!(i18n, account.strength_easy),
                3 => t_string!(i18n, account.strength_hard),
                _ => t_string!(i18n, account.strength_very_hard),
            };
            let advice = s
                .warning
                .iter()
                .chain(s.suggestions.first())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <div
                    class="strength"
                    data-testid="password-strength"
                    data-acceptable=s.acceptable.to_string()
                    role="status"
                    aria-live="polite"
                >
                    <meter min="0" max="4" low="2.5" high="3.5" optimum="4" value=s.score></meter>
                    <span class="strength-label">{label}</span>
                    {(!advice.is_empty()).then(|| view! { <span class="muted">{advice}</span> })}
                </div>
            }
        })
    }
}
