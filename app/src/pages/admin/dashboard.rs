//! `/admin`: the office dashboard, figures and the latest sign-in activity.

use leptos::prelude::*;

use crate::{
    components::{Answer, Time, use_lang},
    dashboard::{AdminSummary, early},
    i18n::{Locale, t, t_string, td_string, use_i18n},
    session::use_session,
};

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let summary =
        LocalResource::new(move || async move { session.call(early::admin_summary()).await });
    view! {
        <h1>{t!(i18n, admin.dashboard_title)}</h1>
        <Answer answer=summary let:summary>
            <AdminSummaryView summary />
        </Answer>
    }
}

/// A label in a language (`|l| td_string!(l, admin.stat_clients)`).
type Words = fn(Locale) -> &'static str;

#[component]
fn AdminSummaryView(summary: AdminSummary) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let stats: [(Words, u64, &str); 4] = [
        (
            |l| td_string!(l, admin.stat_clients),
            summary.clients,
            "stat-clients",
        ),
        (
            |l| td_string!(l, admin.stat_sessions),
            summary.active_sessions,
            "stat-sessions",
        ),
        (
            |l| td_string!(l, admin.stat_sign_ins),
            summary.sign_ins_24h,
            "stat-sign-ins",
        ),
        (
            |l| td_string!(l, admin.stat_failed),
            summary.failed_sign_ins_24h,
            "stat-failed",
        ),
    ];
    view! {
        <section class="stats" aria-label=move || t_string!(i18n, admin.figures)>
            {stats
                .into_iter()
                .map(|(label, value, id)| {
                    view! {
                        <div class="card stat" data-testid=id>
                            <span class="stat-value">{value}</span>
                            <span class="stat-label">{move || label(i18n.get_locale())}</span>
                        </div>
                    }
                })
                .collect_view()}
        </section>
        <section class="card">
            <h2>{t!(i18n, admin.recent_title)}</h2>
            {if summary.recent_events.is_empty() {
                view! { <p class="muted">{t!(i18n, admin.no_activity)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table data-testid="recent-events">
                            <thead>
                                <tr>
                                    <th>{t!(i18n, common.when)}</th>
                                    <th>{t!(i18n, admin.what)}</th>
                                    <th>{t!(i18n, common.account)}</th>
                                    <th>{t!(i18n, common.from)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {summary
                                    .recent_events
                                    .into_iter()
                                    .map(|e| {
                                        let (email, user_id) = (e.email.clone(), e.user_id);
                                        let account = move || {
                                            email
                                                .clone()
                                                .or_else(|| {
                                                    user_id
                                                        .map(|id| t_string!(i18n, admin.user_number, id = id))
                                                })
                                                .unwrap_or_default()
                                        };
                                        let kind = e.kind;
                                        view! {
                                            <tr>
                                                <td>
                                                    <Time iso=e.at.clone() />
                                                </td>
                                                <td>
                                                    <span class=format!(
                                                        "event {}",
                                                        e.kind.as_str(),
                                                    )>{move || kind.label(lang.get())}</span>
                                                </td>
                                                <td>{account}</td>
                                                <td>{e.client_addr.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
