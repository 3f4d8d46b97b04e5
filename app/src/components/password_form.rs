//! The password change form, on the profile page and as the one step of a session limited to it.

use leptos::{prelude::*, task::spawn_local};

use super::{FieldError, FormErrors};
use crate::{
    account::api::{change_password, password_strength},
    domain::{Password, strength::PasswordStrength},
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
        errors.set(found);
        if !errors.is_empty_untracked() {
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
                }
                Err(e) => errors.set([placed(e)]),
            }
            pending.set(false);
        });
    };
    let input = move |id: &'static str,
                      label: fn(Locale) -> &'static str,
                      value: RwSignal<String>,
                      autocomplete: &'static str| {
        let described = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id>{move || label(i18n.get_locale())}</label>
                <input
                    id=id
                    type="password"
                    autocomplete=autocomplete
                    prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || errors.has(id).to_string()
                    aria-describedby=described.clone()
                />
                <FieldError errors field=id id=described />
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>{move || heading.get()}</h2>
            <p class="muted">{move || note.get()}</p>
            <form on:submit=submit novalidate=true>
                {input(
                    "current_password",
                    |l| td_string!(l, account.current_password),
                    current,
                    "current-password",
                )}
                {input(
                    "new_password",
                    |l| td_string!(l, account.new_password),
                    new,
                    "new-password",
                )}
                <StrengthMeter strength />
                {input(
                    "repeat_password",
                    |l| td_string!(l, account.repeat_password),
                    repeat,
                    "new-password",
                )}
                <p class="form-message" role="status" aria-live="polite">
                    {move || errors.form_message()}
                </p>
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

/// What the browser can tell of a new password typed twice, before anything is sent: the
/// length rules (`new_password`), then whether the two agree (`repeat_password`), said in
/// `locale`.
pub fn new_password_errors(new: &str, repeat: &str, locale: Locale) -> Option<ApiError> {
    if let Err(e) = Password::parse_new(new, None) {
        Some(ApiError::invalid("new_password", e.message))
    } else if new != repeat {
        Some(ApiError::invalid(
            "repeat_password",
            td_string!(locale, account.passwords_differ),
        ))
    } else {
        None
    }
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
