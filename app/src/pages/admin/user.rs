//! `/admin/users/:id`: one account, its state and role, and where it is signed in.

use std::sync::Arc;

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
        Answer, ConfirmButton, CopyButton, DeviceSessionRow, FormErrors, FormSummary,
        OutcomeMessage, TextField, Time, use_lang, use_local_time, use_step_up,
    },
    domain::{Email, Lang, Name, Role},
    error::ApiError,
    i18n::{Locale, t, t_string, td_string, use_i18n},
    session::{step_up::Sensitive, use_session},
};

use super::users::role_word;

/// How an action went, in whichever language the page shows (it stays on the page).
type Said = Arc<dyn Fn(Locale) -> String + Send + Sync>;

/// Takes a staff action's outcome: says how it went above the page, and shows the user and
/// their sessions afresh.
type Report = Callback<Result<Said, ApiError>>;

/// A fixed sentence as a `Said`.
fn said(words: fn(Locale) -> &'static str) -> Said {
    Arc::new(move |locale| words(locale).to_owned())
}

/// A role inside a Turkish sentence is written in lower case ("personel"); English keeps the
/// stored name ("ADMIN").
fn role_in_sentence(role: Role, lang: Lang) -> String {
    match lang {
        Lang::En => role.as_str().to_owned(),
        Lang::Tr => match role {
            Role::Admin => "personel".to_owned(),
            Role::Client => "müşteri".to_owned(),
        },
    }
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let i18n = use_i18n();
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
    // The tab says whose page it is once it is known.
    crate::components::use_page_title(move |l| {
        user.get()
            .and_then(Result::ok)
            .map(|u| u.name)
            .unwrap_or_else(|| crate::i18n::td_string!(l, nav.users).to_owned())
    });
    let message = RwSignal::new(None::<Result<Said, String>>);
    // A new invitation's link, kept across the reload of the user that follows it.
    let invitation = RwSignal::new(None::<InvitationLink>);
    let report: Report = Callback::new(move |result: Result<Said, ApiError>| {
        message.set(Some(result.map_err(|e| e.message)));
        user.refetch();
        sessions.refetch();
    });

    // Back to the list as it was left (its search, filters, order and page).
    let last_list = use_context::<super::users::LastUserList>();
    view! {
        <p>
            <A href=move || {
                last_list.and_then(|last| last.0.get()).unwrap_or_else(|| "/admin/users".to_owned())
            }>{t!(i18n, admin.all_users)}</A>
        </p>
        <OutcomeMessage
            outcome=Signal::derive(move || {
                message.get().map(|said| said.map(|said| said(i18n.get_locale())))
            })
            dismiss=Callback::new(move |()| message.set(None))
            test_id="user-message"
        />
        <Answer
            answer=user
            children={move |u: UserRow| {
                let id = u.id;
                view! {
                    <UserCard user=u.clone() report />
                    <AccountCare user=u report invitation />
                    <section class="card">
                        <h2>{t!(i18n, admin.sessions_title)}</h2>
                        <Answer answer=sessions let:list>
                            <UserSessions user_id=id list report />
                        </Answer>
                    </section>
                    <p>
                        <A href=format!("/admin/audit?user={id}")>{t!(i18n, admin.user_audit)}</A>
                    </p>
                }
            }}
        />
    }
}

/// The user's details, and what staff can change: whether the account is active, and its role.
#[component]
fn UserCard(user: UserRow, report: Report) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let step_up = use_step_up();
    let (id, version, active, role) = (user.id, user.version, user.active, user.role);
    let other_role = if role == Role::Admin {
        Role::Client
    } else {
        Role::Admin
    };
    let label = move || {
        let words = if active {
            t_string!(i18n, admin.deactivate)
        } else {
            t_string!(i18n, admin.reactivate)
        };
        words.to_owned()
    };
    let question = move || {
        let words = if active {
            t_string!(i18n, admin.deactivate_question)
        } else {
            t_string!(i18n, admin.reactivate_question)
        };
        words.to_owned()
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
                    said(|l| td_string!(l, admin.reactivated))
                } else {
                    said(|l| td_string!(l, admin.deactivated_done))
                }
            }));
        });
    });
    let reset = Callback::new(move |()| {
        spawn_local(async move {
            let done = step_up
                .call(Sensitive::ResetTwoStep, || reset_two_step(id))
                .await;
            report.run(done.map(|()| said(|l| td_string!(l, admin.two_step_reset_done))));
        });
    });
    let set_role = Callback::new(move |()| {
        spawn_local(async move {
            let changed = step_up
                .call(Sensitive::ChangeRole, || {
                    set_user_role(id, other_role, version)
                })
                .await;
            report.run(changed.map(|u| {
                let role = u.role;
                Arc::new(move |l: Locale| {
                    let role = role_word(role, crate::components::of_locale(l));
                    td_string!(l, admin.role_now, role = role)
                }) as Said
            }));
        });
    });
    let last_sign_in = user.last_sign_in_at;
    let local_time = use_local_time();
    view! {
        <h1 data-testid="user-name">{user.name}</h1>
        <section class="card">
            <dl class="profile">
                <dt>{t!(i18n, common.email)}</dt>
                <dd>{user.email}</dd>
                <dt>{t!(i18n, common.role)}</dt>
                <dd data-testid="user-role">{move || role_word(role, lang.get())}</dd>
                <dt>{t!(i18n, common.state)}</dt>
                <dd data-testid="user-state">
                    {if active {
                        view! { <span>{t!(i18n, common.active)}</span> }.into_any()
                    } else {
                        view! {
                            <span class="badge badge-off">{t!(i18n, common.deactivated)}</span>
                        }
                            .into_any()
                    }}
                </dd>
                <dt>{t!(i18n, common.since)}</dt>
                <dd>
                    <Time iso=user.created_at.clone() />
                </dd>
                <dt>{t!(i18n, admin.last_sign_in)}</dt>
                <dd data-testid="user-last-sign-in">
                    {move || {
                        last_sign_in
                            .as_deref()
                            .map(local_time)
                            .unwrap_or_else(|| t_string!(i18n, admin.never).to_owned())
                    }}
                </dd>
            </dl>
            <div class="form-actions">
                <ConfirmButton label question on_confirm=set_active />
                <ConfirmButton
                    label=move || {
                        t_string!(i18n, admin.make_role, role = role_word(other_role, lang.get()))
                    }
                    question=move || {
                        let role = role_in_sentence(other_role, lang.get());
                        t_string!(i18n, admin.make_role_question, role = role)
                    }
                    on_confirm=set_role
                />
                <ConfirmButton
                    label=move || t_string!(i18n, admin.reset_two_step).to_owned()
                    question=move || t_string!(i18n, admin.reset_two_step_question).to_owned()
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
    let i18n = use_i18n();
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
        if errors.refused(found, &ev) {
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
                    Some(new) if new != current_email => Arc::new(move |l: Locale| {
                        td_string!(l, admin.saved_new_email, email = new.clone())
                    }),
                    _ => said(|l| td_string!(l, admin.saved)),
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
            report.run(sent.map(|()| said(|l| td_string!(l, admin.reset_link_sent))));
        });
    });
    let resend = Callback::new(move |()| {
        spawn_local(async move {
            let sent = step_up
                .call(Sensitive::AccountCare, || send_invitation(id))
                .await;
            report.run(sent.map(|link| {
                invitation.set(Some(link));
                said(|l| td_string!(l, admin.invitation_resent))
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
                said(|l| td_string!(l, admin.invitation_revoked))
            }));
        });
    });
    let local_time = use_local_time();
    let until = user.invitation_expires_at.clone();
    view! {
        <section class="card" data-testid="account-care">
            <h2>{t!(i18n, common.account)}</h2>
            <form on:submit=save novalidate=true>
                <TextField
                    field="name"
                    id_prefix="care-"
                    label=|l| td_string!(l, common.name)
                    value=name
                    errors
                />
                <TextField
                    field="email"
                    id_prefix="care-"
                    label=|l| td_string!(l, common.email)
                    value=email
                    errors
                    kind="email"
                    hint=Signal::derive(move || t_string!(i18n, admin.email_hint).to_owned())
                />
                {user
                    .pending_email
                    .map(|new| {
                        view! {
                            <p class="muted" data-testid="pending-email">
                                {move || t_string!(i18n, admin.pending_email, email = new.clone())}
                            </p>
                        }
                    })}
                <FormSummary errors />
                <div class="form-actions">
                    <button class="button" type="submit" disabled=move || pending.get() || !active>
                        {t!(i18n, common.save)}
                    </button>
                </div>
            </form>
            <Show when=move || {
                mail_on() && active
            }>
                {if invited {
                    let until = until.clone();
                    view! {
                        <p data-testid="invitation-state">
                            {move || match &until {
                                Some(until) => {
                                    t_string!(i18n, admin.invited_until, until = local_time(until))
                                }
                                None => t_string!(i18n, admin.invited_no_link).to_owned(),
                            }}
                        </p>
                        <div class="form-actions">
                            <ConfirmButton
                                label=move || t_string!(i18n, admin.resend_invitation).to_owned()
                                question=move || {
                                    t_string!(i18n, admin.resend_invitation_question).to_owned()
                                }
                                on_confirm=resend
                            />
                            <ConfirmButton
                                label=move || t_string!(i18n, admin.revoke_invitation).to_owned()
                                question=move || {
                                    t_string!(i18n, admin.revoke_invitation_question).to_owned()
                                }
                                on_confirm=revoke
                            />
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="form-actions">
                            <ConfirmButton
                                label=move || t_string!(i18n, admin.send_reset).to_owned()
                                question=move || {
                                    t_string!(i18n, admin.send_reset_question).to_owned()
                                }
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
                                {t!(i18n, admin.copy_link)} " "
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
    let i18n = use_i18n();
    let step_up = use_step_up();
    if list.is_empty() {
        return view! {
            <p class="muted" data-testid="no-sessions">
                {t!(i18n, admin.no_sessions)}
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
            report.run(ended.map(|()| said(|l| td_string!(l, admin.session_ended))));
        });
    });
    let end_all = Callback::new(move |()| {
        spawn_local(async move {
            let ended = step_up
                .call(Sensitive::EndUserSessions, || end_user_sessions(user_id))
                .await;
            report.run(ended.map(|n| {
                Arc::new(move |l: Locale| td_string!(l, admin.sessions_ended, count = n)) as Said
            }));
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
                label=move || t_string!(i18n, admin.end_all).to_owned()
                question=move || t_string!(i18n, admin.end_all_question).to_owned()
                on_confirm=end_all
            />
        </div>
    }
    .into_any()
}
