//! An audit event's detail as a person reads it. The details are stored as short English notes
//! ("name changed by user #3", "idle timeout"): history is not rewritten when the portal learns
//! a language, so they are said in Turkish here, when they are shown. A note this does not know
//! is shown as it was stored.

use super::Lang;

/// The note without its "by user #3" ending, and that user's id: the page names the actor
/// itself, with a link.
pub fn split_actor(detail: &str) -> (&str, Option<i64>) {
    match detail.rfind("by user #") {
        Some(at) => match detail[at + "by user #".len()..].trim().parse() {
            Ok(id) => (detail[..at].trim_end(), Some(id)),
            Err(_) => (detail, None),
        },
        None => (detail, None),
    }
}

/// A note without its actor (`split_actor`'s first part) in `lang`.
pub fn say_note(note: &str, lang: Lang) -> String {
    match lang {
        Lang::En => note.to_owned(),
        Lang::Tr => turkish(note),
    }
}

fn turkish(note: &str) -> String {
    let fixed = match note {
        "" => "",
        "created" => "oluşturuldu",
        "name changed" => "ad değiştirildi",
        "reset" => "sıfırlandı",
        "idle timeout" => "hareketsizlik süresi doldu",
        "absolute timeout" => "azami süre doldu",
        "with the password" => "şifreyle",
        "with a code" => "kodla",
        "with a recovery code" => "kurtarma koduyla",
        "limited to setting up two-step sign-in" => "yalnızca iki adımlı oturum açmanın kurulumu",
        "limited to choosing a new password" => "yalnızca yeni şifre belirleme",
        "unknown email" => "bilinmeyen e-posta",
        "wrong password" => "yanlış şifre",
        "account deactivated" => "hesap devre dışı",
        "account changed" => "hesap değişti",
        "account changed during sign-in" => "oturum açılırken hesap değişti",
        "replaced by a new sign-in" => "yeni bir oturum açmayla değiştirildi",
        "sign-out" => "oturumu kapatma",
        "sign-out (recorded late)" => "oturumu kapatma (geç kaydedildi)",
        "mail given up" => "e-posta gönderilemedi",
        "account" => "hesap",
        "address" => "adres",
        "account and address" => "hesap ve adres",
        "session" => "oturum",
        "device" => "cihaz",
        "codes" => "kodlar",
        "password changed" => "şifre değiştirildi",
        "password reset" => "şifre sıfırlandı",
        "invitation accepted" => "davet kabul edildi",
        "role changed" => "rol değiştirildi",
        "ended by an admin" => "personel tarafından kapatıldı",
        "ended by its owner" => "sahibi tarafından kapatıldı",
        "two-step sign-in reset" => "iki adımlı oturum açma sıfırlandı",
        _ => {
            // An email change: "to new@address".
            if let Some(address) = note.strip_prefix("to ") {
                return format!("yeni adres: {address}");
            }
            // A role change: "CLIENT → ADMIN".
            if let Some((from, to)) = note.split_once(" → ") {
                let role = |code: &str| {
                    super::Role::parse(code)
                        .map_or_else(|| code.to_owned(), |r| r.label(Lang::Tr).to_owned())
                };
                return format!("{} → {}", role(from), role(to));
            }
            // Every session of one account at once: "3 session(s) revoked: password changed".
            if let Some((count, reason)) = note.split_once(" session(s) revoked: ") {
                return format!("{count} oturum sonlandırıldı: {}", turkish(reason));
            }
            if let Some(reason) = note.strip_prefix("session revoked: ") {
                return format!("oturum sonlandırıldı: {}", turkish(reason));
            }
            // A given-up email: "invitation not delivered after 5 attempt(s): <SMTP's reason>".
            // The reason is the mail server's own words and stays as it came.
            if let Some((kind, rest)) = note.split_once(" not delivered after ")
                && let Some((attempts, reason)) = rest.split_once(" attempt(s): ")
            {
                return format!(
                    "{} {attempts} denemede teslim edilemedi: {reason}",
                    mail_kind(kind)
                );
            }
            if let Some(what) = note.strip_prefix("limited per ") {
                return format!("{} başına sınır", turkish(what));
            }
            if let Some(left) = note
                .strip_prefix("recovery code used, ")
                .and_then(|rest| rest.strip_suffix(" left"))
            {
                return format!("kurtarma kodu kullanıldı, {left} kaldı");
            }
            return note.to_owned();
        }
    };
    fixed.to_owned()
}

/// The email kinds the mail worker names (`mail::letters`), as a person calls them.
fn mail_kind(kind: &str) -> &str {
    match kind {
        "password_reset" => "Şifre sıfırlama e-postası",
        "invitation" => "Davet e-postası",
        "email_change_confirmation" => "E-posta değişikliği onay e-postası",
        "email_change_notice" => "E-posta değişikliği bildirimi",
        "code_entry_paused" => "Kod girişi durduruldu e-postası",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored detail as the audit page shows it: the note in Turkish, and who acted.
    fn shown(detail: &str) -> (String, Option<i64>) {
        let (note, actor) = split_actor(detail);
        (say_note(note, Lang::Tr), actor)
    }

    #[test]
    fn staff_notes_in_turkish_with_the_actor_apart() {
        assert_eq!(shown("by user #1"), (String::new(), Some(1)));
        assert_eq!(shown("created by user #4"), ("oluşturuldu".into(), Some(4)));
        assert_eq!(
            shown("name changed by user #2"),
            ("ad değiştirildi".into(), Some(2))
        );
        assert_eq!(
            shown("to ayse@x.example by user #2"),
            ("yeni adres: ayse@x.example".into(), Some(2))
        );
        assert_eq!(
            shown("CLIENT → ADMIN by user #2"),
            ("Müşteri → Personel".into(), Some(2))
        );
    }

    #[test]
    fn system_notes_in_turkish() {
        for (stored, turkish) in [
            ("unknown email", "bilinmeyen e-posta"),
            (
                "limited per account and address",
                "hesap ve adres başına sınır",
            ),
            (
                "session revoked: replaced by a new sign-in",
                "oturum sonlandırıldı: yeni bir oturum açmayla değiştirildi",
            ),
            ("idle timeout", "hareketsizlik süresi doldu"),
            (
                "3 session(s) revoked: ended by an admin",
                "3 oturum sonlandırıldı: personel tarafından kapatıldı",
            ),
            (
                "recovery code used, 7 left",
                "kurtarma kodu kullanıldı, 7 kaldı",
            ),
            (
                "invitation not delivered after 5 attempt(s): 550 mailbox unavailable",
                "Davet e-postası 5 denemede teslim edilemedi: 550 mailbox unavailable",
            ),
            ("with the password", "şifreyle"),
            ("with a code", "kodla"),
            ("with a recovery code", "kurtarma koduyla"),
            // A note this build does not know is shown as stored.
            ("something new", "something new"),
        ] {
            assert_eq!(say_note(stored, Lang::Tr), turkish, "{stored}");
        }
    }

    #[test]
    fn english_notes_as_stored_and_the_actor_split_off() {
        assert_eq!(say_note("with a code", Lang::En), "with a code");
        assert_eq!(
            split_actor("name changed by user #12"),
            ("name changed", Some(12))
        );
        assert_eq!(split_actor("by user #1"), ("", Some(1)));
        assert_eq!(split_actor("idle timeout"), ("idle timeout", None));
        assert_eq!(split_actor("by user #x"), ("by user #x", None));
    }
}
