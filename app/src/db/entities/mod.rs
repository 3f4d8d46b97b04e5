//! SeaORM entities: one module per table.

pub mod account_links;
pub mod auth_events;
pub mod outgoing_mail;
pub mod recovery_codes;
pub mod second_factors;
pub mod sessions;
pub mod sign_in_challenges;
pub mod users;
