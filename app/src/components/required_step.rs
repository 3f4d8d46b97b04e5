//! What a session limited to one step shows instead of its area: that step alone. The server
//! refuses every other call of such a session (`guard::auth`), so this is the way through, not
//! the lock.

use leptos::prelude::*;

use super::{NavBar, PasswordForm, StepUpProvider, TwoStepCard};
use crate::{
    domain::input::PASSWORD_MIN_CHARS,
    session::{Requirement, use_session},
};

#[component]
pub fn RequiredStep(step: Requirement) -> impl IntoView {
    match step {
        Requirement::PasswordChange => view! {
            <NavBar links=Vec::new() />
            <main class="page narrow" data-testid="required-password-change">
                <h1>"Choose a new password"</h1>
                <p>
                    {format!(
                        "Your password was given to you by the office, or it is shorter than {PASSWORD_MIN_CHARS} characters, today's minimum. Choose one of your own to continue: the portal opens as soon as it is changed.",
                    )}
                </p>
                <PasswordForm
                    heading="New password"
                    note="Enter the password you signed in with, then the new one twice."
                />
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
                        <h1>"Set up two-step sign-in"</h1>
                        <p>
                            "The office asks everyone with your role to sign in with a code from an authenticator app on their phone as well as the password. Set it up to continue: it takes a minute."
                        </p>
                        <TwoStepCard finished />
                    </main>
                </StepUpProvider>
            }
            .into_any()
        }
    }
}
