//! `/admin/users`: staff find accounts and create client accounts.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    account::{
        InvitationLink, Page, UserFilter, UserRow,
        admin_api::{create_client, list_users},
        recovery_api::get_mail_features,
    },
    components::{
        Answer, CopyButton, FieldError, FormErrors, Pager, Time, use_lang, use_local_time,
        use_step_up,
    },
    domain::{Email, Lang, Name, Password, Role},
    i18n::{t, t_string, use_i18n},
    session::{step_up::Sensitive, use_session},
};

/// A role as this area names it: the stored name in English (`ADMIN`), the role's own word in
/// Turkish (`Personel`).
pub(super) fn role_word(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::En => role.as_str(),
        Lang::Tr => role.label(lang),
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
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
        <h1>{t!(i18n, admin.users_title)}</h1>
        <CreateClientForm on_created=Callback::new(move |()| users.refetch()) />
        <section class="card">
            <div class="filters">
                <div class="field">
                    <label for="user-search">{t!(i18n, admin.search_label)}</label>
                    <input
                        id="user-search"
                        type="search"
                        prop:value=move || filter.with(|f| f.query.clone())
                        on:input=set_query
                    />
                </div>
                <div class="field">
                    <label for="role-filter">{t!(i18n, common.role)}</label>
                    <select
                        id="role-filter"
                        on:change=move |ev| {
                            filter
                                .update(|f| {
                                    f.role = Role::parse(&event_target_value(&ev));
                                    f.page = 1;
                                })
                        }
                    >
                        <option value="">{t!(i18n, common.any)}</option>
                        <option value="ADMIN">{t!(i18n, admin.role_admin_option)}</option>
                        <option value="CLIENT">{t!(i18n, admin.role_client_option)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="active-filter">{t!(i18n, common.state)}</label>
                    <select
                        id="active-filter"
                        on:change=move |ev| {
                            filter
                                .update(|f| {
                                    f.active = match event_target_value(&ev).as_str() {
                                        "active" => Some(true),
                                        "inactive" => Some(false),
                                        _ => None,
                                    };
                                    f.page = 1;
                                })
                        }
                    >
                        <option value="">{t!(i18n, common.any)}</option>
                        <option value="active">{t!(i18n, common.active)}</option>
                        <option value="inactive">{t!(i18n, common.deactivated)}</option>
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
    let i18n = use_i18n();
    let lang = use_lang();
    let pages = page.pages();
    if page.items.is_empty() {
        return view! {
            <p class="muted" data-testid="no-users">
                {t!(i18n, admin.no_users)}
            </p>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table data-testid="user-table">
                <thead>
                    <tr>
                        <th>{t!(i18n, common.name)}</th>
                        <th>{t!(i18n, common.email)}</th>
                        <th>{t!(i18n, common.role)}</th>
                        <th>{t!(i18n, common.state)}</th>
                        <th>{t!(i18n, common.since)}</th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .items
                        .into_iter()
                        .map(|u| {
                            let (role, active) = (u.role, u.active);
                            view! {
                                <tr>
                                    <td>
                                        <A href=format!("/admin/users/{}", u.id)>{u.name}</A>
                                    </td>
                                    <td>{u.email}</td>
                                    <td>{move || role_word(role, lang.get())}</td>
                                    <td>
                                        {move || {
                                            if active {
                                                t_string!(i18n, common.active)
                                            } else {
                                                t_string!(i18n, common.deactivated)
                                            }
                                        }}
                                        {u
                                            .invited
                                            .then(|| {
                                                view! {
                                                    " "
                                                    <span class="badge" data-testid="invited-badge">
                                                        {t!(i18n, common.invited)}
                                                    </span>
                                                }
                                            })}
                                    </td>
                                    <td>
                                        <Time iso=u.created_at.clone() />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page pages total=page.total go />
    }
    .into_any()
}

/// What creating a client answered, to show once.
#[derive(Clone)]
struct Created {
    email: String,
    generated_password: Option<String>,
    invitation: Option<InvitationLink>,
}

#[component]
fn CreateClientForm(on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let step_up = use_step_up();
    let features = LocalResource::new(get_mail_features);
    let mail_on = move || {
        features
            .get()
            .is_some_and(|answer| answer.is_ok_and(|f| f.invitations))
    };
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // An invitation is the default wherever mail works: nobody hands over a password.
    let invite = RwSignal::new(true);
    let inviting = move || invite.get() && mail_on();
    let errors = FormErrors::new(&["name", "email", "password", "invite"]);
    let created = RwSignal::new(None::<Created>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let by_invitation = invite.get_untracked()
            && features
                .get_untracked()
                .is_some_and(|answer| answer.is_ok_and(|f| f.invitations));
        let checked = Name::parse(&name.get_untracked())
            .and_then(|_| Email::parse(&email.get_untracked()))
            .and_then(|e| match password.get_untracked() {
                p if p.is_empty() || by_invitation => Ok(()),
                p => Password::parse_new(&p, Some(&e)).map(|_| ()),
            });
        if let Err(e) = checked {
            errors.set([e]);
            return;
        }
        errors.clear();
        pending.set(true);
        let typed = Some(password.get_untracked()).filter(|p| !p.is_empty() && !by_invitation);
        let (new_name, new_email) = (name.get_untracked(), email.get_untracked());
        spawn_local(async move {
            let make = || {
                create_client(
                    new_name.clone(),
                    new_email.clone(),
                    typed.clone(),
                    Some(by_invitation),
                )
            };
            match step_up.call(Sensitive::CreateAccount, make).await {
                Ok(c) => {
                    created.set(Some(Created {
                        email: c.user.email,
                        generated_password: c.generated_password,
                        invitation: c.invitation,
                    }));
                    for field in [name, email, password] {
                        field.set(String::new());
                    }
                    on_created.run(());
                }
                Err(e) => errors.set([e]),
            }
            pending.set(false);
        });
    };
    view! {
        <details class="card create-client">
            <summary>{t!(i18n, admin.create_title)}</summary>
            <form on:submit=submit novalidate=true>
                <div class="field">
                    <label for="new-name">{t!(i18n, common.name)}</label>
                    <input
                        id="new-name"
                        prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <FieldError errors field="name" />
                </div>
                <div class="field">
                    <label for="new-email">{t!(i18n, common.email)}</label>
                    <input
                        id="new-email"
                        type="email"
                        autocomplete="off"
                        prop:value=email
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                    <FieldError errors field="email" />
                </div>
                <Show when=mail_on>
                    <fieldset class="field choice">
                        <legend>{t!(i18n, admin.access_legend)}</legend>
                        <label>
                            <input
                                type="radio"
                                name="access"
                                data-testid="access-invite"
                                prop:checked=invite
                                on:change=move |_| invite.set(true)
                            />
                            " "
                            {t!(i18n, admin.access_invite)}
                        </label>
                        <label>
                            <input
                                type="radio"
                                name="access"
                                data-testid="access-password"
                                prop:checked=move || !invite.get()
                                on:change=move |_| invite.set(false)
                            />
                            " "
                            {t!(i18n, admin.access_password)}
                        </label>
                        <FieldError errors field="invite" />
                    </fieldset>
                </Show>
                <Show when=move || !inviting()>
                    <div class="field">
                        <label for="new-password">{t!(i18n, admin.password_label)}</label>
                        <input
                            id="new-password"
                            type="password"
                            autocomplete="new-password"
                            prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                        <FieldError errors field="password" />
                    </div>
                </Show>
                <p class="form-message" role="status" aria-live="polite">
                    {move || errors.form_message()}
                </p>
                <button class="button" type="submit" disabled=pending>
                    {move || {
                        if inviting() {
                            t_string!(i18n, admin.create_and_invite)
                        } else {
                            t_string!(i18n, admin.create_client)
                        }
                    }}
                </button>
            </form>
            {move || {
                created
                    .get()
                    .map(|c| {
                        view! {
                            <div class="notice" role="status" data-testid="created-client">
                                <p>
                                    {move || {
                                        t_string!(i18n, admin.created, email = c.email.clone())
                                    }}
                                </p>
                                {c
                                    .generated_password
                                    .map(|p| {
                                        view! {
                                            <p>
                                                {t!(i18n, admin.their_password)} " "
                                                <code data-testid="generated-password">{p.clone()}</code>
                                                " " <CopyButton text=p />
                                            </p>
                                            <p class="muted">{t!(i18n, admin.choose_own)}</p>
                                        }
                                    })}
                                {c
                                    .invitation
                                    .map(|i| {
                                        view! {
                                            <p>
                                                {t!(i18n, admin.invitation_on_its_way)} " "
                                                <CopyButton text=i.link.clone() test_id="copy-invitation" />
                                            </p>
                                            <p class="link-box">
                                                <code data-testid="invitation-link">{i.link}</code>
                                            </p>
                                            <p class="muted">
                                                {
                                                    let local_time = use_local_time();
                                                    move || {
                                                        t_string!(
                                                            i18n, admin.invitation_until, until = local_time(&i.expires_at)
                                                        )
                                                    }
                                                }
                                            </p>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
        </details>
    }
}
