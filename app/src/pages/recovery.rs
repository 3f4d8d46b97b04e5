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
        FieldError, FormErrors, LanguageSwitch, NewPasswordFields, Skeleton, new_password_errors,
        placed, strength_feedback,
    },
    domain::Email,
    error::{ApiError, ErrorCode},
    i18n::{Locale, t, t_string, td_string, use_i18n},
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

/// A card with the sign-in page's look, the language switch above it; `title` in a language.
#[component]
fn RecoveryCard(title: fn(Locale) -> &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="top-switch">
            <LanguageSwitch />
        </div>
        <main class="page narrow">
            <section class="card signin" aria-labelledby="recovery-title">
                <div class="signin-brand" aria-hidden="true">
                    "SM"
                </div>
                <h1 id="recovery-title">{move || title(i18n.get_locale())}</h1>
                {children()}
            </section>
        </main>
    }
}

/// Why a link cannot be used.
#[derive(Clone)]
enum Dead {
    /// The link is not one this page takes (none at all, or another kind): said here.
    Unusable,
    /// What the server said of it (already in the page's language).
    Refused(String),
    /// The server could not be asked: its error, in a sentence of ours.
    Unchecked(String),
}

impl Dead {
    /// The server's answer to a link: its own words when it refused the link.
    fn of(error: ApiError) -> Self {
        if error.error == ErrorCode::InvalidLink {
            Self::Refused(error.message)
        } else {
            Self::Unchecked(error.message)
        }
    }
}

/// Said when a link cannot be used, with the way to a new one.
#[component]
fn DeadLink(why: Dead, invite: bool) -> impl IntoView {
    let i18n = use_i18n();
    let message = move || match &why {
        Dead::Unusable => t_string!(i18n, recovery.link_invalid).to_owned(),
        Dead::Refused(message) => message.clone(),
        Dead::Unchecked(error) => t_string!(i18n, recovery.link_unchecked, error = error),
    };
    view! {
        <p class="notice error" role="alert" data-testid="link-invalid">
            {message}
        </p>
        {if invite {
            view! { <p class="muted">{t!(i18n, recovery.ask_new_invite)}</p> }.into_any()
        } else {
            view! {
                <p>
                    <a href="/auth/forgot">{t!(i18n, recovery.ask_new_link)}</a>
                </p>
            }
                .into_any()
        }}
        <BackToSignIn />
    }
}

#[component]
fn BackToSignIn() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>
            <a href="/auth/signin">{t!(i18n, recovery.back_to_signin)}</a>
        </p>
    }
}

/// `/auth/forgot`: one field; the same answer whatever the address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    crate::components::use_page_title(|l| {
        crate::i18n::td_string!(l, recovery.forgot_title).to_owned()
    });
    let i18n = use_i18n();
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
        <RecoveryCard title=|l| td_string!(l, recovery.forgot_title)>
            <Show
                when=offered
                fallback=move || {
                    view! {
                        <p class="notice" data-testid="reset-unavailable">
                            {t!(i18n, recovery.no_email)}
                        </p>
                        <BackToSignIn />
                    }
                }
            >
                {move || match sent.get() {
                    Some(message) => {
                        view! {
                            <p class="notice" role="status" data-testid="reset-requested">
                                {message}
                            </p>
                            <p class="muted">{t!(i18n, recovery.nothing_arrived)}</p>
                            <BackToSignIn />
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <p class="muted">{t!(i18n, recovery.forgot_intro)}</p>
                            <form on:submit=submit novalidate=true>
                                <div class="field">
                                    <label for="email">{t!(i18n, recovery.email)}</label>
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
                                        if pending.get() {
                                            t_string!(i18n, recovery.sending)
                                        } else {
                                            t_string!(i18n, recovery.send_link)
                                        }
                                    }}
                                </button>
                            </form>
                            <p class="form-foot">
                                <a href="/auth/signin">{t!(i18n, recovery.back_to_signin)}</a>
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
    crate::components::use_page_title(|l| {
        crate::i18n::td_string!(l, recovery.reset_title).to_owned()
    });
    view! { <SetPasswordPage invite=false /> }
}

/// `/auth/invite`: an invited client chooses their first password.
#[component]
pub fn InvitePage() -> impl IntoView {
    crate::components::use_page_title(|l| {
        crate::i18n::td_string!(l, recovery.set_password).to_owned()
    });
    view! { <SetPasswordPage invite=true /> }
}

#[component]
fn SetPasswordPage(invite: bool) -> impl IntoView {
    let token = StoredValue::new(take_token());
    let link = link_resource(token);
    let title: fn(Locale) -> &'static str = if invite {
        |l| td_string!(l, recovery.welcome_title)
    } else {
        |l| td_string!(l, recovery.reset_title)
    };
    view! {
        <RecoveryCard title>
            {move || match link.get() {
                None => view! { <Skeleton /> }.into_any(),
                Some(Err(e)) => view! { <DeadLink why=Dead::of(e) invite /> }.into_any(),
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
                        view! { <DeadLink why=Dead::Unusable invite /> }.into_any()
                    }
                }
            }}
        </RecoveryCard>
    }
}

#[component]
fn NewPasswordForm(token: String, info: LinkInfo, invite: bool) -> impl IntoView {
    let i18n = use_i18n();
    let token = StoredValue::new(token);
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = FormErrors::new(&["new_password", "repeat_password"]);
    let pending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let dead = RwSignal::new(None::<Dead>);
    let strength = strength_feedback(new, move |typed| link_strength(token.get_value(), typed));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let found = new_password_errors(
            &new.get_untracked(),
            &repeat.get_untracked(),
            i18n.get_locale_untracked(),
        );
        if errors.refused(found, &ev) {
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
                Err(e) if e.error == ErrorCode::InvalidLink => {
                    dead.set(Some(Dead::Refused(e.message)))
                }
                Err(e) => errors.set([placed(e)]),
            }
            pending.set(false);
        });
    };
    let greeting = move || {
        let (name, email) = (&info.name, &info.email);
        if invite {
            t_string!(i18n, recovery.invite_greeting, name = name, email = email)
        } else {
            t_string!(i18n, recovery.reset_greeting, name = name, email = email)
        }
    };
    move || {
        if let Some(why) = dead.get() {
            return view! { <DeadLink why invite /> }.into_any();
        }
        if done.get() {
            let said = move || {
                if invite {
                    t_string!(i18n, recovery.invite_done)
                } else {
                    t_string!(i18n, recovery.reset_done)
                }
            };
            return view! {
                <p class="notice" role="status" data-testid="password-set">
                    {said}
                </p>
                <a class="button primary wide" href="/auth/signin">
                    {t!(i18n, recovery.sign_in)}
                </a>
            }
            .into_any();
        }
        view! {
            <p class="muted">{greeting.clone()}</p>
            <form on:submit=submit novalidate=true>
                <NewPasswordFields new repeat errors strength />
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
                        if pending.get() {
                            t_string!(i18n, recovery.saving)
                        } else {
                            t_string!(i18n, recovery.set_password)
                        }
                    }}
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
    crate::components::use_page_title(|l| {
        crate::i18n::td_string!(l, recovery.confirm_title).to_owned()
    });
    let i18n = use_i18n();
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
        <RecoveryCard title=|l| {
            td_string!(l, recovery.confirm_title)
        }>
            {move || match (outcome.get(), link.get()) {
                (Some(Ok(email)), _) => {
                    view! {
                        <p class="notice" role="status" data-testid="email-confirmed">
                            {move || t_string!(i18n, recovery.email_confirmed, email = &email)}
                        </p>
                        <a class="button primary wide" href="/auth/signin">
                            {t!(i18n, recovery.sign_in)}
                        </a>
                    }
                        .into_any()
                }
                (Some(Err(e)), _) => view! { <DeadLink why=Dead::of(e) invite=true /> }.into_any(),
                (None, None) => view! { <Skeleton /> }.into_any(),
                (None, Some(Err(e))) => {
                    view! { <DeadLink why=Dead::of(e) invite=true /> }.into_any()
                }
                (None, Some(Ok(info))) if info.purpose == "email_change" => {
                    let intro = move || {
                        t_string!(
                            i18n, recovery.confirm_intro, name = &info.name, email = &info.email
                        )
                    };
                    view! {
                        <p class="muted">{intro}</p>
                        <button
                            class="button primary wide"
                            type="button"
                            disabled=pending
                            on:click=confirm
                        >
                            {t!(i18n, recovery.confirm_button)}
                        </button>
                    }
                        .into_any()
                }
                (None, Some(Ok(_))) => {
                    view! { <DeadLink why=Dead::Unusable invite=true /> }.into_any()
                }
            }}
        </RecoveryCard>
    }
}
