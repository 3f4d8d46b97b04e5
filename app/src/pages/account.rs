//! Pages every signed-in person has: their profile and password, and their devices.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    account::{
        DeviceSession, Profile,
        api::{end_my_other_sessions, end_my_session, my_profile, my_sessions, update_profile},
    },
    components::{
        Answer, ConfirmButton, DeviceSessionRow, FormErrors, OutcomeMessage, PasswordForm,
        TextField, Time, TwoStepCard, use_step_up,
    },
    domain::Name,
    error::ApiError,
    i18n::{t, t_string, td_string, use_i18n},
    session::{step_up::Sensitive, use_session},
};

/// `/{admin,client}/profile`: name and password.
#[component]
pub fn ProfilePage() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.profile).to_owned());
    let i18n = use_i18n();
    let session = use_session();
    let profile = LocalResource::new(move || async move { session.call(my_profile()).await });
    view! {
        <h1>{t!(i18n, account.profile_title)}</h1>
        <Answer
            answer=profile
            children=move |p: Profile| {
                let changed_at = RwSignal::new(p.password_changed_at.clone());
                let lang = crate::components::use_lang();
                // Set again by a change below, so the date is right at once.
                view! {
                    <section class="card">
                        <dl class="profile">
                            <dt>{t!(i18n, account.email)}</dt>
                            <dd data-testid="profile-email">{p.email.clone()}</dd>
                            <dt>{t!(i18n, account.role)}</dt>
                            <dd>{move || p.role.label(lang.get())}</dd>
                            <dt>{t!(i18n, account.member_since)}</dt>
                            <dd>
                                <Time iso=p.created_at.clone() />
                            </dd>
                            <dt>{t!(i18n, account.password_changed_at)}</dt>
                            <dd data-testid="password-changed-at">
                                {move || view! { <Time iso=changed_at.get() /> }}
                            </dd>
                        </dl>
                    </section>
                    <NameForm name=p.name.clone() />
                    <PasswordForm
                        heading=move || t_string!(i18n, account.password_heading)
                        note=move || t_string!(i18n, account.password_note)
                        on_changed=Callback::new(move |()| {
                            changed_at.set(String::from(js_sys::Date::new_0().to_iso_string()))
                        })
                    />
                    <TwoStepCard />
                }
            }
        />
    }
}

#[component]
fn NameForm(name: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(name);
    let errors = FormErrors::new(&["name"]);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        if errors.refused(Name::parse(&name.get_untracked()).err(), &ev) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match session.call(update_profile(name.get_untracked())).await {
                Ok(p) => {
                    name.set(p.name);
                    errors.clear();
                    saved.set(true);
                    session.update();
                }
                // The form has one field: whatever went wrong shows under it.
                Err(e) => errors.set([ApiError {
                    field: Some("name".to_owned()),
                    ..e
                }]),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, account.name_heading)}</h2>
            <form on:submit=submit novalidate=true>
                <TextField
                    field="name"
                    label=|l| td_string!(l, account.your_name)
                    value=name
                    errors
                    autocomplete="name"
                />
                <div class="form-actions">
                    <button class="button" type="submit" disabled=pending>
                        {t!(i18n, account.save_name)}
                    </button>
                    <span class="form-ok" role="status" aria-live="polite">
                        {move || saved.get().then(|| t_string!(i18n, account.saved))}
                    </span>
                </div>
            </form>
        </section>
    }
}

/// `/{admin,client}/sessions`: every device signed in to this account.
#[component]
pub fn SessionsPage() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.sessions).to_owned());
    let i18n = use_i18n();
    let session = use_session();
    let step_up = use_step_up();
    let sessions = LocalResource::new(move || async move { session.call(my_sessions()).await });
    let message = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);

    let run = move |action: Action| {
        busy.set(true);
        spawn_local(async move {
            let sensitive = Sensitive::EndOwnSessions;
            let result = match &action {
                Action::End(id) => step_up
                    .call(sensitive, || end_my_session(id.clone(), None))
                    .await
                    .map(|()| t_string!(i18n, account.session_ended).to_owned()),
                Action::EndOthers => step_up
                    .call(sensitive, || end_my_other_sessions(None))
                    .await
                    .map(|n| {
                        if n == 1 {
                            t_string!(i18n, account.other_ended_1).to_owned()
                        } else {
                            t_string!(i18n, account.others_ended, count = n)
                        }
                    }),
            };
            match result {
                Ok(text) => {
                    message.set(Some(Ok(text)));
                    sessions.refetch();
                }
                Err(e) => message.set(Some(Err(e.message))),
            }
            busy.set(false);
        });
    };

    view! {
        <h1>{t!(i18n, account.sessions_title)}</h1>
        <p class="muted">{t!(i18n, account.sessions_intro)}</p>
        <OutcomeMessage
            outcome=message.into()
            dismiss=Callback::new(move |()| message.set(None))
            test_id="sessions-message"
        />
        <Answer answer=sessions let:list>
            <SessionList list run busy />
        </Answer>
    }
}

#[derive(Clone, Debug)]
enum Action {
    End(String),
    EndOthers,
}

#[component]
fn SessionList(
    list: Vec<DeviceSession>,
    run: impl Fn(Action) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let others = list.iter().filter(|s| !s.current).count();
    view! {
        <section class="card">
            <ul class="sessions" data-testid="session-list">
                {list
                    .into_iter()
                    .map(|s| {
                        view! {
                            <DeviceSessionRow
                                session=s
                                own=true
                                busy
                                on_end=Callback::new(move |id| run(Action::End(id)))
                            />
                        }
                    })
                    .collect_view()}
            </ul>
            // Made again in the other language when it changes (the button takes plain words).
            {move || {
                (others > 0)
                    .then(|| {
                        let question = if others == 1 {
                            t_string!(i18n, account.end_others_question_1).to_owned()
                        } else {
                            t_string!(i18n, account.end_others_question, count = others)
                        };
                        view! {
                            <div class="form-actions">
                                <ConfirmButton
                                    label=t_string!(i18n, account.end_others).to_owned()
                                    question
                                    on_confirm=Callback::new(move |()| run(Action::EndOthers))
                                    disabled=busy
                                />
                            </div>
                        }
                    })
            }}
        </section>
    }
}
