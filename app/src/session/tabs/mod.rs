//! Cross-tab messages: every tab of a browser hears when another signs in, signs out or
//! changes the session, and asks the server what that means for it. The message format is
//! shared; the channel that carries it is browser-only.

#[cfg(feature = "csr")]
mod channel;
mod message;

#[cfg(feature = "csr")]
pub use channel::TabChannel;
pub use message::{CHANNEL, TabEvent, TabMessage};
