//! Building blocks the pages share.

mod gate;
mod navbar;
mod skeleton;

pub use gate::RoleGate;
pub use navbar::{NavBar, NavLink};
pub use skeleton::Skeleton;
