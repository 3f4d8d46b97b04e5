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
    components::{Answer, CopyButton, FieldError, FormErrors, use_local_time, use_step_up},
    error::ApiError,
    i18n::{t, t_string, use_i18n},
    session::{step_up::Sensitive, use_session},
};

/// `finished` runs once the recovery codes shown after turning it on are put away (a session
/// limited to setting it up becomes a full one then: see `RequiredStep`).
#[component]
pub fn TwoStepCard(#[prop(optional)] finished: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
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
            <h2>{t!(i18n, security.two_step_title)}</h2>
            {move || {
                codes
                    .get()
                    .map(|list| {
                        view! { <RecoveryCodeList codes=list on_close=close_codes /> }
                    })
            }}
            <Answer answer=status let:s>
                {if !s.available {
                    view! { <p class="muted">{t!(i18n, security.not_available)}</p> }.into_any()
                } else if s.enabled {
                    let local_time = use_local_time();
                    let since = move || s.enabled_at.as_deref().map(local_time).unwrap_or_default();
                    let left = s.recovery_codes_left;
                    let on = move || {
                        if left == 1 {
                            t_string!(i18n, security.on_since_1, date = since())
                        } else {
                            t_string!(i18n, security.on_since, date = since(), count = left)
                        }
                    };
                    view! {
                        <p data-testid="two-step-on">{on}</p>
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
    let i18n = use_i18n();
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
        <p class="muted">{t!(i18n, security.off_intro)}</p>
        <p class="form-message" role="status">
            {move || message.get()}
        </p>
        {move || match setup.get() {
            None => {
                view! {
                    <button class="button" type="button" on:click=start disabled=busy>
                        {t!(i18n, security.turn_on_two_step)}
                    </button>
                }
                    .into_any()
            }
            Some(s) => {
                view! {
                    <ol class="steps">
                        <li>
                            {t!(i18n, security.scan)}
                            <div class="qr" inner_html=s.qr_svg.clone()></div>
                        </li>
                        <li>
                            {t!(i18n, security.cant_scan)} " "
                            <code data-testid="two-step-secret">{s.secret.clone()}</code> <details>
                                <summary>{t!(i18n, security.show_setup_link)}</summary>
                                <code class="wrap" data-testid="two-step-uri">
                                    {s.otpauth_uri.clone()}
                                </code>
                            </details>
                        </li>
                        <li>
                            <form on:submit=confirm novalidate=true>
                                <div class="field">
                                    <label for="two-step-code">{t!(i18n, security.app_code)}</label>
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
                                    {t!(i18n, security.turn_on)}
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
    let i18n = use_i18n();
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
            <p class="muted">{t!(i18n, security.manage_intro)}</p>
            <div class="field">
                <label for="two-step-password">{t!(i18n, security.your_password)}</label>
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
                <label for="two-step-manage-code">{t!(i18n, security.code)}</label>
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
                    {t!(i18n, security.new_codes)}
                </button>
                <button
                    class="button secondary"
                    type="button"
                    disabled=busy
                    on:click=move |_| run(true)
                >
                    {t!(i18n, security.turn_off)}
                </button>
            </div>
        </form>
    }
}

/// The recovery codes, this once: read, downloaded as a text file, then closed.
#[component]
fn RecoveryCodeList(codes: Vec<String>, on_close: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    // The file's heading follows the page's language.
    let listed = codes.join("\n");
    let text = Signal::derive(move || {
        format!(
            "{}\n{}\n\n{listed}\n",
            t_string!(i18n, security.codes_file_title),
            t_string!(i18n, security.codes_file_note),
        )
    });
    let href = move || {
        let text = text.get();
        format!(
            "data:text/plain;charset=utf-8,{}",
            text.replace('%', "%25")
                .replace(' ', "%20")
                .replace('\n', "%0A")
                .replace('#', "%23")
        )
    };
    view! {
        <div class="notice recovery-codes" role="status">
            <p>
                <strong>{t!(i18n, security.save_codes_now)}</strong>
                " "
                {t!(i18n, security.save_codes_note)}
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
                <a
                    class="button secondary"
                    href=href
                    download=move || t_string!(i18n, security.codes_file_name)
                >
                    {t!(i18n, security.download)}
                </a>
                // The button takes plain words: made again when the language changes.
                {move || view! { <CopyButton text=text.get() class="button secondary" /> }}
                <button class="button" type="button" on:click=move |_| on_close()>
                    {t!(i18n, security.saved_them)}
                </button>
            </div>
        </div>
    }
}

/// Once, after a sign-in with a recovery code: how many are left, and where to make new ones.
#[component]
pub fn RecoveryCodesNotice(profile: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let left = RwSignal::new(crate::session::recovery_notice::take());
    move || {
        left.get().map(|n| {
            let text = move || match n {
                0 => t_string!(i18n, security.last_code_used).to_owned(),
                1 => t_string!(i18n, security.code_left_1).to_owned(),
                n => t_string!(i18n, security.codes_left, count = n),
            };
            view! {
                <div class="notice recovery-left" role="status" data-testid="recovery-codes-left">
                    <span>{text}</span>
                    " "
                    <a href=profile>{t!(i18n, security.new_codes)}</a>
                    " "
                    <button class="button ghost" type="button" on:click=move |_| left.set(None)>
                        {t!(i18n, security.dismiss)}
                    </button>
                </div>
            }
        })
    }
}
