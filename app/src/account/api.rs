//! A signed-in person's own account: `/api/account/*`.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::model::{DeviceSession, Profile, RecoveryCodes, TwoStepSetup, TwoStepStatus};
use crate::error::ApiError;

#[cfg(feature = "ssr")]
use {
    super::service::{self, own},
    crate::session::server::guard::set_cookie,
};

/// `POST /api/account/profile`: the caller's profile.
#[server(prefix = "/api/account", endpoint = "profile")]
pub async fn my_profile() -> Result<Profile, ApiError> {
    crate::respond::signed_in(async |state, caller| {
        Profile::try_from(&service::load_user(&state, caller.user().id).await?)
    })
    .await
}

/// `POST /api/account/update_profile` with `{"name": …}`.
#[server(prefix = "/api/account", endpoint = "update_profile", input = Json)]
pub async fn update_profile(name: String) -> Result<Profile, ApiError> {
    crate::respond::signed_in(async |state, caller| {
        let changed = own::update_name(&state, &caller, &name).await?;
        set_cookie(&changed.set_cookie);
        Ok(changed.profile)
    })
    .await
}

/// `POST /api/auth/office`: the office's settings the pages need (its time zone). Open to
/// anyone, signed in or not (under `/api/auth`, which the edge never refuses for want of a
/// session): nothing in it is private.
#[server(prefix = "/api/auth", endpoint = "office")]
pub async fn office() -> Result<super::model::Office, ApiError> {
    let state = crate::state::AppState::current()?;
    Ok((*state.office).clone())
}

/// `POST /api/account/set_language` with `{"lang": "tr"|"en"}`: keeps the caller's language on
/// their profile (their other devices and their emails follow it). The page itself switched
/// already, through the `lang` cookie.
#[server(prefix = "/api/account", endpoint = "set_language", input = Json)]
pub async fn set_language(lang: crate::domain::Lang) -> Result<(), ApiError> {
    crate::respond::signed_in(async |state, caller| {
        Ok(crate::db::users::set_language(&state.db, caller.user().id, lang).await?)
    })
    .await
}

/// `POST /api/account/change_password` with `{"current_password": …, "new_password": …}`.
/// Ends every other session; this device continues on a fresh, full session. The one call a
/// session limited to choosing a new password may make (besides `/api/auth/*`).
#[server(prefix = "/api/account", endpoint = "change_password", input = Json)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    use crate::session::Requirement;
    crate::respond::signed_in_for_step(Requirement::PasswordChange, async |state, caller| {
        let started =
            own::change_password(&state, &caller, &current_password, &new_password).await?;
        set_cookie(&started.set_cookie);
        Ok(())
    })
    .await
}

/// `POST /api/account/sessions`: the caller's signed-in devices.
#[server(prefix = "/api/account", endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<DeviceSession>, ApiError> {
    crate::respond::signed_in(async |state, caller| {
        service::device_sessions(&state, caller.user().id, caller.sid()).await
    })
    .await
}

/// `POST /api/account/end_session` with `{"session_id": …, "password": null | …}`: a step-up
/// action (`Sensitive::EndOwnSessions`), the password given here doing the step-up at once.
#[server(prefix = "/api/account", endpoint = "end_session", input = Json)]
pub async fn end_my_session(session_id: String, password: Option<String>) -> Result<(), ApiError> {
    use crate::session::step_up::Sensitive;
    crate::respond::signed_in(async |state, caller| {
        let action = Sensitive::EndOwnSessions;
        if let Some(cookie) =
            own::confirm_fresh(&state, &caller, action, password.as_deref()).await?
        {
            set_cookie(&cookie);
        }
        service::end_session(&state, caller.user().id, &session_id, "ended by its owner").await
    })
    .await
}

/// `POST /api/account/end_other_sessions` with `{"password": null | …}`: answers how many ended.
#[server(prefix = "/api/account", endpoint = "end_other_sessions", input = Json)]
pub async fn end_my_other_sessions(password: Option<String>) -> Result<usize, ApiError> {
    use crate::session::step_up::Sensitive;
    crate::respond::signed_in(async |state, caller| {
        let action = Sensitive::EndOwnSessions;
        if let Some(cookie) =
            own::confirm_fresh(&state, &caller, action, password.as_deref()).await?
        {
            set_cookie(&cookie);
        }
        state
            .sessions
            .revoke_all_for_user(caller.user().id, Some(caller.sid()), "ended by its owner")
            .await
    })
    .await
}

/// `POST /api/account/password_strength` with `{"password": …, "name": null, "email": null}`:
/// how hard the password would be to guess, and what would make it harder, for the form's
/// feedback as the person types. The name and email given (an admin creating someone's account)
/// or else the caller's own count as words a guesser knows. Also open to a session limited to
/// choosing a new password. Nothing is stored or logged.
#[server(prefix = "/api/account", endpoint = "password_strength", input = Json)]
pub async fn password_strength(
    password: String,
    name: Option<String>,
    email: Option<String>,
) -> Result<crate::domain::strength::PasswordStrength, ApiError> {
    use crate::{
        domain::{Password, strength},
        session::Requirement,
    };
    crate::respond::signed_in_for_step(Requirement::PasswordChange, async |_, caller| {
        let password = Password::parse(&password)?;
        let user = caller.user();
        let owner = strength::Owner {
            name: Some(name.as_deref().unwrap_or(&user.name)),
            email: Some(email.as_deref().unwrap_or(&user.email)),
        };
        Ok(strength::assess(password.expose(), owner))
    })
    .await
}

/// `POST /api/account/two_step`: whether two-step sign-in is on for the caller.
#[server(prefix = "/api/account", endpoint = "two_step")]
pub async fn my_two_step() -> Result<TwoStepStatus, ApiError> {
    use crate::session::Requirement;
    crate::respond::signed_in_for_step(Requirement::TwoStepEnrolment, async |state, caller| {
        let id = caller.user().id;
        let row = crate::db::second_factors::find(&state.db, id).await?;
        let enabled_at = row.and_then(|r| r.secret.and(r.confirmed_at));
        Ok(TwoStepStatus {
            available: state.sessions.two_step_available(),
            enabled: enabled_at.is_some(),
            enabled_at: enabled_at.map(crate::db::rfc3339),
            recovery_codes_left: crate::db::second_factors::recovery_codes_left(&state.db, id)
                .await?,
        })
    })
    .await
}

/// `POST /api/account/two_step_start` (step-up): a new secret for the authenticator app, pending
/// until `two_step_confirm`. 409 when two-step sign-in is on already. Also open to a session
/// limited to setting it up (as are `two_step` and `two_step_confirm`).
#[server(prefix = "/api/account", endpoint = "two_step_start")]
pub async fn two_step_start() -> Result<TwoStepSetup, ApiError> {
    use crate::session::{Requirement, server::guard, step_up::Sensitive};
    crate::respond::signed_in_for_step(Requirement::TwoStepEnrolment, async |state, caller| {
        guard::require_fresh(&state, &caller, Sensitive::SetUpTwoStep)?;
        let user = service::load_user(&state, caller.user().id).await?;
        let enrolment = state.sessions.start_enrolment(&user).await?;
        Ok(TwoStepSetup {
            otpauth_uri: enrolment.otpauth_uri,
            secret: enrolment.secret,
            qr_svg: enrolment.qr_svg,
        })
    })
    .await
}

/// `POST /api/account/two_step_confirm` with `{"code": …}`: the app's current code turns
/// two-step sign-in on; answers the 10 recovery codes, shown this once. A session limited to
/// setting it up becomes a full one (its new cookie in the answer).
#[server(prefix = "/api/account", endpoint = "two_step_confirm", input = Json)]
pub async fn two_step_confirm(code: String) -> Result<RecoveryCodes, ApiError> {
    use crate::session::Requirement;
    let step = Requirement::TwoStepEnrolment;
    crate::respond::signed_in_for_step(step, async |state, caller| {
        let user = service::load_user(&state, caller.user().id).await?;
        let codes = state
            .sessions
            .confirm_enrolment(&user, &caller.client, &code)
            .await?;
        // Two-step sign-in is on now: its codes are shown whatever happens to this session
        // (ended meanwhile, it is found out by its next call).
        if let Ok(Some(cookie)) = state.sessions.lift_requirement(&caller.session, step).await {
            set_cookie(&cookie);
        }
        Ok(RecoveryCodes { codes })
    })
    .await
}

/// `POST /api/account/two_step_disable` with `{"password": …, "code": …}`: turns two-step
/// sign-in off (the code from the app, or a recovery code).
#[server(prefix = "/api/account", endpoint = "two_step_disable", input = Json)]
pub async fn two_step_disable(password: String, code: String) -> Result<(), ApiError> {
    crate::respond::signed_in(async |state, caller| {
        let user = service::load_user(&state, caller.user().id).await?;
        state
            .sessions
            .disable_two_step(&caller.session, &user, &caller.client, &password, &code)
            .await
    })
    .await
}

/// `POST /api/account/two_step_recovery_codes` with `{"password": …, "code": …}`: 10 new
/// recovery codes; the old ones stop working.
#[server(prefix = "/api/account", endpoint = "two_step_recovery_codes", input = Json)]
pub async fn two_step_recovery_codes(
    password: String,
    code: String,
) -> Result<RecoveryCodes, ApiError> {
    crate::respond::signed_in(async |state, caller| {
        let user = service::load_user(&state, caller.user().id).await?;
        let codes = state
            .sessions
            .new_recovery_codes(&caller.session, &user, &caller.client, &password, &code)
            .await?;
        Ok(RecoveryCodes { codes })
    })
    .await
}
