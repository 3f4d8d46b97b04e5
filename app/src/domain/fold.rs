//! Turkish text, the way people type and read it: the one place that says how a search matches,
//! how names sort, and how an email address is written down.
//!
//! - `search_fold`: what a search compares. i, ı, İ and I are one letter, and a letter with its
//!   marks is the letter without them (ç→c, ğ→g, ö→o, ş→s, ü→u, é→e): "ozturk" finds "Öztürk",
//!   "ibrahim" finds "İbrahim", "ISTANBUL" typed on an English keyboard finds "İstanbul". Stored
//!   in `users.search_text` (written by Rust, never by the database's `lower()`), and applied to
//!   the query the same way.
//! - `sort_key`: Turkish alphabetical order (a b c ç d e f g ğ h ı i j k l m n o ö p r s ş t u ü
//!   v y z), as a plain ASCII string a database sorts byte by byte: SQLite has no Turkish
//!   collation, so `users.sort_key` carries it (PostgreSQL sorts by its ICU `tr-x-icu` collation).
//! - `normalize_email`: one spelling per address. Unicode's lower case turns the dotted capital
//!   `İ` into `i` plus a combining dot (U+0069 U+0307), which is another address: a Turkish
//!   keyboard's `İ` is the `i` of an ordinary address, so it becomes `i` first (and an `i` with
//!   a combining dot, what was stored before this rule, becomes `i` as well).

/// A name or email folded for search: lower case, Turkish i's merged, marks dropped.
#[cfg(feature = "ssr")]
pub fn search_fold(text: &str) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    text.chars()
        .map(|c| match c {
            'İ' | 'I' | 'ı' => 'i',
            c => c,
        })
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The Turkish alphabet in order, lower case; other Latin letters take their place in it (q after
/// p, w and x after v).
const ORDER: &str = "aâbcçdefgğhıiîjklmnoöpqrsştuûüvwxyz";

/// A key that sorts names in Turkish order when compared byte by byte: each letter becomes two
/// hex digits of its rank (`ORDER`; a marked letter outside it ranks as its base letter), so
/// "Çelik" follows "Cem" and precedes "Demir", "Ömer" follows "Oya", "Işık" precedes "İlker".
/// Digits and spaces sort before letters, anything else after.
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for c in name.trim().chars() {
        let lower = match c {
            'I' => 'ı',
            'İ' => 'i',
            c => c.to_lowercase().next().unwrap_or(c),
        };
        let rank = match ORDER.chars().position(|o| o == lower) {
            Some(i) => 0x20 + i,
            None if lower.is_whitespace() => 0x01,
            None if lower.is_ascii_digit() => 0x02 + (lower as usize - '0' as usize),
            None => 0x20 + ORDER.len() + 1,
        };
        key.push_str(&format!("{rank:02x}"));
    }
    key
}

/// An email address as it is stored and compared: trimmed, `İ` and `I` as `i`, lower case (and,
/// on the server, Unicode NFC first, so a composed and a decomposed `ö` are one address).
pub fn normalize_email(raw: &str) -> String {
    let trimmed = raw.trim();
    #[cfg(feature = "ssr")]
    let composed: String = {
        use unicode_normalization::UnicodeNormalization;
        trimmed.nfc().collect()
    };
    #[cfg(not(feature = "ssr"))]
    let composed = trimmed;
    let lowered: String = composed
        .chars()
        .map(|c| if c == 'İ' { 'i' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    // What an older `to_lowercase` made of an `İ` (i and a combining dot above) is an `i` too.
    lowered.replace("i\u{307}", "i")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn search_forgives_how_turkish_is_typed() {
        assert_eq!(search_fold("Öztürk"), search_fold("ozturk"));
        assert_eq!(search_fold("İbrahim"), search_fold("ibrahim"));
        assert_eq!(search_fold("İstanbul"), search_fold("ISTANBUL"));
        assert_eq!(search_fold("Işık"), search_fold("isik"));
        assert_eq!(search_fold("ŞEKERCİ"), "sekerci");
        assert_eq!(search_fold("Çağlar Güneş"), "caglar gunes");
        assert!(search_fold("Ayşe Yılmaz").contains(&search_fold("YILMAZ")));
    }

    #[test]
    fn names_sort_in_turkish_order() {
        let mut names = vec![
            "Demir", "Çelik", "Cem", "Ömer", "Oya", "Zeynep", "Şahin", "Sema", "İlker", "Işık",
            "Güneş", "Gül", "Uğur", "Ümit", "ahmet", "Ayşe",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "ahmet", "Ayşe", "Cem", "Çelik", "Demir", "Gül", "Güneş", "Işık", "İlker", "Oya",
                "Ömer", "Sema", "Şahin", "Uğur", "Ümit", "Zeynep",
            ]
        );
        // A shorter name first, and a space before any letter.
        assert!(sort_key("Ali") < sort_key("Ali Veli"));
        assert!(sort_key("Ali Veli") < sort_key("Alia"));
        // ASCII only: a database compares it byte by byte.
        assert!(sort_key("Çağrı Öz").is_ascii());
    }

    #[test]
    fn a_dotted_capital_i_is_the_i_of_an_ordinary_address() {
        assert_eq!(normalize_email("  İNFO@Ofis.Example "), "info@ofis.example");
        assert_eq!(normalize_email("ADMIN@SMMM.EXAMPLE"), "admin@smmm.example");
        assert!(!normalize_email("İlker@x.example").contains('\u{307}'));
        assert_eq!(normalize_email("i\u{307}nfo@x.example"), "info@x.example");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn composed_and_decomposed_letters_are_one_address() {
        assert_eq!(
            normalize_email("o\u{308}zturk@x.example"),
            normalize_email("özturk@x.example")
        );
    }

    proptest::proptest! {
        #[test]
        fn normalizing_twice_changes_nothing(raw in "\\PC{0,40}") {
            let once = normalize_email(&raw);
            proptest::prop_assert_eq!(normalize_email(&once), once);
        }

        #[test]
        fn a_sort_key_is_ascii_and_keeps_prefixes_first(a in "\\PC{0,12}", b in "\\PC{0,12}") {
            let joined = format!("{}{}", a.trim(), b);
            proptest::prop_assert!(sort_key(&a).is_ascii());
            if !b.trim().is_empty() && !a.trim().is_empty() {
                proptest::prop_assert!(sort_key(&a) <= sort_key(&joined));
            }
        }
    }
}
