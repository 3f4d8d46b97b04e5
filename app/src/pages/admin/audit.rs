//! `/admin/audit`: the audit log, filtered by event, person and days. The filters live in the
//! address bar (`?user=7&kind=sign_in&from=2026-11-01`), so the menu's "Audit log" is the whole
//! log again and a user's "audit events" link opens theirs.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    account::{
        AuditFilter, AuditLogPage, UserFilter,
        addresses::{AuditQuery, audit_href, audit_query_of},
        admin_api::{audit_log, get_user, list_users},
    },
    components::{Answer, CursorPager, Time, use_lang},
    dashboard::AuditEntry,
    domain::{AuditKind, audit_detail},
    i18n::{t, t_string, use_i18n},
    session::use_session,
};

/// How long typing a name may pause before suggestions are asked for.
const SUGGEST_PAUSE_MS: u64 = 250;

#[component]
pub fn AuditPage() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.audit).to_owned());
    let i18n = use_i18n();
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(audit_query_of));
    let navigate = StoredValue::new_local(use_navigate());
    let change = move |edit: &dyn Fn(&mut AuditQuery)| {
        let mut next = wanted.get_untracked();
        edit(&mut next);
        let href = audit_href(&next);
        navigate.with_value(|navigate| {
            navigate(
                &href,
                NavigateOptions {
                    scroll: false,
                    ..NavigateOptions::default()
                },
            )
        });
    };
    // Paging by cursor stays on the page, kept with the filter it belongs to: a new filter
    // starts from the newest at once, never asking with the old filter's cursor.
    let paging = RwSignal::new(Paging::default());
    let here = Memo::new(move |_| {
        let wanted = wanted.get();
        paging.with(|p| p.at(&wanted))
    });
    let turn = move |step: &dyn Fn(&mut Paging)| {
        let wanted = wanted.get_untracked();
        paging.update(|p| {
            if p.of != wanted {
                *p = Paging {
                    of: wanted,
                    ..Paging::default()
                };
            }
            step(p);
        });
    };
    let events = LocalResource::new(move || {
        let wanted = wanted.get();
        let filter = AuditFilter {
            user_id: wanted.user_id,
            kind: wanted.kind,
            before: here.get().before,
            since: wanted.from.as_deref().and_then(|day| day_start(day, 0)),
            until: wanted.to.as_deref().and_then(|day| day_start(day, 1)),
        };
        async move { session.call(audit_log(filter)).await }
    });
    view! {
        <h1>{t!(i18n, admin.audit_title)}</h1>
        <section class="card">
            <div class="filters audit-filters">
                <div class="field">
                    <label for="kind-filter">{t!(i18n, admin.event)}</label>
                    <select
                        id="kind-filter"
                        prop:value=move || wanted.with(|w| w.kind.map_or("", AuditKind::as_str))
                        on:change=move |ev| {
                            let kind = Some(AuditKind::from_stored(&event_target_value(&ev)))
                                .filter(|k| *k != AuditKind::Other);
                            change(&|w| w.kind = kind);
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
                <PersonFilter
                    chosen=Signal::derive(move || wanted.with(|w| w.user_id))
                    choose=move |user_id| change(&|w| w.user_id = user_id)
                />
                <div class="field">
                    <label for="from-filter">{t!(i18n, admin.first_day)}</label>
                    <input
                        id="from-filter"
                        type="date"
                        prop:value=move || wanted.with(|w| w.from.clone().unwrap_or_default())
                        on:change=move |ev| {
                            let day = Some(event_target_value(&ev)).filter(|d| !d.is_empty());
                            change(&|w| w.from = day.clone());
                        }
                    />
                </div>
                <div class="field">
                    <label for="to-filter">{t!(i18n, admin.last_day)}</label>
                    <input
                        id="to-filter"
                        type="date"
                        prop:value=move || wanted.with(|w| w.to.clone().unwrap_or_default())
                        on:change=move |ev| {
                            let day = Some(event_target_value(&ev)).filter(|d| !d.is_empty());
                            change(&|w| w.to = day.clone());
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
                        let number = here.get_untracked().number;
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
                                            .map(|e| view! { <AuditRow e /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <CursorPager
                                page=number
                                has_older=next.is_some()
                                total
                                newer=move || { turn(&|p| p.before = p.newer.pop().flatten()) }
                                older=move || {
                                    turn(
                                        &|p| {
                                            p.newer.push(p.before);
                                            p.before = next;
                                        },
                                    )
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

/// Where the reader is in one filter's pages.
#[derive(Clone, Default, PartialEq)]
struct Paging {
    /// The filter these cursors belong to.
    of: AuditQuery,
    /// This page's cursor: the events before this id (none: the newest).
    before: Option<i64>,
    /// The cursors of the pages before this one (the last is the page just before): "Newer"
    /// goes back through them.
    newer: Vec<Option<i64>>,
}

/// A page of the log: its cursor, and its number counted from the newest.
#[derive(Clone, Copy, PartialEq)]
struct PageAt {
    before: Option<i64>,
    number: usize,
}

impl Paging {
    /// Where the reader is under `filter`: the first page when the cursors are another's.
    fn at(&self, filter: &AuditQuery) -> PageAt {
        if &self.of == filter {
            PageAt {
                before: self.before,
                number: self.newer.len() + 1,
            }
        } else {
            PageAt {
                before: None,
                number: 1,
            }
        }
    }
}

/// One line of the log: the account by name, linked to its page; the note in the reader's
/// language, and the staff member who acted, linked too.
#[component]
pub fn AuditRow(e: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let kind = e.kind;
    let account = match (e.user_id, e.name.clone()) {
        (Some(id), Some(name)) => {
            let email = e.email.clone().unwrap_or_default();
            view! {
                <A href=format!("/admin/users/{id}")>{name}</A>
                <span class="muted small under">{email}</span>
            }
            .into_any()
        }
        // An unknown address someone typed, or an account that is gone.
        _ => {
            let shown = e
                .email
                .clone()
                .or_else(|| e.user_id.map(|id| format!("#{id}")));
            view! { <span>{shown.unwrap_or_default()}</span> }.into_any()
        }
    };
    let note = e.detail.clone().unwrap_or_default();
    let actor = e.actor.clone().map(|actor| {
        let id = actor.id;
        let name = move || {
            if actor.name.is_empty() {
                t_string!(i18n, admin.user_number, id = id)
            } else {
                actor.name.clone()
            }
        };
        view! {
            <span class="actor">
                {move || t_string!(i18n, admin.by_whom)} " "
                <A href=format!("/admin/users/{id}")>{name}</A>
            </span>
        }
    });
    view! {
        <tr>
            <td>
                <Time iso=e.at.clone() />
            </td>
            <td class="audit-what">
                <span class=format!(
                    "event {}",
                    kind.as_str(),
                )>{move || kind.label(lang.get())}</span>
            </td>
            <td class="audit-account">{account}</td>
            <td>{e.client_addr.unwrap_or_default()}</td>
            <td class="audit-detail">
                {move || audit_detail::say_note(&note, lang.get())}
                {(!e.detail.as_deref().unwrap_or_default().is_empty() && e.actor.is_some())
                    .then_some(" · ")} {actor}
            </td>
        </tr>
    }
}

/// The person filter: a name or email typed, suggestions from the user list (a datalist), and
/// the chosen person shown by name with a way to clear it.
#[component]
fn PersonFilter(
    chosen: Signal<Option<i64>>,
    choose: impl Fn(Option<i64>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let pause = StoredValue::new_local(None::<TimeoutHandle>);
    let suggestions = LocalResource::new(move || {
        let query = asked.get();
        async move {
            if query.trim().chars().count() < 2 {
                return Vec::new();
            }
            let filter = UserFilter {
                query,
                page: 1,
                ..UserFilter::default()
            };
            session
                .call(list_users(filter))
                .await
                .map(|page| page.items)
                .unwrap_or_default()
        }
    });
    // The chosen person's name, for an id that came with the address.
    let chosen_user = LocalResource::new(move || {
        let id = chosen.get();
        async move {
            match id {
                Some(id) => session.call(get_user(id)).await.ok(),
                None => None,
            }
        }
    });
    let label_of = |name: &str, email: &str| format!("{name} <{email}>");
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        // A suggestion picked: its label is the whole value.
        let picked = suggestions.with_untracked(|found| {
            found.as_ref().and_then(|users| {
                users
                    .iter()
                    .find(|u| label_of(&u.name, &u.email) == value)
                    .map(|u| u.id)
            })
        });
        if let Some(id) = picked {
            typed.set(String::new());
            choose(Some(id));
            return;
        }
        if let Some(handle) = pause.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || asked.set(typed.get_untracked()),
            std::time::Duration::from_millis(SUGGEST_PAUSE_MS),
        )
        .ok();
        pause.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(handle) = pause.get_value() {
            handle.clear();
        }
    });
    view! {
        <div class="field">
            <label for="person-filter">{t!(i18n, admin.person)}</label>
            {move || match chosen.get() {
                Some(id) => {
                    let name = move || {
                        chosen_user
                            .get()
                            .flatten()
                            .map(|u| label_of(&u.name, &u.email))
                            .unwrap_or_else(|| t_string!(i18n, admin.user_number, id = id))
                    };
                    view! {
                        <div class="chosen-person" data-testid="person-chosen">
                            <span>{name}</span>
                            <button
                                type="button"
                                class="button ghost small"
                                on:click=move |_| choose(None)
                            >
                                {t!(i18n, admin.everyone)}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <input
                            id="person-filter"
                            type="search"
                            list="person-suggestions"
                            autocomplete="off"
                            placeholder=move || t_string!(i18n, admin.person_hint)
                            prop:value=typed
                            on:input=on_input
                        />
                        <datalist id="person-suggestions">
                            {move || {
                                suggestions
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|u| view! { <option value=label_of(&u.name, &u.email) /> })
                                    .collect_view()
                            }}
                        </datalist>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// The start of `day` (`2026-11-30`) plus `days_after` days, in the browser's calendar, as an
/// RFC 3339 moment for the server: what a person means by "from the 30th".
fn day_start(day: &str, days_after: u32) -> Option<String> {
    if !crate::account::addresses::is_day(day) {
        return None;
    }
    let date = js_sys::Date::new(&format!("{day}T00:00:00").into());
    if date.get_time().is_nan() {
        return None;
    }
    date.set_date(date.get_date() + days_after);
    Some(String::from(date.to_iso_string()))
}
