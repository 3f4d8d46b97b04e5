//! `/admin/users/:id`: one account, its state and role, and where it is signed in.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    account::{
        DeviceSession, InvitationLink, UserRow,
        admin_api::{
            end_user_session, end_user_sessions, get_user, reset_two_step, revoke_invitation,
            send_invitation, send_reset_link, set_user_active, set_user_role, update_user,
            user_sessions,
        },
        recovery_api::get_mail_features,
    },
    components::{
        Answer, ConfirmButton, CopyButton, DeviceSessionRow, FieldError, FormErrors, use_step_up,
    },
    domain::{Email, Name, Role},
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
    // A new invitation's link, kept across the reload of the user that follows it.
    let invitation = RwSignal::new(None::<InvitationLink>);
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
                    <UserCard user=u.clone() report />
                    <AccountCare user=u report invitation />
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
                <dt>"Last sign-in"</dt>
                <dd data-testid="user-last-sign-in">
                    {user.last_sign_in_at.as_deref().map_or_else(|| "Never".to_owned(), local_time)}
                </dd>
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

/// Staff care for the account: correct the name and email, send a password reset link, and
/// send, resend or revoke an invitation.
#[component]
fn AccountCare(
    user: UserRow,
    report: Report,
    invitation: RwSignal<Option<InvitationLink>>,
) -> impl IntoView {
    let step_up = use_step_up();
    let features = LocalResource::new(get_mail_features);
    let mail_on = move || {
        features
            .get()
            .is_some_and(|answer| answer.is_ok_and(|f| f.password_reset))
    };
    let (id, version, active, invited) = (user.id, user.version, user.active, user.invited);
    let name = RwSignal::new(user.name.clone());
    let email = RwSignal::new(user.email.clone());
    let current_email = user.email.clone();
    let errors = FormErrors::new(&["name", "email"]);
    let pending = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<ApiError> = [
            Name::parse(&name.get_untracked()).err(),
            Email::parse(&email.get_untracked()).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        errors.set(found);
        if !errors.is_empty_untracked() {
            return;
        }
        pending.set(true);
        let (typed_name, typed_email) = (name.get_untracked(), email.get_untracked());
        let current_email = current_email.clone();
        spawn_local(async move {
            let saved = step_up
                .call(Sensitive::AccountCare, || {
                    update_user(id, version, typed_name.clone(), typed_email.clone())
                })
                .await;
            match saved {
                Ok(row) => report.run(Ok(match row.pending_email {
                    Some(new) if new != current_email => format!(
                        "Saved. A confirmation link went to {new}: the address changes once it is followed. The current address was told."
                    ),
                    _ => "Saved.".to_owned(),
                })),
                Err(e) if e.field.is_some() => errors.set([e]),
                Err(e) => report.run(Err(e)),
            }
            pending.set(false);
        });
    };
    let reset = Callback::new(move |()| {
        spawn_local(async move {
            let sent = step_up
                .call(Sensitive::AccountCare, || send_reset_link(id))
                .await;
            report.run(sent.map(|()| {
                "A password reset link is on its way to them by email. It works for 30 minutes."
                    .to_owned()
            }));
        });
    });
    let resend = Callback::new(move |()| {
        spawn_local(async move {
            let sent = step_up
                .call(Sensitive::AccountCare, || send_invitation(id))
                .await;
            report.run(sent.map(|link| {
                invitation.set(Some(link));
                "A new invitation is on its way; the earlier link no longer works.".to_owned()
            }));
        });
    });
    let revoke = Callback::new(move |()| {
        spawn_local(async move {
            let done = step_up
                .call(Sensitive::AccountCare, || revoke_invitation(id))
                .await;
            report.run(done.map(|()| {
                invitation.set(None);
                "The invitation link no longer works.".to_owned()
            }));
        });
    });
    let field = move |id: &'static str, label: &'static str, value: RwSignal<String>, kind| {
        let described = format!("care-{id}-error");
        view! {
            <div class="field">
                <label for=format!("care-{id}")>{label}</label>
                <input
                    id=format!("care-{id}")
                    type=kind
                    prop:value=value
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        errors.clear_field(id);
                    }
                    aria-invalid=move || errors.has(id).to_string()
                    aria-describedby=described.clone()
                />
                <FieldError errors field=id id=described />
            </div>
        }
    };
    view! {
        <section class="card" data-testid="account-care">
            <h2>"Account"</h2>
            <form on:submit=save novalidate=true>
                {field("name", "Name", name, "text")}
                {field("email", "Email", email, "email")}
                <p class="field-hint">
                    "A new address takes effect once its owner follows the confirmation link sent to it."
                </p>
                {user
                    .pending_email
                    .map(|new| {
                        view! {
                            <p class="muted" data-testid="pending-email">
                                {format!("Waiting for {new} to confirm.")}
                            </p>
                        }
                    })}
                <div class="form-actions">
                    <button class="button" type="submit" disabled=move || pending.get() || !active>
                        "Save"
                    </button>
                </div>
            </form>
            <Show when=move || {
                mail_on() && active
            }>
                {if invited {
                    view! {
                        <p data-testid="invitation-state">
                            {user
                                .invitation_expires_at
                                .as_deref()
                                .map_or_else(
                                    || {
                                        "Invited, not yet accepted; no invitation link works now."
                                            .to_owned()
                                    },
                                    |until| {
                                        format!(
                                            "Invited, not yet accepted; the link works until {}.",
                                            local_time(until),
                                        )
                                    },
                                )}
                        </p>
                        <div class="form-actions">
                            <ConfirmButton
                                label="Send a new invitation".to_owned()
                                question="Email a new invitation? The earlier link stops working."
                                    .to_owned()
                                on_confirm=resend
                            />
                            <ConfirmButton
                                label="Revoke the invitation".to_owned()
                                question="Make the invitation link stop working?".to_owned()
                                on_confirm=revoke
                            />
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="form-actions">
                            <ConfirmButton
                                label="Send a password reset link".to_owned()
                                question="Email them a link to choose a new password?".to_owned()
                                on_confirm=reset
                            />
                        </div>
                    }
                        .into_any()
                }}
            </Show>
            {move || {
                invitation
                    .get()
                    .map(|i| {
                        view! {
                            <p>
                                "To send it another way too, copy the link: "
                                <CopyButton text=i.link.clone() test_id="copy-invitation" />
                            </p>
                            <p class="link-box">
                                <code data-testid="invitation-link">{i.link}</code>
                            </p>
                        }
                    })
            }}
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
