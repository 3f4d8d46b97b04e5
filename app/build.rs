//! Generates the `i18n` module (leptos_i18n) from `locales/<lang>/<namespace>.json` for the
//! browser build, after checking that every key exists in both languages: a sentence in one
//! language only fails the build here, not a page in front of a person.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "csr")]
    catalogue::generate()?;
    Ok(())
}

#[cfg(feature = "csr")]
mod catalogue {
    use std::{collections::BTreeSet, error::Error, path::PathBuf};

    use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

    /// The portal's languages, the first the fallback (never needed: the check below).
    const LOCALES: [&str; 2] = ["en", "tr"];
    /// One file per part of the app, in each language's folder.
    pub const NAMESPACES: [&str; 9] = [
        "common", "signin", "nav", "account", "admin", "client", "recovery", "security", "session",
    ];

    pub fn generate() -> Result<(), Box<dyn Error>> {
        println!("cargo::rerun-if-changed=locales");
        check_both_languages_have_every_key()?;
        let out =
            PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
        // `t_string!` with values (a count in a sentence) outside a view.
        let options = ParseOptions::default().interpolate_display(true);
        let mut cfg = Config::new(LOCALES[0])?.parse_options(options);
        for locale in &LOCALES[1..] {
            cfg = cfg.add_locale(locale)?;
        }
        for namespace in NAMESPACES {
            cfg = cfg.add_namespace(namespace)?;
        }
        let translations = TranslationsInfos::parse(cfg)?;
        translations.emit_diagnostics();
        translations.rerun_if_locales_changed();
        translations.generate_i18n_module(out)?;
        Ok(())
    }

    fn check_both_languages_have_every_key() -> Result<(), Box<dyn Error>> {
        for namespace in NAMESPACES {
            let keys: Vec<(&str, BTreeSet<String>)> = LOCALES
                .iter()
                .map(|locale| {
                    let path = format!("locales/{locale}/{namespace}.json");
                    let text =
                        std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                    let value: serde_json::Value =
                        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
                    let mut keys = BTreeSet::new();
                    collect_keys(&value, String::new(), &mut keys);
                    Ok::<_, String>((*locale, keys))
                })
                .collect::<Result<_, _>>()?;
            let (first, first_keys) = &keys[0];
            for (other, other_keys) in &keys[1..] {
                let missing: Vec<_> = first_keys.symmetric_difference(other_keys).collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "locales: {namespace} keys in only one of {first} and {other}: {missing:?}"
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    fn collect_keys(value: &serde_json::Value, prefix: String, keys: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    collect_keys(inner, path, keys);
                }
            }
            _ => {
                keys.insert(prefix);
            }
        }
    }
}
