//! The portal's vocabulary, shared by every layer and both sides: roles, audit event kinds and
//! the input types. It depends on nothing but `error`, so `db/`, `session/`, `account/` and the
//! pages can all depend on it without depending on each other.

pub mod audit_detail;
pub mod audit_kind;
pub mod fold;
pub mod input;
pub mod lang;
pub mod role;
pub mod strength;

pub use audit_kind::AuditKind;
pub use input::{Email, Name, Password};
pub use lang::{Lang, say};
pub use role::Role;
