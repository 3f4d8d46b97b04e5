//! What the portal writes. Each message is in one language, its recipient's (see
//! `Mailer::language_for`), as plain text and as HTML.

use crate::domain::Lang;

/// A message ready to queue.
#[derive(Clone)]
pub struct Letter {
    /// What it is, for the log, the metrics and the audit (never the recipient's business).
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A block of a message.
enum Block {
    Text(String),
    /// A link, shown as a button in HTML (with its address below) and as the address in text.
    Link {
        label: &'static str,
        href: String,
    },
}

fn text(s: impl Into<String>) -> Block {
    Block::Text(s.into())
}

/// The message in `lang`, in both forms.
fn compose(kind: &'static str, lang: Lang, subject: &str, blocks: &[Block]) -> Letter {
    let text = blocks
        .iter()
        .map(|block| match block {
            Block::Text(s) => s.clone(),
            Block::Link { href, .. } => href.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let body: String = blocks
        .iter()
        .map(|block| match block {
            Block::Text(s) => format!("<p>{}</p>", crate::format::escape_html(s)),
            Block::Link { label, href } => format!(
                "<p><a href=\"{href}\" style=\"display:inline-block;padding:10px 18px;\
                 background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none\">\
                 {label}</a></p><p style=\"font-size:13px;color:#475569\">{href}</p>",
                href = crate::format::escape_html(href),
                label = crate::format::escape_html(label)
            ),
        })
        .collect();
    Letter {
        kind,
        subject: subject.to_owned(),
        text: format!("{text}\n"),
        html: format!(
            "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:system-ui,sans-serif;\
             font-size:15px;line-height:1.5;color:#0f172a;max-width:560px\">{body}</body></html>"
        ),
    }
}

/// A link to choose a new password (`request_reset`), good for `minutes`.
pub fn password_reset(lang: Lang, name: &str, link: &str, minutes: i64) -> Letter {
    let href = link.to_owned();
    let (subject, blocks) = match lang {
        Lang::Tr => (
            "Şifre sıfırlama bağlantınız",
            [
                text(format!("Merhaba {name},")),
                text(
                    "SMMM Portal hesabınız için bir şifre sıfırlama isteği aldık. Yeni şifrenizi \
                     belirlemek için aşağıdaki bağlantıyı açın:",
                ),
                Block::Link {
                    label: "Yeni şifre belirle",
                    href,
                },
                text(format!(
                    "Bağlantı {minutes} dakika geçerlidir ve yalnızca bir kez kullanılabilir. \
                     Bu isteği siz yapmadıysanız bu e-postayı dikkate almayın: şifreniz \
                     değişmez."
                )),
            ],
        ),
        Lang::En => (
            "Your password reset link",
            [
                text(format!("Hello {name},")),
                text(
                    "We received a request to reset the password of your SMMM Portal account. \
                     Open this link to choose a new password:",
                ),
                Block::Link {
                    label: "Choose a new password",
                    href,
                },
                text(format!(
                    "The link works once, for {minutes} minutes. If you did not ask for this, \
                     ignore this email: your password stays as it is."
                )),
            ],
        ),
    };
    compose("password_reset", lang, subject, &blocks)
}

/// An invitation to an account staff created: choose a password within `days`.
pub fn invitation(lang: Lang, name: &str, email: &str, link: &str, days: i64) -> Letter {
    let href = link.to_owned();
    let (subject, blocks) = match lang {
        Lang::Tr => (
            "SMMM Portal'a davet edildiniz",
            [
                text(format!("Merhaba {name},")),
                text(
                    "Muhasebe büromuz sizin için SMMM Portal'da bir hesap açtı. Şifrenizi \
                     belirleyip hesabınızı kullanmaya başlamak için aşağıdaki bağlantıyı açın:",
                ),
                Block::Link {
                    label: "Şifremi belirle",
                    href,
                },
                text(format!(
                    "Bağlantı {days} gün geçerlidir ve yalnızca bir kez kullanılabilir. Oturum \
                     açarken kullanacağınız e-posta adresi: {email}"
                )),
            ],
        ),
        Lang::En => (
            "You are invited to SMMM Portal",
            [
                text(format!("Hello {name},")),
                text(
                    "Your accounting office has opened an account for you on SMMM Portal. Open \
                     this link to choose your password and start using it:",
                ),
                Block::Link {
                    label: "Choose my password",
                    href,
                },
                text(format!(
                    "The link works once, for {days} days. You sign in with this email \
                     address: {email}"
                )),
            ],
        ),
    };
    compose("invitation", lang, subject, &blocks)
}

/// Sent to a new address staff entered: the change happens only when this link is followed.
pub fn email_change_confirmation(lang: Lang, name: &str, link: &str, hours: i64) -> Letter {
    let href = link.to_owned();
    let (subject, blocks) = match lang {
        Lang::Tr => (
            "Yeni e-posta adresinizi onaylayın",
            [
                text(format!("Merhaba {name},")),
                text(
                    "SMMM Portal hesabınızın e-posta adresinin bu adresle değiştirilmesi \
                     istendi. Değişikliği onaylamak için aşağıdaki bağlantıyı açın:",
                ),
                Block::Link {
                    label: "Adresimi onayla",
                    href,
                },
                text(format!(
                    "Bağlantı {hours} saat geçerlidir. Onaylamazsanız hesabınız eski adresle \
                     kullanılmaya devam eder."
                )),
            ],
        ),
        Lang::En => (
            "Confirm your new email address",
            [
                text(format!("Hello {name},")),
                text(
                    "Someone asked to change the email address of your SMMM Portal account to \
                     this one. Open this link to confirm the change:",
                ),
                Block::Link {
                    label: "Confirm my address",
                    href,
                },
                text(format!(
                    "The link works for {hours} hours. Until it is followed, the account keeps \
                     its old address."
                )),
            ],
        ),
    };
    compose("email_change_confirmation", lang, subject, &blocks)
}

/// Sent to the old address when a change to `new_email` is asked for.
pub fn email_change_notice(lang: Lang, name: &str, new_email: &str) -> Letter {
    let masked = mask_email(new_email);
    let (subject, blocks) = match lang {
        Lang::Tr => (
            "Hesabınızın e-posta adresi değişiyor",
            [
                text(format!("Merhaba {name},")),
                text(format!(
                    "SMMM Portal hesabınızın e-posta adresinin {masked} olarak değiştirilmesi \
                     istendi. Değişiklik, yeni adrese gönderilen bağlantı onaylandığında geçerli \
                     olur; o zamana kadar bu adresle oturum açmaya devam edersiniz."
                )),
                text(
                    "Bu isteği ne siz ne de büromuz yaptıysa lütfen hemen büromuzla iletişime \
                     geçin.",
                ),
            ],
        ),
        Lang::En => (
            "Your account's email address is changing",
            [
                text(format!("Hello {name},")),
                text(format!(
                    "Someone asked to change the email address of your SMMM Portal account to \
                     {masked}. The change happens only when the link sent to the new address is \
                     followed; until then you keep signing in with this one."
                )),
                text(
                    "If neither you nor your accounting office asked for this, contact the \
                     office now.",
                ),
            ],
        ),
    };
    compose("email_change_notice", lang, subject, &blocks)
}

/// Sent when ten wrong sign-in codes in an hour stop code entry for the account.
pub fn code_entry_paused(lang: Lang, name: &str, minutes: u64) -> Letter {
    let (subject, blocks) = match lang {
        Lang::Tr => (
            "Hesabınızda kod girişi durduruldu",
            [
                text(format!("Merhaba {name},")),
                text(format!(
                    "SMMM Portal hesabınız için son bir saatte çok sayıda hatalı doğrulama kodu \
                     girildi. Güvenliğiniz için kod girişi yaklaşık {minutes} dakika \
                     durduruldu."
                )),
                text(
                    "Kodları giren siz değilseniz şifreniz başkasının elinde olabilir: oturum \
                     açar açmaz şifrenizi değiştirin ya da büromuzla iletişime geçin.",
                ),
            ],
        ),
        Lang::En => (
            "Code entry on your account is paused",
            [
                text(format!("Hello {name},")),
                text(format!(
                    "Too many wrong sign-in codes were entered for your SMMM Portal account in \
                     the last hour. To protect it, code entry is paused for about {minutes} \
                     minutes."
                )),
                text(
                    "If that was not you, someone may know your password: change it as soon as \
                     you can sign in, or contact your accounting office.",
                ),
            ],
        ),
    };
    compose("code_entry_paused", lang, subject, &blocks)
}

/// `ayse.yilmaz@example.com` → `a***@example.com`: enough for the owner to recognise, little
/// for anyone else reading the old mailbox.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_links_kept_whole() {
        let letter = password_reset(Lang::Tr, "<b>Ayşe</b>", "http://x/auth/reset#token=a&b", 30);
        assert!(letter.html.contains("&lt;b&gt;Ayşe&lt;/b&gt;"));
        assert!(!letter.html.contains("<b>Ayşe"));
        assert!(letter.html.contains("#token=a&amp;b"));
        assert!(letter.text.contains("http://x/auth/reset#token=a&b"));
        assert!(letter.text.contains("Merhaba <b>Ayşe</b>,"));
    }

    #[test]
    fn each_letter_is_in_one_language() {
        let link = "http://x/auth/reset#token=t";
        let letters = |lang| {
            [
                password_reset(lang, "Ali", link, 30),
                invitation(lang, "Ali", "ali@example.com", link, 7),
                email_change_confirmation(lang, "Ali", link, 24),
                email_change_notice(lang, "Ali", "ali@example.com"),
                code_entry_paused(lang, "Ali", 15),
            ]
        };
        for letter in letters(Lang::Tr) {
            assert!(letter.text.starts_with("Merhaba Ali,"), "{}", letter.text);
            assert!(!letter.text.contains("Hello"), "{}", letter.kind);
            assert!(
                letter.html.contains("<html lang=\"tr\">"),
                "{}",
                letter.kind
            );
            assert!(!letter.subject.contains('/'), "{}", letter.subject);
        }
        for letter in letters(Lang::En) {
            assert!(letter.text.starts_with("Hello Ali,"), "{}", letter.text);
            assert!(!letter.text.contains("Merhaba"), "{}", letter.kind);
            assert!(
                letter.html.contains("<html lang=\"en\">"),
                "{}",
                letter.kind
            );
        }
        let [tr, en] = [Lang::Tr, Lang::En].map(|lang| password_reset(lang, "Ali", link, 30));
        assert_eq!(tr.subject, "Şifre sıfırlama bağlantınız");
        assert_eq!(en.subject, "Your password reset link");
        assert_eq!(tr.kind, en.kind);
    }

    #[test]
    fn the_new_address_is_masked_in_the_notice() {
        for lang in Lang::ALL {
            let letter = email_change_notice(lang, "Ali", "ali.veli@example.com");
            assert!(letter.text.contains("a***@example.com"));
            assert!(!letter.text.contains("ali.veli@"));
        }
    }
}
