//! `/admin/users`, `/admin/users/:id` and `/admin/audit`: staff manage accounts.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    account::{
        AUDIT_KINDS, AuditFilter, DeviceSession, Page, UserFilter, UserRow,
        admin_api::{
            audit_log, create_client, end_user_session, end_user_sessions, get_user, list_users,
            set_user_active, set_user_role, user_sessions,
        },
        audit_label,
    },
    components::{Answer, ConfirmButton},
    dashboard::AuditEntry,
    format::local_time,
    input::{Email, Name, Password},
    session::{Role, use_session},
};

/// Previous / next for any list.
#[component]
fn Pager(
    page: u64,
    pages: u64,
    total: u64,
    go: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            <button class="button secondary" disabled={page <= 1} on:click=move |_| go(page - 1)>"Previous"</button>
            <span data-testid="pager">{format!("Page {page} of {pages} · {total} in all")}</span>
            <button class="button secondary" disabled={page >= pages} on:click=move |_| go(page + 1)>"Next"</button>
        </nav>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = use_session();
    let filter = RwSignal::new(UserFilter {
        page: 1,
        ..UserFilter::default()
    });
    let users = LocalResource::new(move || {
        let filter = filter.get();
        async move { session.call(list_users(filter)).await }
    });
    let set_query = move |ev| {
        filter.update(|f| {
            f.query = event_target_value(&ev);
            f.page = 1;
        })
    };
    view! {
        <h1>"Users"</h1>
        <CreateClientForm on_created=Callback::new(move |()| users.refetch()) />
        <section class="card">
            <div class="filters">
                <div class="field">
                    <label for="user-search">"Search by name or email"</label>
                    <input id="user-search" type="search" prop:value=move || filter.with(|f| f.query.clone()) on:input=set_query />
                </div>
                <div class="field">
                    <label for="role-filter">"Role"</label>
                    <select id="role-filter" on:change=move |ev| filter.update(|f| {
                        f.role = Role::parse(&event_target_value(&ev));
                        f.page = 1;
                    })>
                        <option value="">"Any"</option>
                        <option value="ADMIN">"Staff (ADMIN)"</option>
                        <option value="CLIENT">"Client (CLIENT)"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="active-filter">"State"</label>
                    <select id="active-filter" on:change=move |ev| filter.update(|f| {
                        f.active = match event_target_value(&ev).as_str() { "active" => Some(true), "inactive" => Some(false), _ => None };
                        f.page = 1;
                    })>
                        <option value="">"Any"</option>
                        <option value="active">"Active"</option>
                        <option value="inactive">"Deactivated"</option>
                    </select>
                </div>
            </div>
            <Answer answer=users let:page>
                <UserTable page go=move |p| filter.update(|f| f.page = p) />
            </Answer>
        </section>
    }
}

#[component]
fn UserTable(
    page: Page<UserRow>,
    go: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let pages = page.pages();
    if page.items.is_empty() {
        return view! { <p class="muted" data-testid="no-users">"No users match."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table data-testid="user-table">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"State"</th><th>"Since"</th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|u| view! {
                        <tr>
                            <td><A href=format!("/admin/users/{}", u.id)>{u.name}</A></td>
                            <td>{u.email}</td>
                            <td>{u.role.as_str()}</td>
                            <td>{if u.active { "Active" } else { "Deactivated" }}</td>
                            <td>{local_time(&u.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page pages total=page.total go />
    }
    .into_any()
}

#[component]
fn CreateClientForm(on_created: Callback<()>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<(String, String)>);
    let created = RwSignal::new(None::<(String, Option<String>)>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let checked = Name::parse(&name.get_untracked())
            .and_then(|_| Email::parse(&email.get_untracked()))
            .and_then(|e| match password.get_untracked() {
                p if p.is_empty() => Ok(()),
                p => Password::parse_new(&p, Some(&e)).map(|_| ()),
            });
        if let Err(e) = checked {
            error.set(Some((e.field.unwrap_or_default(), e.message)));
            return;
        }
        error.set(None);
        pending.set(true);
        let typed = Some(password.get_untracked()).filter(|p| !p.is_empty());
        spawn_local(async move {
            match session
                .call(create_client(
                    name.get_untracked(),
                    email.get_untracked(),
                    typed,
                ))
                .await
            {
                Ok(c) => {
                    created.set(Some((c.user.email, c.generated_password)));
                    for field in [name, email, password] {
                        field.set(String::new());
                    }
                    on_created.run(());
                }
                Err(e) => error.set(Some((e.field.unwrap_or_default(), e.message))),
            }
            pending.set(false);
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| {
                e.as_ref()
                    .filter(|(f, _)| f == field)
                    .map(|(_, m)| m.clone())
            })
        }
    };
    view! {
        <details class="card create-client">
            <summary>"Create a client account"</summary>
            <form on:submit=submit novalidate=true>
                <div class="field"><label for="new-name">"Name"</label>
                    <input id="new-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="field-error">{field_error("name")}</p></div>
                <div class="field"><label for="new-email">"Email"</label>
                    <input id="new-email" type="email" autocomplete="off" prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p class="field-error">{field_error("email")}</p></div>
                <div class="field"><label for="new-password">"Password (leave empty to generate one)"</label>
                    <input id="new-password" type="password" autocomplete="new-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                    <p class="field-error">{field_error("password")}</p></div>
                <p class="form-message" role="status" aria-live="polite">{field_error("")}</p>
                <button class="button" type="submit" disabled=pending>"Create client"</button>
            </form>
            {move || created.get().map(|(email, generated)| view! {
                <div class="notice" role="status" data-testid="created-client">
                    <p>{format!("Created {email}.")}</p>
                    {generated.map(|p| view! {
                        <p>"Their password (shown only now): " <code data-testid="generated-password">{p}</code></p>
                    })}
                </div>
            })}
        </details>
    }
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let user_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let user = LocalResource::new(move || {
        let id = user_id();
        async move {
            match id {
                Some(id) => session.call(get_user(id)).await,
                None => Err(crate::error::ApiError::not_found()),
            }
        }
    });
    let sessions = LocalResource::new(move || {
        let id = user_id();
        async move {
            match id {
                Some(id) => session.call(user_sessions(id)).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let message = RwSignal::new(None::<String>);
    let report = move |result: Result<String, crate::error::ApiError>| {
        message.set(Some(result.unwrap_or_else(|e| e.message)));
        user.refetch();
        sessions.refetch();
    };

    view! {
        <p><A href="/admin/users">"← All users"</A></p>
        <p class="form-message neutral" role="status" aria-live="polite" data-testid="user-message">{move || message.get()}</p>
        <Answer answer=user children={move |u: UserRow| {
            let (id, version, active, role) = (u.id, u.version, u.active, u.role);
            let other_role = if role == Role::Admin { Role::Client } else { Role::Admin };
            view! {
                <h1 data-testid="user-name">{u.name.clone()}</h1>
                <section class="card">
                    <dl class="profile">
                        <dt>"Email"</dt><dd>{u.email.clone()}</dd>
                        <dt>"Role"</dt><dd data-testid="user-role">{role.as_str()}</dd>
                        <dt>"State"</dt><dd data-testid="user-state">{if active { "Active" } else { "Deactivated" }}</dd>
                        <dt>"Since"</dt><dd>{local_time(&u.created_at)}</dd>
                    </dl>
                    <div class="form-actions">
                        <ConfirmButton
                            label=if active { "Deactivate".to_owned() } else { "Reactivate".to_owned() }
                            question=if active { "Deactivate and sign out everywhere?".to_owned() } else { "Let this user sign in again?".to_owned() }
                            on_confirm=Callback::new(move |()| spawn_local(async move {
                                report(session.call(set_user_active(id, !active, version)).await
                                    .map(|u| if u.active { "Reactivated.".into() } else { "Deactivated; every session has ended.".into() }));
                            })) />
                        <ConfirmButton
                            label=format!("Make {}", other_role.as_str())
                            question=format!("Change the role to {} and end their sessions?", other_role.as_str())
                            on_confirm=Callback::new(move |()| spawn_local(async move {
                                report(session.call(set_user_role(id, other_role, version)).await
                                    .map(|u| format!("The role is now {}.", u.role.as_str())));
                            })) />
                    </div>
                </section>
                <section class="card">
                    <h2>"Sessions"</h2>
                    <Answer answer=sessions children={move |list: Vec<DeviceSession>| if list.is_empty() {
                        view! { <p class="muted" data-testid="no-sessions">"Not signed in anywhere."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="sessions" data-testid="user-sessions">
                                {list.into_iter().map(|s| {
                                    let sid = s.id.clone();
                                    view! {
                                        <li class="session">
                                            <div>
                                                <strong>{s.device}</strong>
                                                <div class="muted small">{format!("{} · signed in {} · last active {}",
                                                    s.client_addr.unwrap_or_default(), local_time(&s.signed_in_at), local_time(&s.last_active_at))}</div>
                                            </div>
                                            <ConfirmButton label="End session".into() question="Sign this device out now?".into()
                                                on_confirm=Callback::new(move |()| {
                                                    let sid = sid.clone();
                                                    spawn_local(async move {
                                                        report(session.call(end_user_session(id, sid)).await.map(|()| "The session has ended.".into()));
                                                    });
                                                }) />
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <div class="form-actions">
                                <ConfirmButton label="End all sessions".into() question="Sign this user out everywhere?".into()
                                    on_confirm=Callback::new(move |()| spawn_local(async move {
                                        report(session.call(end_user_sessions(id)).await.map(|n| format!("{n} session(s) ended.")));
                                    })) />
                            </div>
                        }.into_any()
                    }} />
                </section>
                <p><A href=format!("/admin/audit?user={id}")>"This user's audit events"</A></p>
            }
        }} />
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    let query = leptos_router::hooks::use_query_map();
    let initial_user = query.with_untracked(|q| q.get("user").and_then(|u| u.parse().ok()));
    let filter = RwSignal::new(AuditFilter {
        user_id: initial_user,
        kind: None,
        page: 1,
    });
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
                    <select id="kind-filter" on:change=move |ev| filter.update(|f| {
                        f.kind = Some(event_target_value(&ev)).filter(|k| !k.is_empty());
                        f.page = 1;
                    })>
                        <option value="">"Any"</option>
                        {AUDIT_KINDS.iter().map(|(k, label)| view! { <option value=*k>{*label}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="user-filter">"User id"</label>
                    <input id="user-filter" type="number" min="1" prop:value=move || filter.with(|f| f.user_id.map(|u| u.to_string()).unwrap_or_default())
                        on:change=move |ev| filter.update(|f| {
                            f.user_id = event_target_value(&ev).parse().ok();
                            f.page = 1;
                        }) />
                </div>
            </div>
            <Answer answer=events children={move |page: Page<AuditEntry>| if page.items.is_empty() {
                    view! { <p class="muted">"No events match."</p> }.into_any()
                } else {
                    let pages = page.pages();
                    view! {
                        <div class="table-wrap">
                            <table data-testid="audit-table">
                                <thead><tr><th>"When"</th><th>"Event"</th><th>"Account"</th><th>"From"</th><th>"Detail"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{local_time(&e.at)}</td>
                                            <td><span class=format!("event {}", e.kind)>{audit_label(&e.kind)}</span></td>
                                            <td>{e.email.unwrap_or_default()}</td>
                                            <td>{e.client_addr.unwrap_or_default()}</td>
                                            <td>{e.detail.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=page.page pages total=page.total go=move |p| filter.update(|f| f.page = p) />
                    }.into_any()
                }} />
        </section>
    }
}
