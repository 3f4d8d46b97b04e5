//! Secrets kept encrypted at rest (the TOTP secrets): XChaCha20-Poly1305 under a key of their own
//! (`MFA_ENCRYPTION_KEY`, never the session secret, so rotating that loses nothing). A sealed
//! value names the key that sealed it (`v1.<key id>.<base64url(nonce ‖ ciphertext)>`) and is bound
//! to its owner (the user id is the associated data): a value copied onto another user's row does
//! not open. The previous key still opens, so keys rotate: `needs_reseal` tells which values a
//! rotation must seal again under the current one.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use rand::RngCore;
use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not a sealed value of this format")]
    Malformed,
    #[error("sealed under the key {0}, which this server does not have")]
    UnknownKey(String),
    #[error("does not open under its key: altered, or another user's")]
    Rejected,
}

/// One 32-byte key and its id (the first 8 hex digits of a SHA-256 of a fixed label and the key:
/// stable for a key, and it reveals nothing of it).
#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"smmm-portal mfa key id")
            .chain_update(bytes)
            .finalize();
        Self {
            id: digest.iter().take(4).map(|b| format!("{b:02x}")).collect(),
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }
}

/// The keys: the current one seals and opens; the previous one, during a rotation, only opens.
#[derive(Clone)]
pub struct SecretBox {
    current: Key,
    previous: Option<Key>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox")
            .field("current", &self.current.id)
            .field("previous", &self.previous.as_ref().map(|k| &k.id))
            .finish()
    }
}

impl SecretBox {
    pub fn new(current: &[u8; 32], previous: Option<&[u8; 32]>) -> Self {
        Self {
            current: Key::new(current),
            previous: previous.map(Key::new),
        }
    }

    /// The id of the key that seals.
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    /// `plain`, sealed for `owner` under the current key.
    pub fn seal(&self, owner: i64, plain: &[u8]) -> String {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = owner.to_be_bytes();
        // Encryption cannot fail for inputs this small (it fails only past 2^38 bytes).
        let sealed = self
            .current
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!(
            "{VERSION}.{}.{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    /// What `seal(owner, …)` sealed, under whichever of the keys sealed it.
    pub fn open(&self, owner: i64, sealed: &str) -> Result<Vec<u8>, OpenError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(OpenError::Malformed);
        };
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id == key_id)
            .ok_or_else(|| OpenError::UnknownKey(key_id.to_owned()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Malformed)?;
        if bytes.len() <= NONCE_LEN {
            return Err(OpenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = owner.to_be_bytes();
        key.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| OpenError::Rejected)
    }

    /// Whether `sealed` was sealed by another key than the current one (a rotation re-seals it).
    pub fn needs_reseal(&self, sealed: &str) -> bool {
        sealed.split('.').nth(1) != Some(self.current.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: [u8; 32] = [7; 32];
    const NEW: [u8; 32] = [9; 32];

    #[test]
    fn a_sealed_secret_opens_for_its_owner_only_and_never_shows_in_clear() {
        let keys = SecretBox::new(&NEW, None);
        let sealed = keys.seal(42, b"JBSWY3DPEHPK3PXP-secret");
        assert!(sealed.starts_with(&format!("v1.{}.", keys.key_id())));
        assert!(!sealed.contains("JBSWY3DP"));
        assert_ne!(
            sealed,
            keys.seal(42, b"JBSWY3DPEHPK3PXP-secret"),
            "a fresh nonce each time"
        );
        assert_eq!(keys.open(42, &sealed).unwrap(), b"JBSWY3DPEHPK3PXP-secret");
        assert_eq!(keys.open(43, &sealed), Err(OpenError::Rejected));
    }

    #[test]
    fn altered_or_malformed_values_are_refused() {
        let keys = SecretBox::new(&NEW, None);
        let sealed = keys.seal(1, b"secret");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(keys.open(1, &altered), Err(OpenError::Rejected));
        for bad in ["", "v1", "v2.x.y", "v1.abc", "v1.{id}.!!!", "v1.{id}.AAAA"] {
            let bad = bad.replace("{id}", keys.key_id());
            assert!(keys.open(1, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_rotation_opens_old_values_and_reseals_them_under_the_new_key() {
        let before = SecretBox::new(&OLD, None);
        let sealed = before.seal(5, b"secret");
        let rotating = SecretBox::new(&NEW, Some(&OLD));
        assert_ne!(rotating.key_id(), before.key_id());
        assert!(rotating.needs_reseal(&sealed));
        let plain = rotating.open(5, &sealed).unwrap();
        let resealed = rotating.seal(5, &plain);
        assert!(!rotating.needs_reseal(&resealed));
        let after = SecretBox::new(&NEW, None);
        assert_eq!(after.open(5, &resealed).unwrap(), b"secret");
        assert_eq!(
            after.open(5, &sealed),
            Err(OpenError::UnknownKey(before.key_id().to_owned()))
        );
    }
}
