//! What a session limited to one step shows instead of its area: that step alone. The server
//! refuses every other call of such a session (`guard::auth`), so this is the way through, not
//! the lock.

use leptos::prelude::*;

use super::{NavBar, PasswordForm, StepUpProvider, TwoStepCard};
use crate::{
    domain::input::PASSWORD_MIN_CHARS,
    i18n::{t, t_string, td_string, use_i18n},
    session::{Requirement, use_session},
};

#[component]
pub fn RequiredStep(step: Requirement) -> impl IntoView {
    let i18n = use_i18n();
    match step {
        Requirement::PasswordChange => view! {
            <NavBar links=Vec::new() />
            <main class="page narrow" data-testid="required-password-change">
                <h1>{t!(i18n, session.new_password_title)}</h1>
                <p>
                    {move || {
                        t_string!(i18n, session.new_password_text, min = PASSWORD_MIN_CHARS)
                    }}
                </p>
                // The form's own words take the language it is made in: a new language makes it
                // afresh.
                {move || {
                    let locale = i18n.get_locale();
                    view! {
                        <PasswordForm
                            heading=td_string!(locale, session.new_password_heading)
                            note=td_string!(locale, session.new_password_note)
                        />
                    }
                }}
            </main>
        }
        .into_any(),
        Requirement::TwoStepEnrolment => {
            let session = use_session();
            // The session is a full one from the code on; the codes are put away first.
            let finished = Callback::new(move |()| session.update());
            view! {
                <NavBar links=Vec::new() />
                <StepUpProvider>
                    <main class="page narrow" data-testid="required-two-step">
                        <h1>{t!(i18n, session.two_step_title)}</h1>
                        <p>{t!(i18n, session.two_step_text)}</p>
                        <TwoStepCard finished />
                    </main>
                </StepUpProvider>
            }
            .into_any()
        }
    }
}
