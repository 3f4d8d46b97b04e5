//! Recovery codes: ten single-use codes shown once at enrolment, for when the phone is gone.
//! Each is 10 characters from 31 letters and digits without look-alikes (about 50 bits), shown
//! as `xxxxx-xxxxx`. Stored as SHA-256 digests: with 50 random bits per code a slow hash adds
//! nothing an online guess could feel (the attempts are limited), and checking one against ten
//! stays instant.

use rand::Rng;
use sha2::{Digest, Sha256};

pub const COUNT: usize = 10;
const LEN: usize = 10;
/// No 0/o, 1/l/i: read off a sheet of paper and typed without doubt.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Ten new codes, as shown to the person.
pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    (0..COUNT)
        .map(|_| {
            let chars: String = (0..LEN)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A typed code in its stored form (lower case, without spaces or dashes), or `None` when it
/// cannot be one.
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The digest stored for a normalised code.
pub fn digest(normalised: &str) -> String {
    Sha256::digest(normalised.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digests stored for codes as `generate` made them.
pub fn digests(codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .filter_map(|c| normalise(c))
        .map(|c| digest(&c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_readable_and_normalise_however_typed() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
        for code in &codes {
            assert_eq!(code.len(), 11);
            let stored = normalise(code).unwrap();
            assert_eq!(normalise(&code.to_uppercase()), Some(stored.clone()));
            assert_eq!(
                normalise(&format!(" {} ", code.replace('-', " "))),
                Some(stored.clone())
            );
            assert_eq!(digest(&stored).len(), 64);
        }
        for bad in ["", "12345", "abcde-fghi0", "abcde-fghij-k", "ıııı-ııııı"] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }
}
