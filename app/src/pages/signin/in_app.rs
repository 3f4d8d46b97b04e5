//! `/auth/signin` inside the app: the sign-in form a tab shows after signing out (or being
//! signed out) without a reload. A first load of the address gets the light page instead
//! (`super::light` over `signin.html`): keep the two forms' markup and texts alike.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    components::{FieldError, FormErrors, LanguageSwitch, Skeleton},
    domain::{Email, Password},
    error::{ApiError, ErrorCode},
    i18n::{t, t_string, use_i18n},
    session::{SessionStatus, SignInStep, SignedOutReason, redirect::safe_callback, use_session},
};

#[component]
pub fn SignInPage() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, signin.submit).to_owned());
    let session = use_session();
    let status = session.status();
    let query = use_query_map();
    let navigate = use_navigate();

    // A signed-in visitor goes straight on: to the callback if it is a same-site path, else home.
    Effect::new(move |_| {
        if let SessionStatus::Authenticated(s) = status.get() {
            let callback = query.with_untracked(|q| q.get("callbackUrl"));
            let target = callback
                .as_deref()
                .and_then(safe_callback)
                .map_or_else(|| s.user.role.home().to_owned(), str::to_owned);
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    // After a right password, for an account with two-step sign-in: the code's form.
    let code_step = RwSignal::new(false);
    // Why the code's form gave way to the password's again, when it did.
    let expired = RwSignal::new(None::<String>);
    let form = move || match status.get() {
        SessionStatus::Unauthenticated if code_step.get() => {
            view! { <CodeForm code_step expired /> }.into_any()
        }
        SessionStatus::Unauthenticated => view! { <SignInForm code_step expired /> }.into_any(),
        _ => view! {
            <main class="page narrow">
                <Skeleton card=true />
            </main>
        }
        .into_any(),
    };
    // The switch above the card, as on the light page (`signin.html`).
    view! {
        <div class="top-switch">
            <LanguageSwitch />
        </div>
        {form}
    }
}

#[component]
fn SignInForm(code_step: RwSignal<bool>, expired: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = session.signed_out_reason();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    // Unchecked by default: an office computer is often shared.
    let keep_signed_in = RwSignal::new(false);
    let errors = FormErrors::new(&["email", "password"]);
    let pending = RwSignal::new(false);
    // Whether this portal sends email (the forgot-password link needs it).
    let mail = LocalResource::new(crate::account::recovery_api::get_mail_features);
    let email_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();
    // The form is what the page is for: the email field takes the focus as it appears.
    Effect::new(move |_| {
        if email_input.get().is_some() {
            focus(email_input);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        // The same rules the server applies, before anything is sent.
        let email_check = email.with_untracked(|e| Email::validate(e).err());
        let password_check = password.with_untracked(|p| Password::parse(p).err());
        let focus_on = match (&email_check, &password_check) {
            (Some(_), _) => Some(email_input),
            (None, Some(_)) => Some(password_input),
            (None, None) => None,
        };
        errors.set(email_check.into_iter().chain(password_check));
        if let Some(input) = focus_on {
            focus(input);
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = session
                .sign_in(
                    email.get_untracked(),
                    password.get_untracked(),
                    keep_signed_in.get_untracked(),
                )
                .await;
            match result {
                Ok(SignInStep::Done(_)) => {}
                Ok(SignInStep::CodeRequired) => code_step.set(true),
                Err(error) => {
                    errors.set([error]);
                    password.set(String::new());
                    pending.set(false);
                    focus(password_input);
                }
            }
        });
    };

    let notice = move || match reason.get() {
        _ if expired.with(Option::is_some) => expired.get(),
        Some(SignedOutReason::Ended) => Some(t_string!(i18n, signin.session_ended).to_owned()),
        Some(SignedOutReason::Inactive) => Some(t_string!(i18n, signin.idle_signed_out).to_owned()),
        Some(SignedOutReason::SignedOut) => Some(t_string!(i18n, signin.signed_out).to_owned()),
        Some(SignedOutReason::SignOutUnconfirmed) => {
            Some(t_string!(i18n, signin.sign_out_unconfirmed).to_owned())
        }
        None => None,
    };

    view! {
        <main class="page narrow">
            <section class="card signin" aria-labelledby="signin-title">
                <Badge />
                <h1 id="signin-title">{t!(i18n, signin.title)}</h1>
                <p class="muted">{t!(i18n, signin.intro)}</p>
                {move || {
                    notice()
                        .map(|text| {
                            view! {
                                <p class="notice" data-testid="signin-notice">
                                    {text}
                                </p>
                            }
                        })
                }}
                <form on:submit=submit novalidate=true>
                    <div class="field">
                        <label for="email">{t!(i18n, signin.email)}</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            inputmode="email"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required=true
                            node_ref=email_input
                            prop:value=email
                            on:input=move |ev| {
                                email.set(event_target_value(&ev));
                                errors.clear_field("email");
                            }
                            aria-invalid=move || errors.has("email").to_string()
                            aria-describedby="email-error"
                        />
                        <FieldError errors field="email" id="email-error" test_id="email-error" />
                    </div>
                    <div class="field">
                        <label for="password">{t!(i18n, signin.password)}</label>
                        <div class="password-row">
                            <input
                                id="password"
                                name="password"
                                type=move || if show_password.get() { "text" } else { "password" }
                                autocomplete="current-password"
                                required=true
                                node_ref=password_input
                                prop:value=password
                                on:input=move |ev| {
                                    password.set(event_target_value(&ev));
                                    errors.clear_field("password");
                                }
                                aria-invalid=move || errors.has("password").to_string()
                                aria-describedby="password-error"
                            />
                            <button
                                type="button"
                                class="button ghost"
                                aria-controls="password"
                                on:click=move |_| show_password.update(|v| *v = !*v)
                            >
                                {move || {
                                    if show_password.get() {
                                        t_string!(i18n, signin.hide)
                                    } else {
                                        t_string!(i18n, signin.show)
                                    }
                                }}
                            </button>
                        </div>
                        <FieldError
                            errors
                            field="password"
                            id="password-error"
                            test_id="password-error"
                        />
                    </div>
                    <div class="keep-signed-in">
                        <input
                            id="keep-signed-in"
                            name="keep_signed_in"
                            type="checkbox"
                            prop:checked=keep_signed_in
                            on:change=move |ev| keep_signed_in.set(event_target_checked(&ev))
                        />
                        <label for="keep-signed-in">{t!(i18n, signin.keep_signed_in)}</label>
                    </div>
                    <div
                        class="form-message"
                        role="status"
                        aria-live="polite"
                        data-testid="signin-message"
                    >
                        {move || errors.form_message()}
                    </div>
                    <button
                        class="button primary wide"
                        type="submit"
                        disabled=pending
                        aria-busy=move || pending.get().to_string()
                    >
                        {move || {
                            pending
                                .get()
                                .then(|| view! { <span class="spinner" aria-hidden="true"></span> })
                        }}
                        {move || {
                            if pending.get() {
                                t_string!(i18n, signin.submitting)
                            } else {
                                t_string!(i18n, signin.submit)
                            }
                        }}
                    </button>
                </form>
                <Show when=move || {
                    mail.get().is_none_or(|answer| answer.is_ok_and(|f| f.password_reset))
                }>
                    <p class="form-foot">
                        <a href="/auth/forgot" data-testid="forgot-link">
                            {t!(i18n, signin.forgot)}
                        </a>
                    </p>
                </Show>
                <crate::components::OfficeContactLine />
            </section>
        </main>
    }
}

fn focus(input: NodeRef<leptos::html::Input>) {
    if let Some(input) = input.get_untracked() {
        let _ = input.focus();
    }
}

/// The second step: the 6-digit code from the authenticator app, or a recovery code. Keep it
/// alike with the light page's (`signin.html`, `super::light`).
#[component]
fn CodeForm(code_step: RwSignal<bool>, expired: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let code = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let errors = FormErrors::new(&["code"]);
    let pending = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        recovery.track();
        focus(input);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if code.with_untracked(|c| c.trim().is_empty()) {
            errors.set([ApiError::invalid(
                "code",
                t_string!(i18n, signin.enter_code),
            )]);
            focus(input);
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match session.verify_code(code.get_untracked()).await {
                Ok((_, left)) => {
                    if let Some(left) = left {
                        crate::session::recovery_notice::note(left);
                    }
                }
                // The challenge is over: back to the password, saying why.
                Err(error) if error.error == ErrorCode::SignInExpired => {
                    expired.set(Some(error.message));
                    code_step.set(false);
                }
                Err(error) => {
                    errors.set([error]);
                    code.set(String::new());
                    pending.set(false);
                    focus(input);
                }
            }
        });
    };
    view! {
        <main class="page narrow">
            <section class="card signin" aria-labelledby="code-title" data-testid="code-step">
                <Badge />
                <h1 id="code-title">{t!(i18n, signin.code_title)}</h1>
                <p class="muted">
                    {move || {
                        if recovery.get() {
                            t_string!(i18n, signin.recovery_intro)
                        } else {
                            t_string!(i18n, signin.code_intro)
                        }
                    }}
                </p>
                <form on:submit=submit novalidate=true>
                    <div class="field">
                        <label for="code">
                            {move || {
                                if recovery.get() {
                                    t_string!(i18n, signin.recovery_code)
                                } else {
                                    t_string!(i18n, signin.code)
                                }
                            }}
                        </label>
                        <input
                            id="code"
                            name="code"
                            type="text"
                            inputmode=move || if recovery.get() { "text" } else { "numeric" }
                            autocomplete=move || {
                                if recovery.get() { "off" } else { "one-time-code" }
                            }
                            autocapitalize="none"
                            spellcheck="false"
                            required=true
                            node_ref=input
                            prop:value=code
                            on:input=move |ev| {
                                code.set(event_target_value(&ev));
                                errors.clear_field("code");
                            }
                            aria-invalid=move || errors.has("code").to_string()
                            aria-describedby="code-error"
                        />
                        <FieldError errors field="code" id="code-error" test_id="code-error" />
                    </div>
                    <div
                        class="form-message"
                        role="status"
                        aria-live="polite"
                        data-testid="code-message"
                    >
                        {move || errors.form_message()}
                    </div>
                    <button
                        class="button primary wide"
                        type="submit"
                        disabled=pending
                        aria-busy=move || pending.get().to_string()
                    >
                        {move || {
                            if pending.get() {
                                t_string!(i18n, signin.code_submitting)
                            } else {
                                t_string!(i18n, signin.code_submit)
                            }
                        }}
                    </button>
                </form>
                <div class="form-actions">
                    <button
                        type="button"
                        class="button ghost"
                        on:click=move |_| {
                            recovery.update(|r| *r = !*r);
                            code.set(String::new());
                            errors.clear();
                        }
                    >
                        {move || {
                            if recovery.get() {
                                t_string!(i18n, signin.use_app_code)
                            } else {
                                t_string!(i18n, signin.use_recovery)
                            }
                        }}
                    </button>
                    <button
                        type="button"
                        class="button ghost"
                        on:click=move |_| {
                            expired.set(None);
                            code_step.set(false);
                        }
                    >
                        {t!(i18n, signin.start_over)}
                    </button>
                </div>
            </section>
        </main>
    }
}

/// The sign-in cards' badge: the office's logo where `OFFICE_LOGO` is set, "SM" otherwise; its
/// name under the heading where `OFFICE_NAME` is (as the light page is written for the office).
#[component]
fn Badge() -> impl IntoView {
    let office = crate::components::use_office();
    move || {
        if office.with(|o| o.logo) {
            view! { <img class="signin-logo" src=crate::account::Office::LOGO_PATH alt="" height="48" /> }
            .into_any()
        } else {
            view! {
                <div class="signin-brand" aria-hidden="true">
                    "SM"
                </div>
            }
            .into_any()
        }
    }
}
