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

/// `detail` in `lang`.
pub fn say(detail: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return detail.to_owned();
    }
    // "… by user #3" ends most staff actions: the actor goes in parentheses at the end.
    let (head, by) = match detail.rfind("by user #") {
        Some(at) => (
            detail[..at].trim_end(),
            Some(&detail[at + "by user #".len()..]),
        ),
        None => (detail, None),
    };
    let head = turkish(head);
    match (head.is_empty(), by) {
        (_, None) => head,
        (true, Some(id)) => format!("kullanıcı #{id} tarafından"),
        (false, Some(id)) => format!("{head} (kullanıcı #{id})"),
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

    #[test]
    fn staff_notes_in_turkish_with_the_actor_last() {
        assert_eq!(say("by user #1", Lang::Tr), "kullanıcı #1 tarafından");
        assert_eq!(
            say("created by user #4", Lang::Tr),
            "oluşturuldu (kullanıcı #4)"
        );
        assert_eq!(
            say("name changed by user #2", Lang::Tr),
            "ad değiştirildi (kullanıcı #2)"
        );
        assert_eq!(
            say("to ayse@x.example by user #2", Lang::Tr),
            "yeni adres: ayse@x.example (kullanıcı #2)"
        );
        assert_eq!(
            say("CLIENT → ADMIN by user #2", Lang::Tr),
            "Müşteri → Personel (kullanıcı #2)"
        );
        assert_eq!(say("unknown email", Lang::Tr), "bilinmeyen e-posta");
        assert_eq!(
            say("limited per account and address", Lang::Tr),
            "hesap ve adres başına sınır"
        );
        assert_eq!(
            say("session revoked: replaced by a new sign-in", Lang::Tr),
            "oturum sonlandırıldı: yeni bir oturum açmayla değiştirildi"
        );
        assert_eq!(say("idle timeout", Lang::Tr), "hareketsizlik süresi doldu");
        assert_eq!(
            say("3 session(s) revoked: ended by an admin", Lang::Tr),
            "3 oturum sonlandırıldı: personel tarafından kapatıldı"
        );
        assert_eq!(
            say("recovery code used, 7 left", Lang::Tr),
            "kurtarma kodu kullanıldı, 7 kaldı"
        );
        assert_eq!(
            say(
                "invitation not delivered after 5 attempt(s): 550 mailbox unavailable",
                Lang::Tr
            ),
            "Davet e-postası 5 denemede teslim edilemedi: 550 mailbox unavailable"
        );
        assert_eq!(say("by user #1", Lang::En), "by user #1");
        assert_eq!(
            split_actor("name changed by user #12"),
            ("name changed", Some(12))
        );
        assert_eq!(split_actor("by user #1"), ("", Some(1)));
        assert_eq!(split_actor("idle timeout"), ("idle timeout", None));
        assert_eq!(split_actor("by user #x"), ("by user #x", None));
        assert_eq!(say("something new", Lang::Tr), "something new");
    }
}
