//! What a signed-in person does to their own account: name, password, confirming with the
//! password. Each returns what the response must carry (a new cookie) instead of setting it.

use chrono::Utc;
use sea_orm::sea_query::Expr;

use super::{load_user, record};
use crate::{
    account::model::Profile,
    db::{self, entities::users},
    domain::{AuditKind, Name, Password, say},
    error::ApiError,
    session::{
        server::guard::{self, Caller},
        server::service::{Proof, StartedSession},
        step_up::Sensitive,
    },
    state::AppState,
};

/// A profile after a change, and the reissued session cookie that shows it at once.
pub struct ProfileChanged {
    pub profile: Profile,
    pub set_cookie: String,
}

/// The caller changes their name; their token is reissued so it shows at once.
pub async fn update_name(
    state: &AppState,
    caller: &Caller,
    raw_name: &str,
) -> Result<ProfileChanged, ApiError> {
    let name = Name::parse(raw_name)?;
    let id = caller.user().id;
    let changed = db::users::update_active_user(
        &state.db,
        id,
        std::iter::once((users::Column::Name, Expr::value(name.as_ref())))
            .chain(db::users::name_columns(name.as_ref(), &caller.user().email))
            .collect(),
    )
    .await?;
    if !changed {
        return Err(ApiError::unauthenticated());
    }
    let user = load_user(state, id).await?;
    let set_cookie = state.sessions.reissue(&caller.session).await?;
    record(
        state,
        caller,
        AuditKind::ProfileUpdated,
        id,
        Some("name changed"),
    )
    .await;
    Ok(ProfileChanged {
        profile: Profile::try_from(&user)?,
        set_cookie,
    })
}

/// The caller changes their password: every session of theirs ends, and this device continues
/// on the fresh session returned (whose cookie the response sets), a full one even when the
/// caller's was limited to this change.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    current_password: &str,
    new_password: &str,
) -> Result<StartedSession, ApiError> {
    let user = load_user(state, caller.user().id).await?;
    let typed = Password::parse(current_password).map_err(|e| ApiError {
        field: Some("current_password".into()),
        ..e
    })?;
    if !state
        .sessions
        .verify_password(&caller.session, &user, &typed)
        .await?
    {
        return Err(ApiError::invalid(
            "current_password",
            say(
                "Mevcut şifreniz hatalı.",
                "The current password is incorrect.",
            ),
        ));
    }
    let new = super::new_password_for(&user, new_password)?;
    if new.expose() == typed.expose() {
        return Err(ApiError::invalid(
            "new_password",
            say(
                "Lütfen mevcut şifrenizden farklı bir şifre seçin.",
                "Choose a password different from the current one.",
            ),
        ));
    }
    let hash = state.sessions.hasher().hash(&new).await?;
    let changed = db::users::update_active_user(
        &state.db,
        user.id,
        vec![
            (users::Column::PasswordHash, Expr::value(hash)),
            (users::Column::PasswordChangedAt, Expr::value(Utc::now())),
            (users::Column::MustChangePassword, Expr::value(false)),
        ],
    )
    .await?;
    if !changed {
        return Err(ApiError::unauthenticated());
    }
    // A reset link asked for before (by the owner or by someone else) must not undo this.
    let links = [
        db::account_links::Purpose::Reset,
        db::account_links::Purpose::Invite,
    ];
    super::recovery::void_links_after_change(state, user.id, &links).await?;
    state
        .sessions
        .revoke_all_for_user(user.id, None, "password changed")
        .await?;
    let started = state
        .sessions
        .start_session(
            &user,
            &caller.client,
            caller.session.keep,
            // A password change does not stand in for a second factor the office requires.
            state.sessions.enrolment_required(
                &user,
                db::second_factors::confirmed_secret(&state.db, user.id)
                    .await?
                    .is_some(),
            ),
            caller.session.amr,
        )
        .await?;
    record(state, caller, AuditKind::PasswordChanged, user.id, None).await;
    Ok(started)
}

/// An action of the caller's own that needs a fresh proof of who they are (`action`): fine
/// within the window, or with the password given now (a step-up, whose cookie the response must
/// set: returned); `403 reauth_required` without it.
pub async fn confirm_fresh(
    state: &AppState,
    caller: &Caller,
    action: Sensitive,
    password: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match password.filter(|p| !p.is_empty()) {
        None => guard::require_fresh(state, caller, action).map(|()| None),
        Some(password) => {
            let (set_cookie, _) = state
                .sessions
                .reauthenticate(&caller.session, &caller.client, Proof::Password(password))
                .await?;
            Ok(Some(set_cookie))
        }
    }
}
