//! SeaORM entities: one module per table.

pub mod auth_events;
pub mod recovery_codes;
pub mod second_factors;
pub mod sessions;
pub mod sign_in_challenges;
pub mod users;
