//! `/auth/signin` inside the app: the sign-in form a tab shows after signing out (or being
//! signed out) without a reload. A first load of the address gets the light page instead
//! (`super::light` over `signin.html`): keep the two forms' markup and texts alike.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    components::{FieldError, FormErrors, Skeleton},
    domain::{Email, Password},
    session::{SessionStatus, SignedOutReason, redirect::safe_callback, use_session},
};

#[component]
pub fn SignInPage() -> impl IntoView {
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

    move || match status.get() {
        SessionStatus::Unauthenticated => view! { <SignInForm /> }.into_any(),
        _ => view! {
            <main class="page narrow">
                <Skeleton />
            </main>
        }
        .into_any(),
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    let session = use_session();
    let reason = session.signed_out_reason();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    // Unchecked by default: an office computer is often shared.
    let keep_signed_in = RwSignal::new(false);
    let errors = FormErrors::new(&["email", "password"]);
    let pending = RwSignal::new(false);
    let email_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();

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
            if let Err(error) = result {
                errors.set([error]);
                password.set(String::new());
                pending.set(false);
                focus(password_input);
            }
        });
    };

    let notice = move || match reason.get() {
        Some(SignedOutReason::Ended) => Some("Your session has ended. Please sign in again."),
        Some(SignedOutReason::Inactive) => {
            Some("You were signed out because of inactivity. Please sign in again.")
        }
        Some(SignedOutReason::SignedOut) => Some("You have signed out."),
        Some(SignedOutReason::SignOutUnconfirmed) => Some(
            "You are signed out on this device, but the server could not confirm it everywhere \
             yet. It keeps trying; your session ends on every server within minutes.",
        ),
        None => None,
    };

    view! {
        <main class="page narrow">
            <section class="card signin" aria-labelledby="signin-title">
                <div class="signin-brand" aria-hidden="true">
                    "SM"
                </div>
                <h1 id="signin-title">"Sign in to SMMM Portal"</h1>
                <p class="muted">"Staff and clients of the office sign in here."</p>
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
                        <label for="email">"Email"</label>
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
                        <label for="password">"Password"</label>
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
                                {move || if show_password.get() { "Hide" } else { "Show" }}
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
                        <label for="keep-signed-in">"Keep me signed in on this device"</label>
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
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </section>
        </main>
    }
}

fn focus(input: NodeRef<leptos::html::Input>) {
    if let Some(input) = input.get_untracked() {
        let _ = input.focus();
    }
}
