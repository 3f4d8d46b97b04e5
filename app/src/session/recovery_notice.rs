//! After a sign-in with a recovery code, the app says how many are left, once: the sign-in form
//! (the light page's or the app's) notes the count in this tab's session storage, and the area
//! the app opens reads and forgets it (`components::RecoveryCodesNotice`).

use gloo_storage::{SessionStorage, Storage};

const KEY: &str = "smmm-portal:recovery-codes-left";

/// Notes the count left, for the page the sign-in opens.
pub fn note(left: u64) {
    let _ = SessionStorage::set(KEY, left);
}

/// The count noted, once.
pub fn take() -> Option<u64> {
    let left = SessionStorage::get::<u64>(KEY).ok();
    SessionStorage::delete(KEY);
    left
}
