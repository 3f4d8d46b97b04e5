//! SeaORM entities: one module per table.

pub mod auth_events;
pub mod sessions;
pub mod users;
