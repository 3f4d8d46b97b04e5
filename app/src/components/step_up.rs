//! Step-up in the page: an action of `step_up::Sensitive` is made through `StepUp::call`; when
//! the server refuses it with `403 reauth_required`, a modal dialog asks for the password, or a
//! code with two-step sign-in on (`POST /api/auth/reauth`), and, once it is confirmed, the
//! action is made again. Cancelled, the
//! action is not made and the page says so. The server decides either way: the dialog is how the
//! person gets through, not the check.

use futures::channel::oneshot;
use leptos::{html, prelude::*, task::spawn_local};

use crate::{
    error::{ApiError, ErrorCode},
    i18n::{Locale, t, t_string, td_string, use_i18n},
    session::{SessionContext, api::reauthenticate, step_up::Sensitive, use_session},
};

/// The area's step-up dialog, for the pages below it (`use_step_up`).
#[derive(Clone, Copy)]
pub struct StepUp {
    session: SessionContext,
    /// The action the dialog asks for, while it shows.
    asking: RwSignal<Option<Sensitive>>,
    /// Who waits for the answer: `true` once the password is confirmed.
    waiting: StoredValue<Option<oneshot::Sender<bool>>>,
    /// The page's language, for the refusal `call` returns.
    i18n: leptos_i18n::I18nContext<Locale>,
}

impl StepUp {
    /// Makes the call `make` makes; when the server asks for a fresh proof, asks for the
    /// password and, confirmed, makes it once more.
    pub async fn call<T, Fut>(
        self,
        action: Sensitive,
        make: impl Fn() -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        match self.session.call(make()).await {
            Err(refused) if refused.error == ErrorCode::ReauthRequired => {
                if self.ask(action).await {
                    self.session.call(make()).await
                } else {
                    let locale = self.i18n.get_locale_untracked();
                    Err(ApiError {
                        message: td_string!(locale, security.not_confirmed).into(),
                        ..refused
                    })
                }
            }
            answer => answer,
        }
    }

    async fn ask(self, action: Sensitive) -> bool {
        let (answer, answered) = oneshot::channel();
        // A dialog still open for another action is answered "no" first.
        self.answer(false);
        self.waiting.set_value(Some(answer));
        self.asking.set(Some(action));
        answered.await.unwrap_or(false)
    }

    fn answer(self, confirmed: bool) {
        if let Some(waiting) = self.waiting.try_update_value(Option::take).flatten() {
            let _ = waiting.send(confirmed);
        }
        self.asking.set(None);
    }
}

/// The step-up of the page's area (a page outside `StepUpProvider` is a bug: it panics).
pub fn use_step_up() -> StepUp {
    expect_context::<StepUp>()
}

/// What the person is about to do, as the dialog says it (`security.step_up_password`).
fn action_words(locale: Locale, action: Sensitive) -> &'static str {
    match action {
        Sensitive::CreateAccount => td_string!(locale, security.action_create_account),
        Sensitive::ChangeRole => td_string!(locale, security.action_change_role),
        Sensitive::SetActive => td_string!(locale, security.action_set_active),
        Sensitive::EndUserSessions => td_string!(locale, security.action_end_user_sessions),
        Sensitive::EndOwnSessions => td_string!(locale, security.action_end_own_sessions),
        Sensitive::SetUpTwoStep => td_string!(locale, security.action_set_up_two_step),
        Sensitive::ResetTwoStep => td_string!(locale, security.action_reset_two_step),
        Sensitive::AccountCare => td_string!(locale, security.action_account_care),
    }
}

/// Provides `StepUp` to `children` (the area's pages) and renders its dialog.
#[component]
pub fn StepUpProvider(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let step_up = StepUp {
        session: use_session(),
        asking: RwSignal::new(None),
        waiting: StoredValue::new(None),
        i18n,
    };
    provide_context(step_up);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let dialog = NodeRef::<html::Dialog>::new();
    let field = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else {
            return;
        };
        if step_up.asking.get().is_some() {
            if !dialog.open()
                && dialog.show_modal().is_ok()
                && let Some(field) = field.get_untracked()
            {
                let _ = field.focus();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
    // With two-step sign-in on, a code from the app (or a recovery code) proves it as well.
    let with_code = RwSignal::new(false);
    let close = move |confirmed: bool| {
        password.set(String::new());
        with_code.set(false);
        error.set(None);
        step_up.answer(confirmed);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = password.get_untracked();
        let code = with_code.get_untracked();
        if typed.is_empty() {
            let ask = if code {
                t_string!(i18n, security.enter_code)
            } else {
                t_string!(i18n, security.enter_password)
            };
            error.set(Some(ask.into()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let proof = if code {
                reauthenticate(None, Some(typed))
            } else {
                reauthenticate(Some(typed), None)
            };
            match step_up.session.call(proof).await {
                Ok(_) => close(true),
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let switch = move |_| {
        with_code.update(|c| *c = !*c);
        password.set(String::new());
        error.set(None);
        if let Some(field) = field.get_untracked() {
            let _ = field.focus();
        }
    };
    view! {
        <dialog
            class="session-warning step-up"
            node_ref=dialog
            aria-modal="true"
            aria-labelledby="step-up-title"
            aria-describedby="step-up-text"
            data-testid="step-up"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                close(false);
            }
        >
            <h2 id="step-up-title">{t!(i18n, security.step_up_title)}</h2>
            <p id="step-up-text">
                {move || {
                    step_up
                        .asking
                        .get()
                        .map(|action| {
                            let action = action_words(i18n.get_locale(), action);
                            if with_code.get() {
                                t_string!(i18n, security.step_up_code, action = action)
                            } else {
                                t_string!(i18n, security.step_up_password, action = action)
                            }
                        })
                }}
            </p>
            <form on:submit=submit novalidate=true>
                <div class="field">
                    <label for="step-up-password">
                        {move || {
                            if with_code.get() {
                                t_string!(i18n, security.code)
                            } else {
                                t_string!(i18n, security.your_password)
                            }
                        }}
                    </label>
                    <input
                        id="step-up-password"
                        type=move || if with_code.get() { "text" } else { "password" }
                        inputmode=move || if with_code.get() { "numeric" } else { "text" }
                        autocomplete=move || {
                            if with_code.get() { "one-time-code" } else { "current-password" }
                        }
                        node_ref=field
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby="step-up-error"
                    />
                    <p id="step-up-error" class="field-error" role="alert">
                        {move || error.get()}
                    </p>
                </div>
                <div class="actions">
                    <button class="button primary" type="submit" disabled=busy>
                        {t!(i18n, security.confirm)}
                    </button>
                    <button class="button secondary" type="button" on:click=move |_| close(false)>
                        {t!(i18n, security.cancel)}
                    </button>
                    <button class="button ghost" type="button" on:click=switch>
                        {move || {
                            if with_code.get() {
                                t_string!(i18n, security.use_password)
                            } else {
                                t_string!(i18n, security.use_code)
                            }
                        }}
                    </button>
                </div>
            </form>
        </dialog>
        {children()}
    }
}
