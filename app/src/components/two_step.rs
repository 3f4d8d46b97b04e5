//! The profile's "Two-step sign-in" card: turning it on (a QR code for the authenticator app,
//! a code to confirm, then the recovery codes shown once), and, once on, turning it off or
//! making new recovery codes with the password and a code.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    account::{
        RecoveryCodes, TwoStepSetup,
        api::{
            my_two_step, two_step_confirm, two_step_disable, two_step_recovery_codes,
            two_step_start,
        },
    },
    components::{Answer, CopyButton, FieldError, FormErrors, use_step_up},
    error::ApiError,
    format::local_time,
    session::{step_up::Sensitive, use_session},
};

/// `finished` runs once the recovery codes shown after turning it on are put away (a session
/// limited to setting it up becomes a full one then: see `RequiredStep`).
#[component]
pub fn TwoStepCard(#[prop(optional)] finished: Option<Callback<()>>) -> impl IntoView {
    let session = use_session();
    let status = LocalResource::new(move || async move { session.call(my_two_step()).await });
    // Shown once, after turning it on or asking for new ones.
    let codes = RwSignal::new(None::<Vec<String>>);
    let close_codes = move || {
        codes.set(None);
        if let Some(finished) = finished {
            finished.run(());
        }
    };
    let done = Callback::new(move |fresh: Option<RecoveryCodes>| {
        codes.set(fresh.map(|c| c.codes));
        status.refetch();
    });
    view! {
        <section class="card" data-testid="two-step">
            <h2>"Two-step sign-in"</h2>
            {move || {
                codes
                    .get()
                    .map(|list| {
                        view! { <RecoveryCodeList codes=list on_close=close_codes /> }
                    })
            }}
            <Answer answer=status let:s>
                {if !s.available {
                    view! {
                        <p class="muted">
                            "Two-step sign-in is not set up on this server. Ask the office's administrator."
                        </p>
                    }
                        .into_any()
                } else if s.enabled {
                    view! {
                        <p data-testid="two-step-on">
                            {format!(
                                "On since {}. {} recovery code{} left.",
                                s.enabled_at.as_deref().map(local_time).unwrap_or_default(),
                                s.recovery_codes_left,
                                if s.recovery_codes_left == 1 { "" } else { "s" },
                            )}
                        </p>
                        <ManageTwoStep done />
                    }
                        .into_any()
                } else {
                    view! { <TurnOn done /> }.into_any()
                }}
            </Answer>
        </section>
    }
}

/// Off: "Turn on" shows the QR code; the app's code confirms it.
#[component]
fn TurnOn(done: Callback<Option<RecoveryCodes>>) -> impl IntoView {
    let step_up = use_step_up();
    let setup = RwSignal::new(None::<TwoStepSetup>);
    let message = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let errors = FormErrors::new(&["code"]);
    let busy = RwSignal::new(false);
    let start = move |_| {
        busy.set(true);
        spawn_local(async move {
            match step_up.call(Sensitive::SetUpTwoStep, two_step_start).await {
                Ok(s) => setup.set(Some(s)),
                Err(e) => message.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match two_step_confirm(code.get_untracked()).await {
                Ok(codes) => done.run(Some(codes)),
                Err(e) => errors.set([e]),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="muted">
            "Off. With it on, signing in asks for a code from an authenticator app on your phone as well as your password."
        </p>
        <p class="form-message" role="status">
            {move || message.get()}
        </p>
        {move || match setup.get() {
            None => {
                view! {
                    <button class="button" type="button" on:click=start disabled=busy>
                        "Turn on two-step sign-in"
                    </button>
                }
                    .into_any()
            }
            Some(s) => {
                view! {
                    <ol class="steps">
                        <li>
                            "Scan this code with your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…)."
                            <div class="qr" inner_html=s.qr_svg.clone()></div>
                        </li>
                        <li>
                            "Can't scan it? Enter this key in the app: "
                            <code data-testid="two-step-secret">{s.secret.clone()}</code> <details>
                                <summary>"Show the setup link"</summary>
                                <code class="wrap" data-testid="two-step-uri">
                                    {s.otpauth_uri.clone()}
                                </code>
                            </details>
                        </li>
                        <li>
                            <form on:submit=confirm novalidate=true>
                                <div class="field">
                                    <label for="two-step-code">
                                        "The 6-digit code the app shows"
                                    </label>
                                    <input
                                        id="two-step-code"
                                        type="text"
                                        inputmode="numeric"
                                        autocomplete="one-time-code"
                                        prop:value=code
                                        on:input=move |ev| {
                                            code.set(event_target_value(&ev));
                                            errors.clear_field("code");
                                        }
                                        aria-invalid=move || errors.has("code").to_string()
                                        aria-describedby="two-step-code-error"
                                    />
                                    <FieldError errors field="code" id="two-step-code-error" />
                                </div>
                                <p class="form-message" role="status">
                                    {move || errors.form_message()}
                                </p>
                                <button class="button primary" type="submit" disabled=busy>
                                    "Turn on"
                                </button>
                            </form>
                        </li>
                    </ol>
                }
                    .into_any()
            }
        }}
    }
}

/// On: turn it off, or new recovery codes, each with the password and a code.
#[component]
fn ManageTwoStep(done: Callback<Option<RecoveryCodes>>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let errors = FormErrors::new(&["password", "code"]);
    let busy = RwSignal::new(false);
    let run = move |turn_off: bool| {
        busy.set(true);
        spawn_local(async move {
            let (p, c) = (password.get_untracked(), code.get_untracked());
            let result: Result<Option<RecoveryCodes>, ApiError> = if turn_off {
                two_step_disable(p, c).await.map(|()| None)
            } else {
                two_step_recovery_codes(p, c).await.map(Some)
            };
            match result {
                Ok(fresh) => {
                    password.set(String::new());
                    code.set(String::new());
                    done.run(fresh);
                }
                Err(e) => errors.set([e]),
            }
            busy.set(false);
        });
    };
    view! {
        <form on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default() novalidate=true>
            <p class="muted">
                "To turn it off or make new recovery codes, enter your password and a code from the app (or a recovery code)."
            </p>
            <div class="field">
                <label for="two-step-password">"Your password"</label>
                <input
                    id="two-step-password"
                    type="password"
                    autocomplete="current-password"
                    prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))
                    aria-invalid=move || errors.has("password").to_string()
                    aria-describedby="two-step-password-error"
                />
                <FieldError errors field="password" id="two-step-password-error" />
            </div>
            <div class="field">
                <label for="two-step-manage-code">"Code"</label>
                <input
                    id="two-step-manage-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    prop:value=code
                    on:input=move |ev| code.set(event_target_value(&ev))
                    aria-invalid=move || errors.has("code").to_string()
                    aria-describedby="two-step-manage-code-error"
                />
                <FieldError errors field="code" id="two-step-manage-code-error" />
            </div>
            <p class="form-message" role="status">
                {move || errors.form_message()}
            </p>
            <div class="form-actions">
                <button
                    class="button secondary"
                    type="button"
                    disabled=busy
                    on:click=move |_| run(false)
                >
                    "New recovery codes"
                </button>
                <button
                    class="button secondary"
                    type="button"
                    disabled=busy
                    on:click=move |_| run(true)
                >
                    "Turn off"
                </button>
            </div>
        </form>
    }
}

/// The recovery codes, this once: read, downloaded as a text file, then closed.
#[component]
fn RecoveryCodeList(codes: Vec<String>, on_close: impl Fn() + 'static) -> impl IntoView {
    let text = format!(
        "SMMM Portal recovery codes\nEach works once, in place of the app's code.\n\n{}\n",
        codes.join("\n")
    );
    let copy_text = text.clone();
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        text.replace('%', "%25")
            .replace(' ', "%20")
            .replace('\n', "%0A")
            .replace('#', "%23")
    );
    view! {
        <div class="notice recovery-codes" role="status">
            <p>
                <strong>"Save your recovery codes now."</strong>
                " Each signs you in once if your phone is lost. They are not shown again."
            </p>
            <ol data-testid="recovery-codes">
                {codes
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                <code>{c}</code>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <div class="form-actions">
                <a class="button secondary" href=href download="smmm-portal-recovery-codes.txt">
                    "Download (.txt)"
                </a>
                <CopyButton text=copy_text class="button secondary" />
                <button class="button" type="button" on:click=move |_| on_close()>
                    "I have saved them"
                </button>
            </div>
        </div>
    }
}

/// Once, after a sign-in with a recovery code: how many are left, and where to make new ones.
#[component]
pub fn RecoveryCodesNotice(profile: &'static str) -> impl IntoView {
    let left = RwSignal::new(crate::session::recovery_notice::take());
    move || {
        left.get().map(|n| {
            let text = match n {
                0 => "You signed in with your last recovery code. Make new ones now.".to_owned(),
                1 => "You signed in with a recovery code: 1 is left.".to_owned(),
                n => format!("You signed in with a recovery code: {n} are left."),
            };
            view! {
                <div class="notice recovery-left" role="status" data-testid="recovery-codes-left">
                    <span>{text}</span>
                    " "
                    <a href=profile>"New recovery codes"</a>
                    " "
                    <button class="button ghost" type="button" on:click=move |_| left.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}
