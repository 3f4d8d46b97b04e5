//! Time-based one-time codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, what every
//! authenticator app reads from a QR code), by the `totp-rs` crate. A code is accepted for the
//! step it belongs to and the one on either side (clock drift), and only for a step later than
//! the last one accepted: the caller stores that step and checks it atomically, so a code is
//! never accepted twice, on any instance.

use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

/// The issuer an authenticator app shows beside the account.
pub const ISSUER: &str = "SMMM Portal";
pub const DIGITS: usize = 6;
pub const STEP_SECS: u64 = 30;
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// A new secret from the OS generator.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0_u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The secret as typed into an app by hand (base32, in groups of four).
pub fn secret_for_typing(secret: &[u8]) -> String {
    let Some(totp) = generator(secret, "") else {
        return String::new();
    };
    totp.get_secret_base32()
        .as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn generator(secret: &[u8], account: &str) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account.replace(':', ""),
    )
    .ok()
}

/// The `otpauth://` URI an app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], account: &str) -> Option<String> {
    generator(secret, account).map(|totp| totp.get_url())
}

/// The QR code of `uri`, as an SVG image.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// The code an authenticator app shows at `unix_secs` for the secret typed as
/// `secret_for_typing` gave it (what a person's phone computes; the tests compute it too).
pub fn code_for_typed_secret(typed: &str, unix_secs: u64) -> Option<String> {
    let bare: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let secret = totp_rs::Secret::Encoded(bare).to_bytes().ok()?;
    Some(generator(&secret, "")?.generate(unix_secs))
}

/// The time step a unix time falls in.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The step `code` belongs to, when it is the code of the current step or of the one on either
/// side, and that step is later than `last_used`. Compared in constant time.
pub fn accepted_step(
    secret: &[u8],
    code: &str,
    unix_secs: u64,
    last_used: Option<u64>,
) -> Option<u64> {
    let totp = generator(secret, "")?;
    let now = step_of(unix_secs);
    let mut found = None;
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * STEP_SECS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes())
            && last_used.is_none_or(|last| step > last)
        {
            found = Some(step);
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret and the 8-digit codes at its test times.
    #[test]
    fn rfc_6238_test_vectors() {
        type Vector = (Algorithm, &'static [u8], [(u64, &'static str); 6]);
        let vectors: [Vector; 3] = [
            (
                Algorithm::SHA1,
                b"12345678901234567890",
                [
                    (59, "94287082"),
                    (1_111_111_109, "07081804"),
                    (1_111_111_111, "14050471"),
                    (1_234_567_890, "89005924"),
                    (2_000_000_000, "69279037"),
                    (20_000_000_000, "65353130"),
                ],
            ),
            (
                Algorithm::SHA256,
                b"12345678901234567890123456789012",
                [
                    (59, "46119246"),
                    (1_111_111_109, "68084774"),
                    (1_111_111_111, "67062674"),
                    (1_234_567_890, "91819424"),
                    (2_000_000_000, "90698825"),
                    (20_000_000_000, "77737706"),
                ],
            ),
            (
                Algorithm::SHA512,
                b"1234567890123456789012345678901234567890123456789012345678901234",
                [
                    (59, "90693936"),
                    (1_111_111_109, "25091201"),
                    (1_111_111_111, "99943326"),
                    (1_234_567_890, "93441116"),
                    (2_000_000_000, "38618901"),
                    (20_000_000_000, "47863826"),
                ],
            ),
        ];
        for (algorithm, secret, cases) in vectors {
            let totp = TOTP::new(algorithm, 8, 1, 30, secret.to_vec(), None, "rfc".into()).unwrap();
            for (time, code) in cases {
                assert_eq!(totp.generate(time), code, "{algorithm:?} at {time}");
            }
        }
    }

    #[test]
    fn a_code_is_good_for_its_step_and_one_either_side_and_once() {
        let secret = new_secret();
        let at = 1_800_000_000_u64;
        let step = step_of(at);
        let code = generator(&secret, "x").unwrap().generate(at);
        assert_eq!(code.len(), DIGITS);
        assert_eq!(accepted_step(&secret, &code, at, None), Some(step));
        // The edges: the step before and the step after still take it; two steps away do not.
        assert_eq!(
            accepted_step(&secret, &code, at + STEP_SECS, None),
            Some(step)
        );
        assert_eq!(
            accepted_step(&secret, &code, at - STEP_SECS, None),
            Some(step)
        );
        assert_eq!(
            accepted_step(&secret, &code, at + 2 * STEP_SECS, None),
            None
        );
        assert_eq!(
            accepted_step(&secret, &code, at - 2 * STEP_SECS, None),
            None
        );
        // Once its step is used, never again; a later step's code still goes.
        assert_eq!(accepted_step(&secret, &code, at, Some(step)), None);
        let next = generator(&secret, "x").unwrap().generate(at + STEP_SECS);
        assert_eq!(
            accepted_step(&secret, &next, at, Some(step)),
            Some(step + 1)
        );
        assert_eq!(accepted_step(&secret, "000000x", at, None), None);
    }

    #[test]
    fn the_app_gets_a_uri_a_qr_code_and_a_typed_form() {
        let secret = new_secret();
        let uri = otpauth_uri(&secret, "ayse@example.com").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/SMMM%20Portal:ayse%40example.com?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=SMMM%20Portal"), "{uri}");
        let typed = secret_for_typing(&secret);
        assert_eq!(typed.replace(' ', "").len(), 32);
        assert!(uri.contains(&typed.replace(' ', "")), "{uri}");
        let svg = qr_svg(&uri).unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
    }
}
