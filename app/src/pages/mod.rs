//! One module per page (or area layout).

pub mod account;
pub mod admin;
pub mod client;
pub mod home;
pub mod not_found;
pub mod recovery;
pub mod signin;
