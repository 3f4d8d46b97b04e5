use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate},
};

use super::{RequiredStep, Skeleton};
use crate::{
    domain::Role,
    session::{SessionStatus, redirect::sign_in_url, use_session},
};

/// Renders `children` only for a signed-in user of `role`. A signed-out visitor goes to the
/// sign-in page (and comes back here after), another role to its own dashboard. While the
/// session is loading, or a redirect is under way, a skeleton: protected content never renders
/// for someone who may not see it. A session limited to one step (a password change) shows that
/// step in place of the area, whatever the address.
#[component]
pub fn RoleGate(role: Role, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let status = session.status();
    let navigate = use_navigate();
    let location = use_location();
    let allowed = Memo::new(move |_| {
        status.with(|s| matches!(s, SessionStatus::Authenticated(s) if s.user.role == role))
    });
    let required = Memo::new(move |_| status.with(|s| s.session().and_then(|s| s.required)));

    Effect::new(move |_| {
        let replace = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        match status.get() {
            SessionStatus::Unauthenticated => {
                let here = format!(
                    "{}{}",
                    location.pathname.get_untracked(),
                    location.search.get_untracked()
                );
                let here = if here.ends_with('?') {
                    here.trim_end_matches('?').to_owned()
                } else {
                    here
                };
                navigate(&sign_in_url(&here), replace);
            }
            SessionStatus::Authenticated(s) if s.user.role != role => {
                navigate(s.user.role.home(), replace);
            }
            _ => {}
        }
    });

    move || match (allowed.get(), required.get()) {
        (true, Some(step)) => view! { <RequiredStep step /> }.into_any(),
        (true, None) => children().into_any(),
        (false, _) => view! { <Skeleton /> }.into_any(),
    }
}
