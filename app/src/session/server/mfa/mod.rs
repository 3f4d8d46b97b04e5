//! The second factor's building blocks: the time-based codes (`totp`), the recovery codes
//! (`recovery`), and the encryption of the secrets at rest (`secret_box`).

pub mod recovery;
pub mod secret_box;
pub mod totp;
