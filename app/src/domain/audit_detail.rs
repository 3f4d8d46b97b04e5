//! An audit event's detail as a person reads it. The details are stored as short English notes
//! ("name changed by user #3", "idle timeout"): history is not rewritten when the portal learns
//! a language, so they are said in Turkish here, when they are shown. A note this does not know
//! is shown as it was stored.

use super::Lang;

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
        _ => {
            if let Some(role) = note.strip_prefix("to ") {
                return format!("{role} rolüne");
            }
            if let Some(reason) = note.strip_prefix("session revoked: ") {
                return format!("oturum sonlandırıldı: {}", turkish(reason));
            }
            if let Some(what) = note.strip_prefix("limited per ") {
                return format!("{what} başına sınır");
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
            say("to ADMIN by user #2", Lang::Tr),
            "ADMIN rolüne (kullanıcı #2)"
        );
        assert_eq!(say("idle timeout", Lang::Tr), "hareketsizlik süresi doldu");
        assert_eq!(
            say("recovery code used, 7 left", Lang::Tr),
            "kurtarma kodu kullanıldı, 7 kaldı"
        );
        assert_eq!(say("by user #1", Lang::En), "by user #1");
        assert_eq!(say("something new", Lang::Tr), "something new");
    }
}
