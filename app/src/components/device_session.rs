use leptos::prelude::*;

use super::{ConfirmButton, use_local_time};
use crate::{
    account::DeviceSession,
    i18n::{t, t_string, use_i18n},
};

/// One signed-in device in a list of sessions: what it is, where from, since when, and "End
/// session" behind a confirmation.
#[component]
pub fn DeviceSessionRow(
    session: DeviceSession,
    /// Ends the session; gets its id.
    on_end: Callback<String>,
    /// The viewer's own sessions: the device they are using is marked "This device" and has no
    /// "End session", and each row says which it is (`session-current`, `session-other`).
    #[prop(optional)]
    own: bool,
    /// Disables "End session" while an action is under way.
    #[prop(into, default = Signal::from(false))]
    busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let this_device = own && session.current;
    let test_id = own.then_some(if session.current {
        "session-current"
    } else {
        "session-other"
    });
    let id = session.id;
    let local_time = use_local_time();
    let (signed_in, last_active) = (session.signed_in_at, session.last_active_at);
    let addr = session.client_addr;
    view! {
        <li class="session" data-testid=test_id>
            <div>
                <strong>{session.device}</strong>
                {this_device
                    .then(|| view! { <span class="badge">{t!(i18n, session.this_device)}</span> })}
                <div class="muted small">
                    {move || {
                        let addr = addr
                            .clone()
                            .unwrap_or_else(|| t_string!(i18n, session.unknown_address).to_owned());
                        t_string!(
                            i18n, session.device_line, addr = addr, signed_in = local_time(&signed_in),
                            last_active = local_time(&last_active)
                        )
                    }}
                </div>
            </div>
            {(!this_device)
                .then(|| {
                    view! {
                        <ConfirmButton
                            label=move || t_string!(i18n, session.end_session).to_owned()
                            question=move || t_string!(i18n, session.end_question).to_owned()
                            on_confirm=Callback::new(move |()| on_end.run(id.clone()))
                            disabled=busy
                        />
                    }
                })}
        </li>
    }
}
