//! `/admin/users/:id`: one account, its state and role, and where it is signed in.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    account::{
        DeviceSession, UserRow,
        admin_api::{
            end_user_session, end_user_sessions, get_user, reset_two_step, set_user_active,
            set_user_role, user_sessions,
        },
    },
    components::{Answer, ConfirmButton, DeviceSessionRow, use_step_up},
    domain::Role,
    error::ApiError,
    format::local_time,
    session::{step_up::Sensitive, use_session},
};

/// Takes a staff action's outcome: says how it went above the page, and shows the user and
/// their sessions afresh.
type Report = Callback<Result<String, ApiError>>;

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
                None => Err(ApiError::not_found()),
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
    let report: Report = Callback::new(move |result: Result<String, ApiError>| {
        message.set(Some(result.unwrap_or_else(|e| e.message)));
        user.refetch();
        sessions.refetch();
    });

    view! {
        <p>
            <A href="/admin/users">"← All users"</A>
        </p>
        <p class="form-message neutral" role="status" aria-live="polite" data-testid="user-message">
            {move || message.get()}
        </p>
        <Answer
            answer=user
            children={move |u: UserRow| {
                let id = u.id;
                view! {
                    <UserCard user=u report />
                    <section class="card">
                        <h2>"Sessions"</h2>
                        <Answer answer=sessions let:list>
                            <UserSessions user_id=id list report />
                        </Answer>
                    </section>
                    <p>
                        <A href=format!("/admin/audit?user={id}")>"This user's audit events"</A>
                    </p>
                }
            }}
        />
    }
}

/// The user's details, and what staff can change: whether the account is active, and its role.
#[component]
fn UserCard(user: UserRow, report: Report) -> impl IntoView {
    let step_up = use_step_up();
    let (id, version, active, role) = (user.id, user.version, user.active, user.role);
    let other_role = if role == Role::Admin {
        Role::Client
    } else {
        Role::Admin
    };
    let (label, question) = if active {
        ("Deactivate", "Deactivate and sign out everywhere?")
    } else {
        ("Reactivate", "Let this user sign in again?")
    };
    let set_active = Callback::new(move |()| {
        spawn_local(async move {
            let changed = step_up
                .call(Sensitive::SetActive, || {
                    set_user_active(id, !active, version)
                })
                .await;
            report.run(changed.map(|u| {
                if u.active {
                    "Reactivated.".into()
                } else {
                    "Deactivated; every session has ended.".into()
                }
            }));
        });
    });
    let reset = Callback::new(move |()| {
        spawn_local(async move {
            let done = step_up
                .call(Sensitive::ResetTwoStep, || reset_two_step(id))
                .await;
            report.run(done.map(|()| {
                "Two-step sign-in is off for this account; every session of theirs has ended."
                    .into()
            }));
        });
    });
    let set_role = Callback::new(move |()| {
        spawn_local(async move {
            let changed = step_up
                .call(Sensitive::ChangeRole, || {
                    set_user_role(id, other_role, version)
                })
                .await;
            report.run(changed.map(|u| format!("The role is now {}.", u.role.as_str())));
        });
    });
    view! {
        <h1 data-testid="user-name">{user.name}</h1>
        <section class="card">
            <dl class="profile">
                <dt>"Email"</dt>
                <dd>{user.email}</dd>
                <dt>"Role"</dt>
                <dd data-testid="user-role">{role.as_str()}</dd>
                <dt>"State"</dt>
                <dd data-testid="user-state">{if active { "Active" } else { "Deactivated" }}</dd>
                <dt>"Since"</dt>
                <dd>{local_time(&user.created_at)}</dd>
            </dl>
            <div class="form-actions">
                <ConfirmButton
                    label=label.to_owned()
                    question=question.to_owned()
                    on_confirm=set_active
                />
                <ConfirmButton
                    label=format!("Make {}", other_role.as_str())
                    question=format!(
                        "Change the role to {} and end their sessions?",
                        other_role.as_str(),
                    )
                    on_confirm=set_role
                />
                <ConfirmButton
                    label="Reset two-step sign-in".to_owned()
                    question="Turn off their two-step sign-in and end their sessions?".to_owned()
                    on_confirm=reset
                />
            </div>
        </section>
    }
}

/// Where the user is signed in, each session with "End session", and "End all sessions".
#[component]
fn UserSessions(user_id: i64, list: Vec<DeviceSession>, report: Report) -> impl IntoView {
    let step_up = use_step_up();
    if list.is_empty() {
        return view! {
            <p class="muted" data-testid="no-sessions">
                "Not signed in anywhere."
            </p>
        }
        .into_any();
    }
    let end_one = Callback::new(move |sid: String| {
        spawn_local(async move {
            let ended = step_up
                .call(Sensitive::EndUserSessions, || {
                    end_user_session(user_id, sid.clone())
                })
                .await;
            report.run(ended.map(|()| "The session has ended.".into()));
        });
    });
    let end_all = Callback::new(move |()| {
        spawn_local(async move {
            let ended = step_up
                .call(Sensitive::EndUserSessions, || end_user_sessions(user_id))
                .await;
            report.run(ended.map(|n| format!("{n} session(s) ended.")));
        });
    });
    view! {
        <ul class="sessions" data-testid="user-sessions">
            {list
                .into_iter()
                .map(|s| view! { <DeviceSessionRow session=s on_end=end_one /> })
                .collect_view()}
        </ul>
        <div class="form-actions">
            <ConfirmButton
                label="End all sessions".into()
                question="Sign this user out everywhere?".into()
                on_confirm=end_all
            />
        </div>
    }
    .into_any()
}
