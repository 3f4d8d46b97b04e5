use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::{
    components::Skeleton,
    session::{SessionStatus, use_session},
};

/// `/`: sends each visitor where they belong.
#[component]
pub fn Home() -> impl IntoView {
    let status = use_session().status();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let target = match status.get() {
            SessionStatus::Loading => return,
            SessionStatus::Authenticated(s) => s.user.role.home(),
            SessionStatus::Unauthenticated => "/auth/signin",
        };
        navigate(
            target,
            NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            },
        );
    });
    view! {
        <main class="page">
            <Skeleton />
        </main>
    }
}
