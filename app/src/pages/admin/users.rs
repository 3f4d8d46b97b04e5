//! `/admin/users`: staff find accounts and create client accounts.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_query_map},
};

use crate::account::addresses::{state_of, state_word, user_filter_of, users_href};

use crate::{
    account::{
        InvitationLink, Page, UserFilter, UserRow, UserSort,
        admin_api::{create_client, list_users},
        recovery_api::get_mail_features,
    },
    components::{
        Answer, CopyButton, FieldError, FormErrors, FormSummary, Pager, TextField, Time, use_lang,
        use_local_time, use_step_up,
    },
    domain::{Email, Lang, Name, Password, Role, input::PASSWORD_MIN_CHARS},
    error::ApiError,
    i18n::{Locale, t, t_string, td_string, use_i18n},
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

/// The user list as staff last left it (its address), for the user page's way back.
#[derive(Clone, Copy)]
pub struct LastUserList(pub RwSignal<Option<String>>);

/// How long typing may pause before the list follows the search box.
const SEARCH_PAUSE_MS: i32 = 250;

#[component]
pub fn UsersPage() -> impl IntoView {
    crate::components::use_page_title(|l| crate::i18n::td_string!(l, nav.users).to_owned());
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    // The list's state is the address bar's (see `addresses`).
    let filter = Memo::new(move |_| query.with(user_filter_of));
    let navigate = use_navigate();
    let show = move |filter: UserFilter| {
        let replace = NavigateOptions {
            replace: true,
            scroll: false,
            ..NavigateOptions::default()
        };
        navigate(&users_href(&filter), replace);
    };
    let show = StoredValue::new_local(show);
    let change = move |edit: &dyn Fn(&mut UserFilter)| {
        let mut next = filter.get_untracked();
        edit(&mut next);
        show.with_value(|show| show(next));
    };
    if let Some(LastUserList(last)) = use_context::<LastUserList>() {
        Effect::new(move |_| last.set(Some(filter.with(users_href))));
    }
    // A newer list makes the one still on its way pointless: it is dropped, and with it its
    // request (the browser aborts a server-function call whose future is dropped).
    let in_flight = StoredValue::new_local(None::<futures::future::AbortHandle>);
    let users = LocalResource::new(move || {
        let filter = filter.get();
        if let Some(previous) = in_flight.get_value() {
            previous.abort();
        }
        let (call, handle) = futures::future::abortable(session.call(list_users(filter)));
        in_flight.set_value(Some(handle));
        async move { call.await.unwrap_or_else(|_| Err(ApiError::unavailable())) }
    });
    // The box shows what is typed at once; the list follows once typing pauses, so a name is
    // one request, not one per letter (an answer overtaken by a newer one is dropped).
    let typed = RwSignal::new(filter.get_untracked().query);
    let pause = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    let on_search = move |ev| {
        typed.set(event_target_value(&ev));
        if let Some(handle) = pause.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                pause.set_value(None);
                change(&|f| {
                    f.query = typed.get_untracked();
                    f.page = 1;
                })
            },
            std::time::Duration::from_millis(SEARCH_PAUSE_MS as u64),
        )
        .ok();
        pause.set_value(handle);
    };
    // Back and Forward change the search too.
    Effect::new(move |_| {
        let query = filter.with(|f| f.query.clone());
        if pause.with_value(Option::is_none) && typed.get_untracked() != query {
            typed.set(query);
        }
    });
    on_cleanup(move || {
        if let Some(handle) = pause.get_value() {
            handle.clear();
        }
    });
    view! {
        <h1>{t!(i18n, admin.users_title)}</h1>
        <CreateClientForm on_created=Callback::new(move |()| users.refetch()) />
        <section class="card">
            <div class="filters">
                <div class="field">
                    <label for="user-search">{t!(i18n, admin.search_label)}</label>
                    <input id="user-search" type="search" prop:value=typed on:input=on_search />
                </div>
                <div class="field">
                    <label for="role-filter">{t!(i18n, common.role)}</label>
                    <select
                        id="role-filter"
                        prop:value=move || filter.with(|f| f.role.map_or("", Role::as_str))
                        on:change=move |ev| {
                            let role = Role::parse(&event_target_value(&ev));
                            change(
                                &|f| {
                                    f.role = role;
                                    f.page = 1;
                                },
                            )
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
                        prop:value=move || filter.with(|f| state_word(f.active))
                        on:change=move |ev| {
                            let active = state_of(&event_target_value(&ev));
                            change(
                                &|f| {
                                    f.active = active;
                                    f.page = 1;
                                },
                            )
                        }
                    >
                        <option value="">{t!(i18n, common.any)}</option>
                        <option value=state_word(Some(true))>{t!(i18n, common.active)}</option>
                        <option value=state_word(
                            Some(false),
                        )>{t!(i18n, common.deactivated)}</option>
                    </select>
                </div>
            </div>
            <Answer answer=users let:page>
                <UserTable
                    page
                    sorted=filter.get_untracked()
                    sort=move |sort| {
                        change(
                            &|f| {
                                f.descending = f.sort == sort && !f.descending;
                                f.sort = sort;
                                f.page = 1;
                            },
                        )
                    }
                    go=move |p| change(&|f| f.page = p)
                />
            </Answer>
        </section>
    }
}

/// A column header that orders the list by it: a button inside the `th`, `aria-sort` on it.
#[component]
fn SortHeader(
    label: fn(Locale) -> &'static str,
    by: UserSort,
    sorted: UserFilter,
    sort: impl Fn(UserSort) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = sorted.sort == by;
    let aria_sort = match (current, sorted.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let arrow = match (current, sorted.descending) {
        (false, _) => "",
        (true, false) => " ▲",
        (true, true) => " ▼",
    };
    view! {
        <th aria-sort=aria_sort>
            <button
                type="button"
                class="sort"
                data-testid=format!("sort-{}", by.as_str())
                on:click=move |_| sort(by)
            >
                {move || label(i18n.get_locale())}
                <span aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

#[component]
fn UserTable(
    page: Page<UserRow>,
    /// The filter this page was listed by (for the headers' order marks).
    sorted: UserFilter,
    sort: impl Fn(UserSort) + Copy + Send + Sync + 'static,
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
                        <SortHeader
                            label=|l| td_string!(l, common.name)
                            by=UserSort::Name
                            sorted=sorted.clone()
                            sort
                        />
                        <th>{t!(i18n, common.role)}</th>
                        <th>{t!(i18n, common.state)}</th>
                        <SortHeader
                            label=|l| td_string!(l, common.since)
                            by=UserSort::Created
                            sorted=sorted.clone()
                            sort
                        />
                        <SortHeader
                            label=|l| td_string!(l, admin.last_sign_in)
                            by=UserSort::LastSignIn
                            sorted
                            sort
                        />
                    </tr>
                </thead>
                <tbody>
                    {page
                        .items
                        .into_iter()
                        .map(|u| {
                            let role = u.role;
                            view! {
                                <tr>
                                    <td>
                                        <A href=format!("/admin/users/{}", u.id)>{u.name}</A>
                                        <span class="muted small under">{u.email}</span>
                                    </td>
                                    <td>{move || role_word(role, lang.get())}</td>
                                    <td>
                                        {if u.active {
                                            view! { <span>{t!(i18n, common.active)}</span> }.into_any()
                                        } else {
                                            view! {
                                                <span
                                                    class="badge badge-off"
                                                    data-testid="deactivated-badge"
                                                >
                                                    {t!(i18n, common.deactivated)}
                                                </span>
                                            }
                                                .into_any()
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
                                    <td data-testid="last-sign-in">
                                        {match u.last_sign_in_at.clone() {
                                            Some(at) => view! { <Time iso=at /> }.into_any(),
                                            None => {
                                                view! { <span class="muted">{t!(i18n, admin.never)}</span> }
                                                    .into_any()
                                            }
                                        }}
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
        // Every field checked at once, each marked; the first takes the focus.
        let typed_email = Email::parse(&email.get_untracked());
        let typed_password = match password.get_untracked() {
            p if p.is_empty() || by_invitation => None,
            p => Password::parse_new(&p, typed_email.as_ref().ok()).err(),
        };
        let found: Vec<ApiError> = [
            Name::parse(&name.get_untracked()).err(),
            typed_email.err(),
            typed_password,
        ]
        .into_iter()
        .flatten()
        .collect();
        if errors.refused(found, &ev) {
            return;
        }
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
                <TextField
                    field="name"
                    id_prefix="new-"
                    label=|l| td_string!(l, common.name)
                    value=name
                    errors
                />
                <TextField
                    field="email"
                    id_prefix="new-"
                    label=|l| td_string!(l, common.email)
                    value=email
                    errors
                    kind="email"
                    autocomplete="off"
                />
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
                    <TextField
                        field="password"
                        id_prefix="new-"
                        label=|l| td_string!(l, admin.password_label)
                        value=password
                        errors
                        kind="password"
                        autocomplete="new-password"
                        hint=Signal::derive(move || {
                            t_string!(i18n, recovery.password_hint, min = PASSWORD_MIN_CHARS)
                        })
                    />
                </Show>
                <FormSummary errors />
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
