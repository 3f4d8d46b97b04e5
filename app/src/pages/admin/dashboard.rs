//! `/admin`: the office dashboard, figures and the latest sign-in activity.

use leptos::prelude::*;

use crate::{
    components::Answer,
    dashboard::{AdminSummary, early},
    format::local_time,
    session::use_session,
};

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let session = use_session();
    let summary =
        LocalResource::new(move || async move { session.call(early::admin_summary()).await });
    view! {
        <h1>"Office dashboard"</h1>
        <Answer answer=summary let:summary>
            <AdminSummaryView summary />
        </Answer>
    }
}

#[component]
fn AdminSummaryView(summary: AdminSummary) -> impl IntoView {
    let stats = [
        ("Clients", summary.clients, "stat-clients"),
        ("Active sessions", summary.active_sessions, "stat-sessions"),
        ("Sign-ins, last 24 h", summary.sign_ins_24h, "stat-sign-ins"),
        (
            "Failed sign-ins, last 24 h",
            summary.failed_sign_ins_24h,
            "stat-failed",
        ),
    ];
    view! {
        <section class="stats" aria-label="Figures">
            {stats
                .into_iter()
                .map(|(label, value, id)| {
                    view! {
                        <div class="card stat" data-testid=id>
                            <span class="stat-value">{value}</span>
                            <span class="stat-label">{label}</span>
                        </div>
                    }
                })
                .collect_view()}
        </section>
        <section class="card">
            <h2>"Latest sign-in activity"</h2>
            {if summary.recent_events.is_empty() {
                view! { <p class="muted">"No activity yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table data-testid="recent-events">
                            <thead>
                                <tr>
                                    <th>"When"</th>
                                    <th>"What"</th>
                                    <th>"Account"</th>
                                    <th>"From"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {summary
                                    .recent_events
                                    .into_iter()
                                    .map(|e| {
                                        let account = e
                                            .email
                                            .clone()
                                            .or_else(|| e.user_id.map(|id| format!("user #{id}")))
                                            .unwrap_or_default();
                                        view! {
                                            <tr>
                                                <td>{local_time(&e.at)}</td>
                                                <td>
                                                    <span class=format!(
                                                        "event {}",
                                                        e.kind.as_str(),
                                                    )>{e.kind.label()}</span>
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
