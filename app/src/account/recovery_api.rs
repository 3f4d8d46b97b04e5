//! The way back in, for people who are not signed in: `POST /api/auth/request_reset`,
//! `reset_password`, `accept_invite`, `confirm_email`, and `mail_features` (whether the
//! forgot-password link is offered). See `service::recovery`.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::model::{LinkInfo, MailFeatures, ResetRequested};
use crate::domain::strength::PasswordStrength;
use crate::error::ApiError;

#[cfg(feature = "ssr")]
use {super::service::recovery, crate::db::account_links::Purpose, crate::state::AppState};

/// `POST /api/auth/mail_features`: what needs mail and is on.
#[server(prefix = "/api/auth", endpoint = "mail_features")]
pub async fn get_mail_features() -> Result<MailFeatures, ApiError> {
    let state = AppState::current()?;
    let on = state.mail.enabled();
    Ok(MailFeatures {
        password_reset: on,
        invitations: on,
    })
}

/// `POST /api/auth/request_reset` with `{"email"}`: the same 200 and body for every address
/// (429 past 20 requests an hour from one address). A known, active account gets an email with
/// a link valid 30 minutes.
#[server(prefix = "/api/auth", endpoint = "request_reset", input = Json)]
pub async fn request_reset(email: String) -> Result<ResetRequested, ApiError> {
    let state = AppState::current()?;
    let client = crate::session::server::guard::request_client(&state)?;
    recovery::request_reset(&state, &client, &email).await
}

/// `POST /api/auth/reset_password` with `{"token", "new_password"}`: sets the password and ends
/// every session of the account; the person then signs in with it. A link that cannot be used:
/// 400 `invalid_link`; a password the policy refuses: 400 naming `new_password` (the link still
/// works).
#[server(prefix = "/api/auth", endpoint = "reset_password", input = Json)]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    let state = AppState::current()?;
    let client = crate::session::server::guard::request_client(&state)?;
    recovery::set_password_by_link(&state, &client, Purpose::Reset, &token, &new_password).await
}

/// `POST /api/auth/accept_invite` with `{"token", "new_password"}`: an invited person chooses
/// their password, as `reset_password` does (an invitation's token only).
#[server(prefix = "/api/auth", endpoint = "accept_invite", input = Json)]
pub async fn accept_invite(token: String, new_password: String) -> Result<(), ApiError> {
    let state = AppState::current()?;
    let client = crate::session::server::guard::request_client(&state)?;
    recovery::set_password_by_link(&state, &client, Purpose::Invite, &token, &new_password).await
}

/// `POST /api/auth/check_link` with `{"token"}`: what a live link is for (`reset`, `invite`,
/// `email_change`), whose it is, and until when; else 400 `invalid_link`.
#[server(prefix = "/api/auth", endpoint = "check_link", input = Json)]
pub async fn check_link(token: String) -> Result<LinkInfo, ApiError> {
    let state = AppState::current()?;
    recovery::check_link(&state, &token).await
}

/// `POST /api/auth/link_strength` with `{"token", "password"}`: the strength meter of the
/// reset and invitation pages (as `/api/account/password_strength`, for the link's owner).
#[server(prefix = "/api/auth", endpoint = "link_strength", input = Json)]
pub async fn link_strength(token: String, password: String) -> Result<PasswordStrength, ApiError> {
    let state = AppState::current()?;
    recovery::link_strength(&state, &token, &password).await
}

/// `POST /api/auth/confirm_email` with `{"token"}`: the account moves to the address the link
/// was sent to; answers that address. 409 when another account took it meanwhile.
#[server(prefix = "/api/auth", endpoint = "confirm_email", input = Json)]
pub async fn confirm_email(token: String) -> Result<String, ApiError> {
    let state = AppState::current()?;
    let client = crate::session::server::guard::request_client(&state)?;
    recovery::confirm_email(&state, &client, &token).await
}
