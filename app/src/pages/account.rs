//! Pages every signed-in person has: their profile and password, and their devices.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    account::{
        DeviceSession,
        api::{end_my_other_sessions, end_my_session, my_profile, my_sessions, update_profile},
    },
    components::{
        Answer, ConfirmButton, DeviceSessionRow, FieldError, FormErrors, PasswordForm, TwoStepCard,
        use_step_up,
    },
    domain::Name,
    error::ApiError,
    format::local_time,
    session::{step_up::Sensitive, use_session},
};

/// `/{admin,client}/profile`: name and password.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    let profile = LocalResource::new(move || async move { session.call(my_profile()).await });
    view! {
        <h1>"Your profile"</h1>
        <Answer answer=profile let:p>
            <section class="card">
                <dl class="profile">
                    <dt>"Email"</dt>
                    <dd data-testid="profile-email">{p.email.clone()}</dd>
                    <dt>"Role"</dt>
                    <dd>
                        {
                            let lang = crate::components::use_lang();
                            move || p.role.label(lang.get())
                        }
                    </dd>
                    <dt>"Member since"</dt>
                    <dd>{local_time(&p.created_at)}</dd>
                    <dt>"Password changed"</dt>
                    <dd>{local_time(&p.password_changed_at)}</dd>
                </dl>
            </section>
            <NameForm name=p.name />
            <PasswordForm heading="Password" note="Changing it signs you out everywhere else." />
            <TwoStepCard />
        </Answer>
    }
}

#[component]
fn NameForm(name: String) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(name);
    let errors = FormErrors::new(&["name"]);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        if let Err(e) = Name::parse(&name.get_untracked()) {
            errors.set([e]);
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
            <h2>"Name"</h2>
            <form on:submit=submit novalidate=true>
                <div class="field">
                    <label for="name">"Your name"</label>
                    <input
                        id="name"
                        autocomplete="name"
                        prop:value=name
                        on:input=move |ev| {
                            name.set(event_target_value(&ev));
                            errors.clear();
                        }
                        aria-invalid=move || errors.has("name").to_string()
                        aria-describedby="name-error"
                    />
                    <FieldError errors field="name" id="name-error" />
                </div>
                <div class="form-actions">
                    <button class="button" type="submit" disabled=pending>
                        "Save name"
                    </button>
                    <span class="form-ok" role="status" aria-live="polite">
                        {move || saved.get().then_some("Saved.")}
                    </span>
                </div>
            </form>
        </section>
    }
}

/// `/{admin,client}/sessions`: every device signed in to this account.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let session = use_session();
    let step_up = use_step_up();
    let sessions = LocalResource::new(move || async move { session.call(my_sessions()).await });
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let run = move |action: Action| {
        busy.set(true);
        spawn_local(async move {
            let sensitive = Sensitive::EndOwnSessions;
            let result = match &action {
                Action::End(id) => step_up
                    .call(sensitive, || end_my_session(id.clone(), None))
                    .await
                    .map(|()| "The session has ended.".to_owned()),
                Action::EndOthers => step_up
                    .call(sensitive, || end_my_other_sessions(None))
                    .await
                    .map(|n| format!("{n} other session{} ended.", if n == 1 { "" } else { "s" })),
            };
            match result {
                Ok(text) => {
                    message.set(Some(text));
                    sessions.refetch();
                }
                Err(e) => message.set(Some(e.message)),
            }
            busy.set(false);
        });
    };

    view! {
        <h1>"Your sessions"</h1>
        <p class="muted">"Every browser and device signed in to your account."</p>
        <p
            class="form-message neutral"
            role="status"
            aria-live="polite"
            data-testid="sessions-message"
        >
            {move || message.get()}
        </p>
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
            {(others > 0)
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <ConfirmButton
                                label="End all other sessions".into()
                                question=format!(
                                    "Sign out {others} other device{}?",
                                    if others == 1 { "" } else { "s" },
                                )
                                on_confirm=Callback::new(move |()| run(Action::EndOthers))
                                disabled=busy
                            />
                        </div>
                    }
                })}
        </section>
    }
}
