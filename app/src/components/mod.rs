//! Building blocks the pages share.

mod answer;
mod confirm;
mod gate;
mod layout;
mod navbar;
mod skeleton;

pub use answer::Answer;
pub use confirm::ConfirmButton;
pub use gate::RoleGate;
pub use layout::AreaLayout;
pub use navbar::{NavBar, NavLink};
pub use skeleton::Skeleton;
