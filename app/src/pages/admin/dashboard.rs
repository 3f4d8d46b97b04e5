//! `/admin`: the office dashboard, figures and the latest sign-in activity.

use leptos::prelude::*;
use leptos_router::components::A;

use super::audit::AuditRow;
use crate::account::addresses::{AuditQuery, audit_href, users_href};

use crate::{
    account::UserFilter,
    components::Answer,
    dashboard::{AdminSummary, early},
    domain::{AuditKind, Role},
    i18n::{Locale, t, t_string, td_string, use_i18n},
    session::use_session,
};

#[component]
pub fn AdminDashboard() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.dashboard).to_owned());
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

/// One figure card: a link into the list it counts, where there is one.
struct Figure {
    label: Words,
    value: u64,
    test_id: &'static str,
    href: Option<String>,
    /// The whole the value is a part of (the active clients of all clients), said under it.
    total: Option<u64>,
}

#[component]
fn AdminSummaryView(summary: AdminSummary) -> impl IntoView {
    let i18n = use_i18n();
    let audit_of = |kind| {
        audit_href(&AuditQuery {
            kind: Some(kind),
            ..AuditQuery::default()
        })
    };
    let active_clients = users_href(&UserFilter {
        role: Some(Role::Client),
        active: Some(true),
        page: 1,
        ..UserFilter::default()
    });
    let figures = [
        Figure {
            label: |l| td_string!(l, admin.stat_active_clients),
            value: summary.active_clients,
            test_id: "stat-clients",
            href: Some(active_clients),
            total: Some(summary.clients),
        },
        Figure {
            label: |l| td_string!(l, admin.stat_sessions),
            value: summary.active_sessions,
            test_id: "stat-sessions",
            href: None,
            total: None,
        },
        Figure {
            label: |l| td_string!(l, admin.stat_sign_ins),
            value: summary.sign_ins_24h,
            test_id: "stat-sign-ins",
            href: Some(audit_of(AuditKind::SignIn)),
            total: None,
        },
        Figure {
            label: |l| td_string!(l, admin.stat_failed),
            value: summary.failed_sign_ins_24h,
            test_id: "stat-failed",
            href: Some(audit_of(AuditKind::SignInFailed)),
            total: None,
        },
    ];
    view! {
        <section class="stats" aria-label=move || t_string!(i18n, admin.figures)>
            {figures
                .into_iter()
                .map(|figure| {
                    let label = figure.label;
                    let inside = view! {
                        <span class="stat-value">{figure.value}</span>
                        <span class="stat-label">{move || label(i18n.get_locale())}</span>
                        {figure
                            .total
                            .map(|total| {
                                view! {
                                    <span
                                        class="stat-note"
                                        data-testid=format!("{}-total", figure.test_id)
                                    >
                                        {move || {
                                            t_string!(i18n, admin.stat_clients_total, total = total)
                                        }}
                                    </span>
                                }
                            })}
                    };
                    match figure.href {
                        Some(href) => {
                            view! {
                                <A
                                    href=href
                                    attr:class="card stat stat-link"
                                    attr:data-testid=figure.test_id
                                >
                                    {inside}
                                </A>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <div class="card stat" data-testid=figure.test_id>
                                    {inside}
                                </div>
                            }
                                .into_any()
                        }
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
                                    <th>{t!(i18n, admin.detail)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {summary
                                    .recent_events
                                    .into_iter()
                                    .map(|e| view! { <AuditRow e /> })
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
