//! `/admin/audit`: the audit log, filtered by event and user.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    account::{AuditFilter, AuditLogPage, admin_api::audit_log},
    components::{Answer, CursorPager, Time, use_lang},
    domain::AuditKind,
    i18n::{t, use_i18n},
    session::use_session,
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
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
        <h1>{t!(i18n, admin.audit_title)}</h1>
        <section class="card">
            <div class="filters">
                <div class="field">
                    <label for="kind-filter">{t!(i18n, admin.event)}</label>
                    <select
                        id="kind-filter"
                        on:change=move |ev| {
                            let kind = Some(AuditKind::from_stored(&event_target_value(&ev)))
                                .filter(|k| *k != AuditKind::Other);
                            refilter(&|f| f.kind = kind);
                        }
                    >
                        <option value="">{t!(i18n, common.any)}</option>
                        {AuditKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.as_str()>{move || k.label(lang.get())}</option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-filter">{t!(i18n, admin.user_id)}</label>
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
                        view! { <p class="muted">{t!(i18n, admin.no_events)}</p> }.into_any()
                    } else {
                        let total = page.total_label();
                        let next = page.next;
                        let number = newer_pages.with_untracked(Vec::len) + 1;
                        view! {
                            <div class="table-wrap">
                                <table data-testid="audit-table">
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, common.when)}</th>
                                            <th>{t!(i18n, admin.event)}</th>
                                            <th>{t!(i18n, common.account)}</th>
                                            <th>{t!(i18n, common.from)}</th>
                                            <th>{t!(i18n, admin.detail)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|e| {
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
                                                        <td>{e.email.unwrap_or_default()}</td>
                                                        <td>{e.client_addr.unwrap_or_default()}</td>
                                                        <td>
                                                            {
                                                                let detail = e.detail.unwrap_or_default();
                                                                move || crate::domain::audit_detail::say(
                                                                    &detail,
                                                                    lang.get(),
                                                                )
                                                            }
                                                        </td>
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
