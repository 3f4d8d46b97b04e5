//! `/admin/audit`: the audit log, filtered by event and user.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    account::{AuditFilter, AuditLogPage, admin_api::audit_log},
    components::{Answer, CursorPager},
    domain::AuditKind,
    format::local_time,
    session::use_session,
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let initial_user = query.with_untracked(|q| q.get("user").and_then(|u| u.parse().ok()));
    let filter = RwSignal::new(AuditFilter {
        user_id: initial_user,
        kind: None,
        before: None,
    });
    // The cursors of the pages before this one (the last is the page just before): "Newer"
    // goes back through them.
    let newer_pages = RwSignal::new(Vec::<Option<i64>>::new());
    let refilter = move |change: &dyn Fn(&mut AuditFilter)| {
        newer_pages.set(Vec::new());
        filter.update(|f| {
            change(f);
            f.before = None;
        });
    };
    let events = LocalResource::new(move || {
        let filter = filter.get();
        async move { session.call(audit_log(filter)).await }
    });
    view! {
        <h1>"Audit log"</h1>
        <section class="card">
            <div class="filters">
                <div class="field">
                    <label for="kind-filter">"Event"</label>
                    <select
                        id="kind-filter"
                        on:change=move |ev| {
                            let kind = Some(AuditKind::from_stored(&event_target_value(&ev)))
                                .filter(|k| *k != AuditKind::Other);
                            refilter(&|f| f.kind = kind);
                        }
                    >
                        <option value="">"Any"</option>
                        {AuditKind::ALL
                            .iter()
                            .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-filter">"User id"</label>
                    <input
                        id="user-filter"
                        type="number"
                        min="1"
                        prop:value=move || {
                            filter.with(|f| f.user_id.map(|u| u.to_string()).unwrap_or_default())
                        }
                        on:change=move |ev| {
                            let user_id = event_target_value(&ev).parse().ok();
                            refilter(&|f| f.user_id = user_id);
                        }
                    />
                </div>
            </div>
            <Answer
                answer=events
                children={move |page: AuditLogPage| {
                    if page.items.is_empty() {
                        view! { <p class="muted">"No events match."</p> }.into_any()
                    } else {
                        let total = page.total_label();
                        let next = page.next;
                        let number = newer_pages.with_untracked(Vec::len) + 1;
                        view! {
                            <div class="table-wrap">
                                <table data-testid="audit-table">
                                    <thead>
                                        <tr>
                                            <th>"When"</th>
                                            <th>"Event"</th>
                                            <th>"Account"</th>
                                            <th>"From"</th>
                                            <th>"Detail"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|e| {
                                                view! {
                                                    <tr>
                                                        <td>{local_time(&e.at)}</td>
                                                        <td>
                                                            <span class=format!(
                                                                "event {}",
                                                                e.kind.as_str(),
                                                            )>{e.kind.label()}</span>
                                                        </td>
                                                        <td>{e.email.unwrap_or_default()}</td>
                                                        <td>{e.client_addr.unwrap_or_default()}</td>
                                                        <td>{e.detail.unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <CursorPager
                                page=number
                                has_older=next.is_some()
                                total
                                newer=move || {
                                    let back = newer_pages.try_update(Vec::pop).flatten();
                                    filter.update(|f| f.before = back.flatten());
                                }
                                older=move || {
                                    let here = filter.with_untracked(|f| f.before);
                                    newer_pages.update(|pages| pages.push(here));
                                    filter.update(|f| f.before = next);
                                }
                            />
                        }
                            .into_any()
                    }
                }}
            />
        </section>
    }
}
