//! `/client/*`: the clients' area.

use leptos::prelude::*;

use crate::{
    components::{Answer, AreaLayout, NavLink, Time, use_lang, use_local_time},
    dashboard::{ClientSummary, early},
    domain::Role,
    format::describe_user_agent,
    i18n::{t, t_string, td_string, use_i18n},
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
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.overview).to_owned());
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
    let i18n = use_i18n();
    let lang = use_lang();
    let previous = summary.previous_sign_in;
    let local_time = use_local_time();
    let last = move || {
        let Some(previous) = &previous else {
            return t_string!(i18n, client.first_sign_in).to_owned();
        };
        let at = local_time(&previous.at);
        let device = describe_user_agent(
            previous.user_agent.as_deref().unwrap_or_default(),
            lang.get(),
        );
        match previous.client_addr.clone() {
            Some(addr) => t_string!(
                i18n,
                client.last_sign_in,
                at = at,
                addr = addr,
                device = device
            ),
            None => t_string!(
                i18n,
                client.last_sign_in_unknown_address,
                at = at,
                device = device
            ),
        }
    };
    let name = summary.name.clone();
    view! {
        <h1 data-testid="welcome">
            {move || t_string!(i18n, client.welcome, name = name.clone())}
        </h1>
        <p class="muted" data-testid="last-sign-in">
            {last}
        </p>
        <section class="stats">
            <div class="card stat" data-testid="stat-my-sessions">
                <span class="stat-value">{summary.active_sessions}</span>
                <span class="stat-label">{t!(i18n, client.active_sessions)}</span>
            </div>
        </section>
        <section class="card">
            <h2>{t!(i18n, client.your_profile)}</h2>
            <dl class="profile">
                <dt>{t!(i18n, common.name)}</dt>
                <dd>{summary.name.clone()}</dd>
                <dt>{t!(i18n, common.email)}</dt>
                <dd>{summary.email}</dd>
                <dt>{t!(i18n, client.client_since)}</dt>
                <dd>
                    <Time iso=summary.member_since />
                </dd>
            </dl>
        </section>
        <crate::components::OfficeCard />
    }
}
