use leptos::prelude::*;

use super::ConfirmButton;
use crate::{account::DeviceSession, format::local_time};

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
    let this_device = own && session.current;
    let test_id = own.then_some(if session.current {
        "session-current"
    } else {
        "session-other"
    });
    let id = session.id;
    view! {
        <li class="session" data-testid=test_id>
            <div>
                <strong>{session.device}</strong>
                {this_device.then(|| view! { <span class="badge">"This device"</span> })}
                <div class="muted small">
                    {format!(
                        "{} · signed in {} · last active {}",
                        session.client_addr.unwrap_or_else(|| "unknown address".into()),
                        local_time(&session.signed_in_at),
                        local_time(&session.last_active_at),
                    )}
                </div>
            </div>
            {(!this_device)
                .then(|| {
                    view! {
                        <ConfirmButton
                            label="End session".into()
                            question="Sign this device out now?".into()
                            on_confirm=Callback::new(move |()| on_end.run(id.clone()))
                            disabled=busy
                        />
                    }
                })}
        </li>
    }
}
