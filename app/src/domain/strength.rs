//! How hard a new password is to guess, by `zxcvbn`, on the server only (its dictionaries would
//! add hundreds of KB to the browser's build; the browser asks `password_strength`). A new
//! password needs a score of at least `MIN_SCORE` (about 10^10 guesses), the person's own name
//! and email counting as known words.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{Email, Name, Password, say};
#[cfg(feature = "ssr")]
use crate::error::ApiError;

/// How hard a new password would be to guess (`POST /api/account/password_strength`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordStrength {
    /// zxcvbn's score, 0 (guessed at once) to 4 (more than 10^10 guesses).
    pub score: u8,
    /// Whether the server would accept it as a new password on strength (3 or more).
    pub acceptable: bool,
    /// What makes it weak, when something does.
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
}

/// The least score (0 to 4) a new password may have.
#[cfg(feature = "ssr")]
pub const MIN_SCORE: u8 = 3;

/// Words anyone guessing a password here would try first.
#[cfg(feature = "ssr")]
const SITE_WORDS: &[&str] = &["smmm", "portal", "muhasebe", "mali", "musavir"];

/// Who the password is for: their name and email are the first things a guesser tries.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Owner<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
}

#[cfg(feature = "ssr")]
impl<'a> Owner<'a> {
    pub fn of(name: &'a Name, email: &'a Email) -> Self {
        Self {
            name: Some(name.as_ref()),
            email: Some(email.as_ref()),
        }
    }

    /// The words the estimate treats as known: the name, whole and by parts, the email and its
    /// parts, each also as typed on a keyboard without Turkish letters ("Ayşe" as "ayse").
    fn words(&self) -> Vec<String> {
        let mut words: Vec<String> = SITE_WORDS.iter().map(|w| (*w).to_owned()).collect();
        if let Some(name) = self.name {
            words.push(name.split_whitespace().collect());
            words.extend(name.split_whitespace().map(str::to_owned));
        }
        if let Some(email) = self.email {
            words.push(email.to_owned());
            words.extend(
                email
                    .split(['@', '.', '-', '_', '+'])
                    .filter(|w| w.len() > 1)
                    .map(str::to_owned),
            );
        }
        let folded: Vec<String> = words.iter().map(|w| fold_turkish(w)).collect();
        words.extend(folded);
        words.sort();
        words.dedup();
        words
    }
}

/// `word` lower-cased with the Turkish letters as their plain Latin look-alikes.
#[cfg(feature = "ssr")]
fn fold_turkish(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ç' => 'c',
            'ğ' => 'g',
            'ı' | 'i' | 'î' => 'i',
            'ö' => 'o',
            'ş' => 's',
            'ü' | 'û' => 'u',
            'â' => 'a',
            other => other,
        })
        // "İ" lower-cases to "i" and a combining dot: drop the dot.
        .filter(|c| *c != '\u{307}')
        .collect()
}

/// The estimate, with what to tell the person.
#[cfg(feature = "ssr")]
pub fn assess(password: &str, owner: Owner<'_>) -> PasswordStrength {
    let words = owner.words();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(password, &words);
    let score = u8::from(entropy.score());
    let feedback = entropy.feedback();
    PasswordStrength {
        score,
        acceptable: score >= MIN_SCORE,
        warning: feedback.and_then(|f| f.warning()).map(warning),
        suggestions: feedback
            .map(|f| f.suggestions().iter().copied().map(suggestion).collect())
            .unwrap_or_default(),
    }
}

/// A new password's strength check: 400 on `password`, saying why, when it is too easy to guess.
#[cfg(feature = "ssr")]
pub fn check(password: &Password, owner: Owner<'_>) -> Result<(), ApiError> {
    let strength = assess(password.expose(), owner);
    if strength.acceptable {
        return Ok(());
    }
    let mut message = say(
        "Bu şifre kolay tahmin edilebilir.",
        "This password is too easy to guess.",
    );
    for hint in strength.warning.iter().chain(strength.suggestions.first()) {
        message.push(' ');
        message.push_str(hint);
    }
    Err(ApiError::invalid("password", message))
}

/// What makes the password weak, in the current language (zxcvbn's own words in English).
#[cfg(feature = "ssr")]
fn warning(warning: zxcvbn::feedback::Warning) -> String {
    use zxcvbn::feedback::Warning as W;
    let turkish = match warning {
        W::StraightRowsOfKeysAreEasyToGuess => {
            "Klavyede yan yana dizilmiş tuşlar kolay tahmin edilir."
        }
        W::ShortKeyboardPatternsAreEasyToGuess => "Kısa klavye desenleri kolay tahmin edilir.",
        W::RepeatsLikeAaaAreEasyToGuess => "\"aaa\" gibi tekrarlar kolay tahmin edilir.",
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "\"abcabcabc\" gibi tekrarları tahmin etmek, \"abc\"yi tahmin etmekten pek zor değildir."
        }
        W::ThisIsATop10Password => "Bu, en sık kullanılan 10 şifreden biri.",
        W::ThisIsATop100Password => "Bu, en sık kullanılan 100 şifreden biri.",
        W::ThisIsACommonPassword => "Bu çok yaygın bir şifre.",
        W::ThisIsSimilarToACommonlyUsedPassword => "Bu, sık kullanılan bir şifreye çok benziyor.",
        W::SequencesLikeAbcAreEasyToGuess => "abc ya da 6543 gibi diziler kolay tahmin edilir.",
        W::RecentYearsAreEasyToGuess => "Yakın tarihli yıllar kolay tahmin edilir.",
        W::AWordByItselfIsEasyToGuess => "Tek başına bir kelime kolay tahmin edilir.",
        W::DatesAreOftenEasyToGuess => "Tarihler çoğu zaman kolay tahmin edilir.",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "Tek başına kullanılan ad ve soyadlar kolay tahmin edilir."
        }
        W::CommonNamesAndSurnamesAreEasyToGuess => "Yaygın ad ve soyadlar kolay tahmin edilir.",
    };
    say(turkish, warning.to_string())
}

/// What would make the password harder to guess, in the current language.
#[cfg(feature = "ssr")]
fn suggestion(suggestion: zxcvbn::feedback::Suggestion) -> String {
    use zxcvbn::feedback::Suggestion as S;
    let turkish = match suggestion {
        S::UseAFewWordsAvoidCommonPhrases => {
            "Birkaç kelimeyi bir araya getirin; bilinen kalıp sözlerden kaçının."
        }
        S::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "Simge, rakam ya da büyük harf kullanmanız gerekmez."
        }
        S::AddAnotherWordOrTwo => {
            "Bir iki kelime daha ekleyin. Az kullanılan kelimeler daha iyidir."
        }
        S::CapitalizationDoesntHelpVeryMuch => "Büyük harf kullanmak pek fark yaratmaz.",
        S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "Tamamı büyük harfle yazılmış bir şifre, tamamı küçük harfle yazılmış olan kadar kolay tahmin edilir."
        }
        S::ReversedWordsArentMuchHarderToGuess => {
            "Tersten yazılmış kelimeleri tahmin etmek pek zor değildir."
        }
        S::PredictableSubstitutionsDontHelpVeryMuch => {
            "'a' yerine '@' yazmak gibi tahmin edilebilir değişiklikler pek işe yaramaz."
        }
        S::UseALongerKeyboardPatternWithMoreTurns => {
            "Daha uzun ve daha çok yön değiştiren bir klavye deseni kullanın."
        }
        S::AvoidRepeatedWordsAndCharacters => "Tekrarlanan kelime ve karakterlerden kaçının.",
        S::AvoidSequences => "Ardışık dizilerden kaçının.",
        S::AvoidRecentYears => "Yakın tarihli yıllardan kaçının.",
        S::AvoidYearsThatAreAssociatedWithYou => {
            "Sizinle ilişkilendirilebilecek yıllardan kaçının."
        }
        S::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "Sizinle ilişkilendirilebilecek tarih ve yıllardan kaçının."
        }
    };
    say(turkish, suggestion.to_string())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn owner() -> Owner<'static> {
        Owner {
            name: Some("Ayşe Yılmaz"),
            email: Some("ayse.yilmaz@example.com"),
        }
    }

    #[test]
    fn common_and_personal_passwords_are_refused_and_passphrases_pass() {
        for weak in [
            "password1234",
            "qwertyuiop12",
            "ayseyilmaz12",
            "P@ssw0rd2026",
            "smmm-portal",
        ] {
            let strength = assess(weak, owner());
            assert!(!strength.acceptable, "{weak}: {strength:?}");
            let refused = check(&Password::parse(weak).unwrap(), owner()).unwrap_err();
            assert_eq!(refused.field.as_deref(), Some("password"));
            assert!(refused.message.starts_with("This password is too easy"));
        }
        for strong in [
            "Uskudar-Vapuru-1926",
            "correct-horse-battery",
            "kedi masada uyuyor sanırım",
        ] {
            let strength = assess(strong, owner());
            assert!(strength.acceptable, "{strong}: {strength:?}");
            assert!(check(&Password::parse(strong).unwrap(), owner()).is_ok());
        }
    }

    #[test]
    fn the_feedback_is_in_the_current_language() {
        use crate::domain::{Lang, lang::sync_scope};
        let weak = Password::parse("password1234").unwrap();
        let refused = sync_scope(Lang::Tr, || check(&weak, owner())).unwrap_err();
        assert!(
            refused
                .message
                .starts_with("Bu şifre kolay tahmin edilebilir."),
            "{}",
            refused.message
        );
        let strength = sync_scope(Lang::Tr, || assess("password1234", owner()));
        assert!(strength.warning.is_some(), "{strength:?}");
        let english = assess("password1234", owner());
        assert_ne!(strength.warning, english.warning);
    }

    #[test]
    fn the_longest_password_is_assessed() {
        let longest = "a1b2c3d4".repeat(16);
        assert_eq!(longest.chars().count(), 128);
        assert!(assess(&longest, owner()).score <= 4);
    }
}
