//! The actions that need a fresh proof of who is acting (step-up): the password again, when the
//! session's last proof (its sign-in, or a step-up since) is older than `REAUTH_WINDOW_SECS`.
//! Declared once here, per action: the server function refuses with `403 reauth_required` on its
//! own (`respond::fresh`), and the page, given the same action, asks in a dialog and retries
//! (`components::StepUp`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitive {
    /// An admin creates an account.
    CreateAccount,
    /// An admin changes someone's role.
    ChangeRole,
    /// An admin deactivates or reactivates an account.
    SetActive,
    /// An admin ends another person's session, or all of them.
    EndUserSessions,
    /// A person ends one or all of their own other sessions.
    EndOwnSessions,
    /// A person sets up two-step sign-in.
    SetUpTwoStep,
    /// An admin turns off someone's two-step sign-in (a lost phone).
    ResetTwoStep,
    /// An admin edits someone's name or email, or sends them a password reset link or an
    /// invitation (or revokes one): each is a way into that account.
    AccountCare,
}
