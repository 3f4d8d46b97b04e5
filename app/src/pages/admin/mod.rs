//! `/admin/*`: the staff area.

mod audit;
mod dashboard;
mod layout;
mod user;
mod users;

pub use audit::AuditPage;
pub use dashboard::AdminDashboard;
pub use layout::AdminLayout;
pub use user::UserDetailPage;
pub use users::UsersPage;
