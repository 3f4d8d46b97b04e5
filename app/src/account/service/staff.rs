//! What staff do to other people's accounts: create clients, change a role or the active flag,
//! list users and read the audit log. The callers are checked as `Role::Admin` by `admin_api`.

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::Expr;

use super::{PER_PAGE, check_page, load_user, record, recovery};
use crate::{
    account::model::{
        AuditFilter, AuditLogPage, CreatedUser, InvitationLink, Page, UserFilter, UserRow,
    },
    dashboard::queries::audit_entries,
    db::{
        self,
        account_links::{self, Purpose},
        audit,
        entities::users,
        rfc3339,
        users::{AdminCreateError, ChangeError, CreateUserError, UserChange},
    },
    domain::{AuditKind, Email, Name, Password, Role, say, strength},
    error::ApiError,
    mail::letters,
    session::server::guard::Caller,
    state::AppState,
};

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: String = (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    // Groups of four read and type more easily.
    chars
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// How a new client gets into their account.
pub enum FirstAccess<'a> {
    /// The admin typed a password for them.
    Password(&'a str),
    /// A password is generated and shown once; its owner replaces it at the first sign-in.
    Generated,
    /// An email invites them to choose their own (the link is also shown, to send another way).
    Invitation,
}

/// A new client account.
pub async fn create_client(
    state: &AppState,
    admin: &Caller,
    raw_name: &str,
    raw_email: &str,
    access: FirstAccess<'_>,
) -> Result<CreatedUser, ApiError> {
    let name = Name::parse(raw_name)?;
    let email = Email::parse(raw_email)?;
    let (password, generated) = match access {
        FirstAccess::Password(raw) => {
            let password = Password::parse_new(raw, Some(&email))?;
            strength::check(&password, strength::Owner::of(&name, &email))?;
            (password, None)
        }
        FirstAccess::Generated => {
            let generated = random_password();
            (
                Password::parse_new(&generated, Some(&email))?,
                Some(generated),
            )
        }
        FirstAccess::Invitation => {
            if !state.mail.enabled() {
                return Err(ApiError::invalid(
                    "invite",
                    say(
                        "Bu portal e-posta göndermiyor: müşteriye bunun yerine bir şifre verin.",
                        "This portal sends no email: give the client a password instead.",
                    ),
                ));
            }
            // Nobody knows this one: the account opens only through the invitation.
            let unknowable = format!("{}{}", random_password(), random_password());
            (Password::parse_new(&unknowable, Some(&email))?, None)
        }
    };
    let invited = matches!(access, FirstAccess::Invitation);
    let hash = state.sessions.hasher().hash(&password).await?;
    // A generated password is only a first one: its owner chooses their own at the first
    // sign-in (a session limited to that until it is done).
    let new = db::users::NewUser {
        email: &email,
        name: &name,
        password_hash: hash,
        role: Role::Client,
        must_change_password: generated.is_some(),
        invited,
    };
    let created = db::users::create_by_admin(&state.db, admin.actor(), new);
    let user = match created.await {
        Ok(user) => user,
        Err(AdminCreateError::ActorGone) => return Err(ApiError::unauthenticated()),
        Err(AdminCreateError::Create(CreateUserError::DuplicateEmail)) => {
            return Err(ApiError::invalid("email", email_taken()));
        }
        Err(AdminCreateError::Create(CreateUserError::Db(err))) => return Err(err.into()),
    };
    let detail = format!("created by user #{}", admin.user().id);
    record(state, admin, AuditKind::UserCreated, user.id, Some(&detail)).await;
    let invitation = if invited {
        Some(invite(state, admin, &user).await?)
    } else {
        None
    };
    Ok(CreatedUser {
        user: UserRow::try_from(&user)?,
        generated_password: generated,
        invitation,
    })
}

/// Emails `user` a new invitation link (voiding the one before) and answers it for staff to
/// copy.
async fn invite(
    state: &AppState,
    admin: &Caller,
    user: &users::Model,
) -> Result<InvitationLink, ApiError> {
    let by = Some(admin.user().id);
    // The office's language unless the person chose one (an invited client has not yet).
    let lang = state.mail.language_for(user, None);
    let (link, expires_at) =
        recovery::email_link(state, user.id, Purpose::Invite, None, by, |link| {
            let days = recovery::INVITE_DAYS;
            let letter = letters::invitation(lang, &user.name, &user.email, link, days);
            vec![(letter, user.email.clone())]
        })
        .await?;
    let detail = format!("by user #{}", admin.user().id);
    record(
        state,
        admin,
        AuditKind::InvitationSent,
        user.id,
        Some(&detail),
    )
    .await;
    Ok(InvitationLink {
        link,
        expires_at: rfc3339(expires_at),
    })
}

/// An active account still waiting for its invitation to be accepted, or 409.
async fn invited_user(state: &AppState, user_id: i64) -> Result<users::Model, ApiError> {
    let user = load_user(state, user_id).await?;
    if !user.active {
        return Err(deactivated());
    }
    if user.invited_at.is_none() {
        return Err(ApiError::conflict(say(
            "Bu kişi şifresini zaten belirlemiş. Bunun yerine bir şifre sıfırlama bağlantısı gönderin.",
            "This person has already chosen a password. Send a password reset link instead.",
        )));
    }
    Ok(user)
}

/// A new invitation for an account that has not accepted one (the old link stops working).
pub async fn send_invitation(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
) -> Result<InvitationLink, ApiError> {
    recovery::require_mail(state)?;
    let user = invited_user(state, user_id).await?;
    invite(state, admin, &user).await
}

/// Voids the pending invitation link; 409 when there is none.
pub async fn revoke_invitation(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
) -> Result<(), ApiError> {
    let user = invited_user(state, user_id).await?;
    let now = Utc::now();
    // Only a link that still works can be revoked (an expired one is gone already).
    let live = account_links::pending(&state.db, user.id, Purpose::Invite, now).await?;
    if live.is_none() {
        return Err(ApiError::conflict(say(
            "Bu hesap için bekleyen bir davet bağlantısı yok.",
            "No invitation link is waiting for this account.",
        )));
    }
    account_links::void(&state.db, user.id, &[Purpose::Invite], now).await?;
    let detail = format!("by user #{}", admin.user().id);
    record(
        state,
        admin,
        AuditKind::InvitationRevoked,
        user.id,
        Some(&detail),
    )
    .await;
    Ok(())
}

/// Emails the user a password reset link, as "Forgot password?" would.
pub async fn send_reset_link(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
) -> Result<(), ApiError> {
    recovery::require_mail(state)?;
    let user = load_user(state, user_id).await?;
    if !user.active {
        return Err(deactivated());
    }
    if user.invited_at.is_some() {
        return Err(ApiError::conflict(say(
            "Bu kişi daveti henüz kabul etmedi. Bunun yerine yeni bir davet gönderin.",
            "This person has not accepted the invitation yet. Send a new invitation instead.",
        )));
    }
    let email = Email::parse(&user.email)?;
    let asked = recovery::Asked::ByStaff(admin.user().id);
    if recovery::send_reset_link(state, &admin.client, &email, asked).await? {
        Ok(())
    } else {
        Err(ApiError::too_many(
            &say(
                "Son bir saatte bu hesaba birkaç sıfırlama bağlantısı gönderildi: kişiden en yenisini kullanmasını isteyin.",
                "Several reset links went to this account in the last hour: ask the person to use the newest one.",
            ),
            60 * 60,
        ))
    }
}

/// The user detail: the row, and what is pending for it (an invitation, an email change).
pub async fn user_detail(state: &AppState, user_id: i64) -> Result<UserRow, ApiError> {
    let user = load_user(state, user_id).await?;
    let now = Utc::now();
    let mut row = UserRow::try_from(&user)?;
    row.invitation_expires_at = account_links::pending(&state.db, user.id, Purpose::Invite, now)
        .await?
        .map(|link| rfc3339(link.expires_at));
    row.pending_email = account_links::pending(&state.db, user.id, Purpose::EmailChange, now)
        .await?
        .and_then(|link| link.new_email);
    Ok(row)
}

/// Staff correct a user's name (at once) and email (only once the new address confirms: a
/// link goes to it, a notice to the old one). Against the `version` the admin saw.
pub async fn update_user(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
    version: i64,
    raw_name: &str,
    raw_email: &str,
) -> Result<UserRow, ApiError> {
    let name = Name::parse(raw_name)?;
    let email = Email::parse(raw_email)?;
    let user = load_user(state, user_id).await?;
    if !user.active {
        return Err(deactivated());
    }
    if user.version != version {
        return Err(stale());
    }
    let email_changes = email.as_ref() != user.email;
    if email_changes {
        recovery::require_mail(state).map_err(|_| {
            ApiError::invalid(
                "email",
                say(
                    "E-posta adresi yalnızca yeni adrese gönderilen bir bağlantıyla değiştirilebilir ve bu portal e-posta göndermiyor.",
                    "An email address changes only through a link sent to the new address, and this portal sends no email.",
                ),
            )
        })?;
        if db::users::find_by_email(&state.db, &email).await?.is_some() {
            return Err(ApiError::invalid("email", email_taken()));
        }
    }
    let by = format!("by user #{}", admin.user().id);
    if name.as_ref() != user.name {
        let renamed = db::users::update_active_user_at_version(
            &state.db,
            user.id,
            version,
            std::iter::once((users::Column::Name, Expr::value(name.as_ref())))
                .chain(db::users::name_columns(name.as_ref(), &user.email))
                .collect(),
        )
        .await?;
        if !renamed {
            return Err(stale());
        }
        let detail = format!("name changed {by}");
        record(
            state,
            admin,
            AuditKind::ProfileUpdated,
            user.id,
            Some(&detail),
        )
        .await;
    }
    if email_changes {
        let (new, name) = (email.as_ref(), name.as_ref());
        // Staff asked, not the person: their own language, else the office's.
        let lang = state.mail.language_for(&user, None);
        // The link to the new address; a notice, without it, to the old one.
        let write = |link: &str| {
            let hours = recovery::EMAIL_CHANGE_HOURS;
            vec![
                (
                    letters::email_change_confirmation(lang, name, link, hours),
                    new.to_owned(),
                ),
                (
                    letters::email_change_notice(lang, name, new),
                    user.email.clone(),
                ),
            ]
        };
        let admin_id = Some(admin.user().id);
        recovery::email_link(
            state,
            user.id,
            Purpose::EmailChange,
            Some(new),
            admin_id,
            write,
        )
        .await?;
        let detail = format!("to {} {by}", email.as_ref());
        record(
            state,
            admin,
            AuditKind::EmailChangeRequested,
            user.id,
            Some(&detail),
        )
        .await;
    }
    user_detail(state, user.id).await
}

fn stale() -> ApiError {
    ApiError::conflict(say(
        "Bu hesap bu arada başka biri tarafından değiştirildi. Sayfayı yenileyip yeniden deneyin.",
        "This account was changed by someone else in the meantime. Reload it and try again.",
    ))
}

fn deactivated() -> ApiError {
    ApiError::conflict(say(
        "Bu hesap devre dışı. Önce yeniden etkinleştirin.",
        "This account is deactivated. Reactivate it first.",
    ))
}

fn email_taken() -> String {
    say(
        "Bu e-posta adresiyle kayıtlı bir hesap zaten var.",
        "An account with this email already exists.",
    )
}

/// An admin's change of a user's role or active flag; either ends every session of the user.
pub async fn change_user(
    state: &AppState,
    admin: &Caller,
    user_id: i64,
    version: i64,
    change: UserChange,
) -> Result<UserRow, ApiError> {
    let before = load_user(state, user_id).await?;
    let user = db::users::admin_change(&state.db, admin.actor(), user_id, version, change)
        .await
        .map_err(|err| match err {
            ChangeError::ActorGone => ApiError::unauthenticated(),
            ChangeError::NotFound => ApiError::not_found(),
            ChangeError::Stale => stale(),
            ChangeError::LastAdmin => ApiError::conflict(say(
                "Bu değişiklikle büroda etkin bir yönetici kalmaz. Önce başka bir kullanıcıyı yönetici yapın.",
                "This would leave the office without an active admin. Make another user an admin first.",
            )),
            ChangeError::UnreadableRole(err) => err.into(),
            ChangeError::Db(err) => err.into(),
        })?;
    let role_changed = before.role != user.role;
    let active_changed = before.active != user.active;
    if role_changed || active_changed {
        let reason = if role_changed {
            "role changed"
        } else {
            "account deactivated"
        };
        if active_changed && !user.active {
            // Before the sessions: a link must not outlive the deactivation, nor come back
            // with a reactivation.
            let every = [Purpose::Reset, Purpose::Invite, Purpose::EmailChange];
            recovery::void_links_after_change(state, user_id, &every).await?;
        }
        state
            .sessions
            .revoke_all_for_user(user_id, None, reason)
            .await?;
    }
    let detail = format!("by user #{}", admin.user().id);
    if role_changed {
        let detail = format!("{} → {} {detail}", before.role, user.role);
        record(state, admin, AuditKind::RoleChanged, user_id, Some(&detail)).await;
    }
    if active_changed {
        let kind = if user.active {
            AuditKind::UserReactivated
        } else {
            AuditKind::UserDeactivated
        };
        record(state, admin, kind, user_id, Some(&detail)).await;
    }
    UserRow::try_from(&user)
}

pub async fn list_users(state: &AppState, filter: &UserFilter) -> Result<Page<UserRow>, ApiError> {
    if filter.query.chars().count() > 100 {
        return Err(ApiError::invalid(
            "query",
            say(
                "Arama metni en fazla 100 karakter olabilir.",
                "Search for at most 100 characters.",
            ),
        ));
    }
    let page = check_page(filter.page)?;
    let (users, total) = db::users::list(&state.db, filter, page, PER_PAGE).await?;
    Ok(Page {
        items: users
            .iter()
            .map(UserRow::try_from)
            .collect::<Result<_, _>>()?,
        page,
        per_page: PER_PAGE,
        total,
    })
}

/// The audit log's total stops counting here ("10,000+").
pub const AUDIT_COUNT_CAP: u64 = 10_000;

pub async fn audit_log(state: &AppState, filter: &AuditFilter) -> Result<AuditLogPage, ApiError> {
    if filter.kind == Some(AuditKind::Other) {
        return Err(ApiError::invalid(
            "kind",
            say("Bilinmeyen olay türü.", "Unknown event kind."),
        ));
    }
    if filter.before.is_some_and(|id| id < 1) {
        return Err(ApiError::invalid(
            "before",
            say(
                "Bu, denetim kaydında geçerli bir konum değil: en yeni olaylardan başlayın.",
                "That is not a place in the audit log: start from the newest events.",
            ),
        ));
    }
    let moment = |field: &'static str, value: &Option<String>| {
        value
            .as_deref()
            .map(|text| {
                chrono::DateTime::parse_from_rfc3339(text)
                    .map(|at| at.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        ApiError::invalid(
                            field,
                            say(
                                "Tarih anlaşılamadı: bir gün seçin.",
                                "That date could not be read: choose a day.",
                            ),
                        )
                    })
            })
            .transpose()
    };
    let (since, until) = (
        moment("since", &filter.since)?,
        moment("until", &filter.until)?,
    );
    if let (Some(since), Some(until)) = (since, until)
        && until <= since
    {
        return Err(ApiError::invalid(
            "until",
            say(
                "Bitiş günü, başlangıç gününden önce olamaz.",
                "The last day cannot come before the first.",
            ),
        ));
    }
    let which = audit::Filter {
        user_id: filter.user_id,
        kind: filter.kind,
        since,
        until,
    };
    // One more than a page: whether there is a next page, without a second query.
    let mut events = audit::list(&state.db, which, filter.before, PER_PAGE + 1).await?;
    let next = if events.len() as u64 > PER_PAGE {
        events.truncate(PER_PAGE as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    let (total, total_capped) = audit::count_capped(&state.db, which, AUDIT_COUNT_CAP).await?;
    Ok(AuditLogPage {
        items: audit_entries(&state.db, events).await?,
        next,
        per_page: PER_PAGE,
        total,
        total_capped,
    })
}
