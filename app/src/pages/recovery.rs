//! The way back in: "Forgot your password?" (`/auth/forgot`), and the pages an emailed link
//! opens: `/auth/reset`, `/auth/invite`, `/auth/confirm-email`. The token arrives in the
//! address's fragment (never sent to a server, never in a `Referer`); the page reads it once
//! and takes it out of the address bar and the history at once.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    account::{
        LinkInfo,
        recovery_api::{
            accept_invite, check_link, confirm_email, get_mail_features, link_strength,
            request_reset, reset_password,
        },
    },
    components::{
        FieldError, FormErrors, Skeleton, StrengthMeter, new_password_errors, placed,
        strength_feedback,
    },
    domain::{Email, input::PASSWORD_MIN_CHARS},
    error::{ApiError, ErrorCode},
};

/// The token in `#token=…`, removed from the address bar (and so from the history).
fn take_token() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let token = hash.strip_prefix("#token=")?.to_owned();
    if let (Ok(history), Ok(path)) = (window.history(), location.pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    (!token.is_empty()).then_some(token)
}

/// What the server says of the page's link (`check_link`): no token at all is a dead link.
fn link_resource(token: StoredValue<Option<String>>) -> LocalResource<Result<LinkInfo, ApiError>> {
    LocalResource::new(move || {
        let token = token.get_value();
        async move {
            match token {
                Some(token) => check_link(token).await,
                None => Err(ApiError::invalid_link()),
            }
        }
    })
}

/// A card with the sign-in page's look.
#[component]
fn RecoveryCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="page narrow">
            <section class="card signin" aria-labelledby="recovery-title">
                <div class="signin-brand" aria-hidden="true">
                    "SM"
                </div>
                <h1 id="recovery-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}

/// Said when a link cannot be used, with the way to a new one.
#[component]
fn DeadLink(message: String, invite: bool) -> impl IntoView {
    view! {
        <p class="notice error" role="alert" data-testid="link-invalid">
            {message}
        </p>
        {if invite {
            view! {
                <p class="muted">"Ask your accounting office to send you a new invitation."</p>
            }
                .into_any()
        } else {
            view! {
                <p>
                    <a href="/auth/forgot">"Ask for a new link"</a>
                </p>
            }
                .into_any()
        }}
        <p>
            <a href="/auth/signin">"Back to sign in"</a>
        </p>
    }
}

fn link_error(error: &ApiError) -> String {
    if error.error == ErrorCode::InvalidLink {
        error.message.clone()
    } else {
        format!("Could not check this link: {}", error.message)
    }
}

/// `/auth/forgot`: one field; the same answer whatever the address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let features = LocalResource::new(get_mail_features);
    let email = RwSignal::new(String::new());
    let errors = FormErrors::new(&["email"]);
    let pending = RwSignal::new(false);
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let typed = email.get_untracked();
        if let Err(e) = Email::parse(&typed) {
            errors.set([ApiError::invalid("email", e.message)]);
            return;
        }
        errors.clear();
        pending.set(true);
        spawn_local(async move {
            match request_reset(typed).await {
                Ok(answer) => sent.set(Some(answer.message)),
                Err(e) => errors.set([e]),
            }
            pending.set(false);
        });
    };
    let offered = move || {
        features
            .get()
            .is_none_or(|answer| answer.is_ok_and(|f| f.password_reset))
    };
    view! {
        <RecoveryCard title="Forgot your password?">
            <Show
                when=offered
                fallback=|| {
                    view! {
                        <p class="notice" data-testid="reset-unavailable">
                            "This portal cannot send email. Please contact your accounting office to get back into your account."
                        </p>
                        <p>
                            <a href="/auth/signin">"Back to sign in"</a>
                        </p>
                    }
                }
            >
                {move || match sent.get() {
                    Some(message) => {
                        view! {
                            <p class="notice" role="status" data-testid="reset-requested">
                                {message}
                            </p>
                            <p class="muted">
                                "Nothing after a few minutes? Check the spam folder, or ask again."
                            </p>
                            <p>
                                <a href="/auth/signin">"Back to sign in"</a>
                            </p>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <p class="muted">
                                "Enter the email address you sign in with. If it belongs to an account, we will email you a link to choose a new password."
                            </p>
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
                                        prop:value=email
                                        on:input=move |ev| {
                                            email.set(event_target_value(&ev));
                                            errors.clear_field("email");
                                        }
                                        aria-invalid=move || errors.has("email").to_string()
                                        aria-describedby="email-error"
                                    />
                                    <FieldError errors field="email" id="email-error" />
                                </div>
                                <div class="form-message" role="alert">
                                    {move || errors.form_message()}
                                </div>
                                <button
                                    class="button primary wide"
                                    type="submit"
                                    disabled=pending
                                    aria-busy=move || pending.get().to_string()
                                >
                                    {move || {
                                        if pending.get() { "Sending…" } else { "Send the link" }
                                    }}
                                </button>
                            </form>
                            <p class="form-foot">
                                <a href="/auth/signin">"Back to sign in"</a>
                            </p>
                        }
                            .into_any()
                    }
                }}
            </Show>
        </RecoveryCard>
    }
}

/// `/auth/reset`: a new password through a reset link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! { <SetPasswordPage invite=false /> }
}

/// `/auth/invite`: an invited client chooses their first password.
#[component]
pub fn InvitePage() -> impl IntoView {
    view! { <SetPasswordPage invite=true /> }
}

#[component]
fn SetPasswordPage(invite: bool) -> impl IntoView {
    let token = StoredValue::new(take_token());
    let link = link_resource(token);
    let title = if invite {
        "Welcome to SMMM Portal"
    } else {
        "Choose a new password"
    };
    view! {
        <RecoveryCard title>
            {move || match link.get() {
                None => view! { <Skeleton /> }.into_any(),
                Some(Err(e)) => view! { <DeadLink message=link_error(&e) invite /> }.into_any(),
                Some(Ok(info)) => {
                    let expected = if invite { "invite" } else { "reset" };
                    if info.purpose == expected {
                        view! {
                            <NewPasswordForm
                                token=token.get_value().unwrap_or_default()
                                info
                                invite
                            />
                        }
                            .into_any()
                    } else {
                        view! { <DeadLink message=ApiError::invalid_link().message invite /> }
                            .into_any()
                    }
                }
            }}
        </RecoveryCard>
    }
}

#[component]
fn NewPasswordForm(token: String, info: LinkInfo, invite: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = FormErrors::new(&["new_password", "repeat_password"]);
    let pending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let dead = RwSignal::new(None::<String>);
    let strength = strength_feedback(new, move |typed| link_strength(token.get_value(), typed));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        errors.set(new_password_errors(
            &new.get_untracked(),
            &repeat.get_untracked(),
        ));
        if !errors.is_empty_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let (token, password) = (token.get_value(), new.get_untracked());
            let answer = if invite {
                accept_invite(token, password).await
            } else {
                reset_password(token, password).await
            };
            match answer {
                Ok(()) => done.set(true),
                Err(e) if e.error == ErrorCode::InvalidLink => dead.set(Some(e.message)),
                Err(e) => errors.set([placed(e)]),
            }
            pending.set(false);
        });
    };
    let greeting = if invite {
        format!(
            "Hello {}. Choose the password you will sign in with, as {}.",
            info.name, info.email
        )
    } else {
        format!("Choose a new password for {} ({}).", info.name, info.email)
    };
    let input = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        let described = format!("{id}-error {id}-hint");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="password"
                    autocomplete="new-password"
                    prop:value=value
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        errors.clear_field(id);
                    }
                    aria-invalid=move || errors.has(id).to_string()
                    aria-describedby=described
                />
                <FieldError errors field=id id=format!("{id}-error") />
            </div>
        }
    };
    move || {
        if let Some(message) = dead.get() {
            return view! { <DeadLink message invite /> }.into_any();
        }
        if done.get() {
            let said = if invite {
                "Your password is set. Sign in with your email address and the password you chose."
            } else {
                "Your password has been changed, and every session of your account has ended. Sign in with the new password."
            };
            return view! {
                <p class="notice" role="status" data-testid="password-set">
                    {said}
                </p>
                <a class="button primary wide" href="/auth/signin">
                    "Sign in"
                </a>
            }
            .into_any();
        }
        view! {
            <p class="muted">{greeting.clone()}</p>
            <form on:submit=submit novalidate=true>
                {input("new_password", "New password", new)}
                <p id="new_password-hint" class="field-hint">
                    {format!(
                        "At least {PASSWORD_MIN_CHARS} characters. A few unrelated words make a password that is long and easy to remember.",
                    )}
                </p>
                <StrengthMeter strength />
                {input("repeat_password", "New password again", repeat)}
                <div class="form-message" role="alert">
                    {move || errors.form_message()}
                </div>
                <button
                    class="button primary wide"
                    type="submit"
                    disabled=pending
                    aria-busy=move || pending.get().to_string()
                >
                    {move || if pending.get() { "Saving…" } else { "Set the password" }}
                </button>
            </form>
        }
            .into_any()
    }
}

/// `/auth/confirm-email`: the new address confirms it is the person's (a button, not on load:
/// a mail scanner that opens links must not make the change).
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let token = StoredValue::new(take_token());
    let link = link_resource(token);
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let confirm = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            outcome.set(Some(
                confirm_email(token.get_value().unwrap_or_default()).await,
            ));
            pending.set(false);
        });
    };
    view! {
        <RecoveryCard title="Confirm your new email address">
            {move || match (outcome.get(), link.get()) {
                (Some(Ok(email)), _) => {
                    view! {
                        <p class="notice" role="status" data-testid="email-confirmed">
                            {format!("Done. From now on, sign in with {email}.")}
                        </p>
                        <a class="button primary wide" href="/auth/signin">
                            "Sign in"
                        </a>
                    }
                        .into_any()
                }
                (Some(Err(e)), _) => {
                    view! { <DeadLink message=link_error(&e) invite=true /> }.into_any()
                }
                (None, None) => view! { <Skeleton /> }.into_any(),
                (None, Some(Err(e))) => {
                    view! { <DeadLink message=link_error(&e) invite=true /> }.into_any()
                }
                (None, Some(Ok(info))) if info.purpose == "email_change" => {
                    view! {
                        <p class="muted">
                            {format!(
                                "{}, confirm that {} is your address: you will sign in with it from now on.",
                                info.name,
                                info.email,
                            )}
                        </p>
                        <button
                            class="button primary wide"
                            type="button"
                            disabled=pending
                            on:click=confirm
                        >
                            "Confirm this address"
                        </button>
                    }
                        .into_any()
                }
                (None, Some(Ok(_))) => {
                    view! { <DeadLink message=ApiError::invalid_link().message invite=true /> }
                        .into_any()
                }
            }}
        </RecoveryCard>
    }
}
