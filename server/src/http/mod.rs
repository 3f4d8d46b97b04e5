//! The HTTP surface: routes and their middleware.

pub mod api;
pub mod csrf;
pub mod edge;
pub mod errors;
pub mod events;
pub mod fast_path;
pub mod health;
pub mod office_page;
pub mod request_log;
pub mod security;
pub mod static_files;
