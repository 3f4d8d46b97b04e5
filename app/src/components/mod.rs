//! Building blocks the pages share.

mod confirm;
mod gate;
mod navbar;
mod skeleton;

pub use confirm::ConfirmButton;
pub use gate::RoleGate;
pub use navbar::{NavBar, NavLink};
pub use skeleton::Skeleton;
