//! `/client/*`: the clients' area.

use leptos::prelude::*;

use crate::{
    components::{Answer, AreaLayout, NavLink},
    dashboard::{ClientSummary, early},
    domain::Role,
    format::{describe_user_agent, local_time},
    i18n::td_string,
    session::use_session,
};

#[component]
pub fn ClientLayout() -> impl IntoView {
    view! {
        <AreaLayout
            role=Role::Client
            links=vec![
                NavLink {
                    href: "/client",
                    label: |l| td_string!(l, nav.overview),
                },
                NavLink {
                    href: "/client/sessions",
                    label: |l| td_string!(l, nav.sessions),
                },
                NavLink {
                    href: "/client/profile",
                    label: |l| td_string!(l, nav.profile),
                },
            ]
        />
    }
}

#[component]
pub fn ClientDashboard() -> impl IntoView {
    let session = use_session();
    let summary =
        LocalResource::new(move || async move { session.call(early::client_summary()).await });
    view! {
        <Answer answer=summary let:summary>
            <ClientSummaryView summary />
        </Answer>
    }
}

#[component]
fn ClientSummaryView(summary: ClientSummary) -> impl IntoView {
    let last = match summary.previous_sign_in {
        Some(previous) => format!(
            "Last signed in at {} from {} ({}).",
            local_time(&previous.at),
            previous
                .client_addr
                .unwrap_or_else(|| "an unknown address".into()),
            describe_user_agent(previous.user_agent.as_deref().unwrap_or_default()),
        ),
        None => "This is your first sign-in.".to_owned(),
    };
    view! {
        <h1 data-testid="welcome">{format!("Welcome, {}", summary.name)}</h1>
        <p class="muted" data-testid="last-sign-in">
            {last}
        </p>
        <section class="stats">
            <div class="card stat" data-testid="stat-my-sessions">
                <span class="stat-value">{summary.active_sessions}</span>
                <span class="stat-label">"Active sessions"</span>
            </div>
        </section>
        <section class="card">
            <h2>"Your profile"</h2>
            <dl class="profile">
                <dt>"Name"</dt>
                <dd>{summary.name.clone()}</dd>
                <dt>"Email"</dt>
                <dd>{summary.email}</dd>
                <dt>"Client since"</dt>
                <dd>{local_time(&summary.member_since)}</dd>
            </dl>
        </section>
    }
}
