//! The demo accounts: one ADMIN, one CLIENT. Their passwords are public (README) and meant
//! for trying the portal on a laptop, never for a real deployment.

use app::{
    db::{self, users::CreateUserError},
    domain::Role,
    domain::{Email, Name, Password},
    state::AppState,
};

/// DEMO credentials, published in the README. Not secrets.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 2] = [
    (
        "admin@smmm.example",
        "Demo Admin",
        "demo-admin-pass-2026",
        Role::Admin,
    ),
    (
        "client@smmm.example",
        "Demo Client",
        "demo-client-pass-2026",
        Role::Client,
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Invalid(String),
}

/// Seeds the demo accounts only when the database has no users at all.
pub async fn seed_demo_if_empty(state: &AppState) -> Result<bool, SeedError> {
    if db::users::count(&state.db).await? > 0 {
        return Ok(false);
    }
    Ok(seed_demo(state).await? > 0)
}

/// Creates whichever demo accounts are missing; answers how many it created.
pub async fn seed_demo(state: &AppState) -> Result<usize, SeedError> {
    let mut created = 0;
    for (email, name, password, role) in DEMO_ACCOUNTS {
        let invalid = |e: app::error::ApiError| SeedError::Invalid(e.message);
        let email = Email::parse(email).map_err(invalid)?;
        let name = Name::parse(name).map_err(invalid)?;
        let password = Password::parse_new(password, Some(&email)).map_err(invalid)?;
        let hash = state
            .sessions
            .hasher()
            .hash(&password)
            .await
            .map_err(invalid)?;
        match db::users::create(&state.db, &email, &name, hash, role).await {
            Ok(_) => created += 1,
            Err(CreateUserError::DuplicateEmail) => {}
            Err(CreateUserError::Db(err)) => return Err(err.into()),
        }
    }
    Ok(created)
}

pub fn print_demo_accounts() {
    println!("DEMO accounts (for trying the portal only; never use them in production):");
    for (email, _, password, role) in DEMO_ACCOUNTS {
        println!("  {:<6}  {email}  /  {password}", role.as_str());
    }
}
