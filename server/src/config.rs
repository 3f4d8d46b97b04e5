//! Configuration from the environment (and an optional `.env`), checked before anything starts.
//! Every variable is listed in the README's configuration table.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use app::{
    db::DbOptions,
    domain::Lang,
    mail::{Delivery, MailSettings},
    session::server::{AuthConfig, config::MfaPolicy},
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/smmm.db?mode=rwc";
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

/// Everything the server needs to start.
#[derive(Clone)]
pub struct Config {
    pub env: AppEnv,
    pub bind: SocketAddr,
    pub db: DbOptions,
    pub auth: AuthConfig,
    /// Where the built frontend (Trunk's `dist/`) is.
    pub dist_dir: PathBuf,
    /// Largest request body accepted on `/api`.
    pub max_body_bytes: usize,
    pub log_level: String,
    /// An API call that takes longer is answered 503 (the session events stream is exempt).
    pub request_timeout: Duration,
    /// On SIGTERM: how long the instance keeps taking requests while `/readyz` fails (so the
    /// proxy stops sending any), and how long it waits for everything at most.
    pub shutdown_drain: Duration,
    pub shutdown_cap: Duration,
    /// Ended sessions are deleted this long after they ended; audit events this long after
    /// they were recorded (`None`: kept forever). The job runs every `retention_interval`.
    pub session_retention: Duration,
    pub audit_retention: Option<Duration>,
    pub retention_interval: Duration,
    /// Where Prometheus scrapes `/metrics` (`METRICS_BIND`); `None`: no metrics listener.
    pub metrics_bind: Option<SocketAddr>,
    /// Outgoing mail: SMTP, the development outbox folder, or none.
    pub mail: MailSettings,
    /// `OFFICE_TIME_ZONE`: the IANA zone every time is shown in (`Europe/Istanbul`).
    pub office_time_zone: String,
    /// `OFFICE_NAME`, `OFFICE_PHONE`, `OFFICE_EMAIL`: the office's identity on the pages.
    pub office_name: Option<String>,
    pub office_phone: Option<String>,
    pub office_email: Option<String>,
    /// `OFFICE_LOGO`: the office's logo, read at start (served at `/office-logo`).
    pub office_logo: Option<OfficeLogo>,
}

/// An image file's bytes and its type, as the browser is told it.
#[derive(Clone)]
pub struct OfficeLogo {
    /// Shared by every response, not copied (`Bytes` clones by reference count).
    pub bytes: axum::body::Bytes,
    pub content_type: &'static str,
}

impl fmt::Debug for OfficeLogo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OfficeLogo({}, {} bytes)",
            self.content_type,
            self.bytes.len()
        )
    }
}

/// The largest logo the server keeps in memory and sends (a logo is a few kilobytes).
const MAX_LOGO_BYTES: usize = 256 * 1024;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret, never the database password.
        f.debug_struct("Config")
            .field("env", &self.env)
            .field("bind", &self.bind)
            .field("public_url", &self.auth.public_origin)
            .field("database", &redact_url(&self.db.url))
            .field("dist_dir", &self.dist_dir)
            .finish_non_exhaustive()
    }
}

/// A configuration problem: which variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

/// Reads variables from somewhere: the process environment, or a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment (after `.env` has been loaded into it).
pub struct ProcessEnv;

impl Source for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl Source for std::collections::HashMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}

impl<const N: usize> Source for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

impl Config {
    /// Reads and checks every variable. `data_dir` is where a development secret is kept.
    pub fn from_source(source: &impl Source, data_dir: &Path) -> Result<Self, ConfigError> {
        let env = match source.get("APP_ENV").as_deref().map(str::trim) {
            None | Some("development") => AppEnv::Development,
            Some("production") => AppEnv::Production,
            Some(other) => {
                return Err(problem(
                    "APP_ENV",
                    format!("expected 'development' or 'production', got '{other}'"),
                ));
            }
        };
        let production = env == AppEnv::Production;

        let host: IpAddr = parse(
            source,
            "BIND",
            "127.0.0.1".parse().ok(),
            "an IP address such as 127.0.0.1 or 0.0.0.0",
        )?;
        // Development mode seeds demo accounts whose passwords are in the README: never by
        // accident on an address other machines reach.
        if source.get("APP_ENV").is_none() && !host.is_loopback() {
            return Err(problem(
                "APP_ENV",
                format!(
                    "is not set, and BIND={host} is reachable from other machines: set \
                     APP_ENV=production (or APP_ENV=development to run a development server \
                     there on purpose)"
                ),
            ));
        }
        let port: u16 = parse(source, "PORT", Some(3000), "a port number from 0 to 65535")?;
        let bind = SocketAddr::new(host, port);

        // Metrics say how busy the portal is and who is limited: never on the public port.
        let metrics_bind = match source.get("METRICS_BIND") {
            None => None,
            Some(raw) => {
                let addr: SocketAddr = raw.trim().parse().map_err(|_| {
                    problem(
                        "METRICS_BIND",
                        format!("expected an address and port such as 127.0.0.1:9464, got '{raw}'"),
                    )
                })?;
                if addr.port() != 0 && addr.port() == port {
                    return Err(problem(
                        "METRICS_BIND",
                        "must not be the public port (PORT): metrics are for the operator only",
                    ));
                }
                Some(addr)
            }
        };

        let public_origin = match source.get("PUBLIC_URL") {
            Some(url) => parse_origin(&url)?,
            None if production => {
                return Err(problem(
                    "PUBLIC_URL",
                    "required in production: the https:// address people use to reach the portal",
                ));
            }
            None => format!("http://127.0.0.1:{port}"),
        };
        if production && !public_origin.starts_with("https://") {
            return Err(problem(
                "PUBLIC_URL",
                "must be https:// in production, so the session cookie is Secure",
            ));
        }

        let secret = match source.get("SESSION_SECRET") {
            Some(secret) => check_secret("SESSION_SECRET", secret.into_bytes(), production)?,
            None if production => {
                return Err(problem(
                    "SESSION_SECRET",
                    "required in production: at least 32 random bytes, e.g. `openssl rand -base64 48`",
                ));
            }
            None => development_secret(data_dir, "SESSION_SECRET", "session_secret")?,
        };
        let rotation_secret = |variable| {
            source
                .get(variable)
                .map(|s| check_secret(variable, s.into_bytes(), production))
                .transpose()
        };
        let previous_secret = rotation_secret("SESSION_SECRET_PREVIOUS")?;
        let next_secret = rotation_secret("SESSION_SECRET_NEXT")?;
        // The key of the second factor's secrets at rest: its own, never the session secret.
        // Optional in production (two-step sign-in is then unavailable, and the log says so).
        let mfa_key = match source.get("MFA_ENCRYPTION_KEY") {
            Some(key) => Some(check_secret(
                "MFA_ENCRYPTION_KEY",
                key.into_bytes(),
                production,
            )?),
            None if production => None,
            None => Some(development_secret(
                data_dir,
                "MFA_ENCRYPTION_KEY",
                "mfa_key",
            )?),
        };
        let mfa_previous_key = rotation_secret("MFA_ENCRYPTION_KEY_PREVIOUS")?;
        // Staff must have two-step sign-in in production, nobody in development (the demo
        // accounts and `make run` stay one step). In production without the key, nobody can
        // set it up: asked for explicitly that is an error, by default it is off (logged).
        let mfa_required_for = match source.get("MFA_REQUIRED_FOR") {
            Some(raw) => {
                let policy = MfaPolicy::parse(&raw).ok_or_else(|| {
                    problem(
                        "MFA_REQUIRED_FOR",
                        format!("expected none, admin or all, got '{raw}'"),
                    )
                })?;
                if policy != MfaPolicy::None && mfa_key.is_none() {
                    return Err(problem(
                        "MFA_REQUIRED_FOR",
                        "requires MFA_ENCRYPTION_KEY: without it nobody can set up two-step sign-in",
                    ));
                }
                policy
            }
            None if production && mfa_key.is_some() => MfaPolicy::Admin,
            None if production => {
                tracing::warn!(
                    "MFA_ENCRYPTION_KEY is not set: two-step sign-in is off, and not required of staff"
                );
                MfaPolicy::None
            }
            None => MfaPolicy::None,
        };

        let bcrypt_cost: u32 = parse(
            source,
            "BCRYPT_COST",
            Some(12),
            "a whole number from 4 to 31",
        )?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(problem(
                "BCRYPT_COST",
                format!("must be from 4 to 31, got {bcrypt_cost}"),
            ));
        }
        if production && bcrypt_cost < 10 {
            return Err(problem(
                "BCRYPT_COST",
                format!("production needs at least 10, got {bcrypt_cost}"),
            ));
        }

        let token_ttl = seconds(source, "SESSION_TOKEN_TTL_SECS", 300)?;
        let idle_timeout = seconds(source, "SESSION_IDLE_TIMEOUT_SECS", 30 * 60)?;
        let absolute_timeout = seconds(source, "SESSION_ABSOLUTE_TIMEOUT_SECS", 12 * 60 * 60)?;
        if token_ttl > idle_timeout {
            return Err(problem(
                "SESSION_TOKEN_TTL_SECS",
                "must not be longer than SESSION_IDLE_TIMEOUT_SECS",
            ));
        }
        if idle_timeout > absolute_timeout {
            return Err(problem(
                "SESSION_IDLE_TIMEOUT_SECS",
                "must not be longer than SESSION_ABSOLUTE_TIMEOUT_SECS",
            ));
        }

        // The warning comes this long before the idle end: two minutes, or half a (short, test)
        // idle timeout when none is set.
        let idle_warning = match source.get("SESSION_IDLE_WARNING_SECS") {
            Some(_) => {
                let warning = seconds(source, "SESSION_IDLE_WARNING_SECS", 120)?;
                if warning >= idle_timeout {
                    return Err(problem(
                        "SESSION_IDLE_WARNING_SECS",
                        "must be shorter than SESSION_IDLE_TIMEOUT_SECS",
                    ));
                }
                warning
            }
            None => Duration::from_secs(120).min(idle_timeout / 2),
        };

        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mut auth = AuthConfig::for_origin(public_origin, secret);
        auth.idle_warning = idle_warning;
        auth.events_heartbeat = seconds(source, "SESSION_EVENTS_HEARTBEAT_SECS", 20)?;
        auth.max_streams_per_session = at_least_one(source, "SESSION_EVENTS_PER_SESSION", 3)?;
        auth.max_streams_per_address = at_least_one(source, "SESSION_EVENTS_PER_ADDRESS", 100)?;
        auth.previous_secret = previous_secret;
        auth.next_secret = next_secret;
        auth.mfa_key = mfa_key;
        auth.mfa_previous_key = mfa_previous_key;
        auth.mfa_required_for = mfa_required_for;
        auth.token_ttl = token_ttl;
        auth.idle_timeout = idle_timeout;
        auth.absolute_timeout = absolute_timeout;
        auth.bcrypt_cost = bcrypt_cost;
        // One core stays free of bcrypt: in a storm of sign-ins, everyone else's requests run.
        let hash_threads = cores.saturating_sub(1).max(1);
        auth.max_concurrent_hashes = at_least_one(source, "BCRYPT_MAX_CONCURRENT", hash_threads)?;
        auth.max_failures_per_account = at_least_one(source, "SIGNIN_MAX_FAILURES_PER_ACCOUNT", 5)?;
        auth.max_failures_per_address =
            at_least_one(source, "SIGNIN_MAX_FAILURES_PER_ADDRESS", 50)?;
        auth.hash_queue_timeout = Duration::from_millis(parse(
            source,
            "BCRYPT_QUEUE_TIMEOUT_MS",
            Some(5000),
            "a whole number of milliseconds",
        )?);
        auth.reauth_window = seconds(source, "REAUTH_WINDOW_SECS", 10 * 60)?;
        auth.rate_limit_window = seconds(source, "SIGNIN_LOCKOUT_SECS", 15 * 60)?;
        if source.get("TRUST_FORWARDED_FOR").is_some() {
            return Err(problem(
                "TRUST_FORWARDED_FOR",
                "no longer read: set TRUSTED_PROXY_HOPS to the number of proxies in front \
                 (1 for one nginx), or leave it unset for none",
            ));
        }
        auth.trusted_proxy_hops = parse(
            source,
            "TRUSTED_PROXY_HOPS",
            Some(0),
            "the number of reverse proxies in front (0, 1, 2, …)",
        )?;
        let mut db = DbOptions::new(
            source
                .get("DATABASE_URL")
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
        );
        if !(db.url.starts_with("sqlite:")
            || db.url.starts_with("postgres://")
            || db.url.starts_with("postgresql://"))
        {
            return Err(problem(
                "DATABASE_URL",
                "expected sqlite://… or postgres://…",
            ));
        }
        db.max_connections = parse(
            source,
            "DATABASE_MAX_CONNECTIONS",
            Some(10),
            "a whole number of at least 1",
        )?;
        db.schema = source.get("DATABASE_SCHEMA");
        db.slow_statement = Duration::from_millis(parse(
            source,
            "DB_SLOW_STATEMENT_MS",
            Some(500),
            "a whole number of milliseconds",
        )?);
        db.statement_timeout = match parse(
            source,
            "DB_STATEMENT_TIMEOUT_MS",
            Some(5000_u64),
            "a whole number of milliseconds (0 for none)",
        )? {
            0 => None,
            millis => Some(Duration::from_millis(millis)),
        };
        if !db.is_sqlite() && db.max_connections < 2 {
            return Err(problem(
                "DATABASE_MAX_CONNECTIONS",
                "PostgreSQL needs at least 2: the revocation listener holds one of the pool's",
            ));
        }
        // PostgreSQL pushes revocations (LISTEN/NOTIFY): its poll is only the fallback. On
        // SQLite the poll is the only way a second process on the same file would learn of one.
        auth.revocation_poll = Duration::from_secs(if db.is_sqlite() { 1 } else { 5 });

        let shutdown_drain = Duration::from_secs(parse(
            source,
            "SHUTDOWN_DRAIN_SECS",
            Some(5),
            "a whole number of seconds (0 for none)",
        )?);
        let shutdown_cap = seconds(source, "SHUTDOWN_TIMEOUT_SECS", 25)?;
        if shutdown_drain >= shutdown_cap {
            return Err(problem(
                "SHUTDOWN_DRAIN_SECS",
                "must be shorter than SHUTDOWN_TIMEOUT_SECS",
            ));
        }

        const DAY: u64 = 24 * 60 * 60;
        let session_days: u64 = parse(
            source,
            "SESSION_RETENTION_DAYS",
            Some(30),
            "a whole number of days, from 1",
        )?;
        if !(1..=3650).contains(&session_days) {
            return Err(problem(
                "SESSION_RETENTION_DAYS",
                format!("must be from 1 to 3650 days, got {session_days}"),
            ));
        }
        let audit_days: u64 = parse(
            source,
            "AUDIT_RETENTION_DAYS",
            Some(365),
            "a whole number of days (0 keeps the audit log forever)",
        )?;
        if audit_days > 36500 {
            return Err(problem(
                "AUDIT_RETENTION_DAYS",
                format!("must be at most 36500 days (0 keeps them forever), got {audit_days}"),
            ));
        }

        let mail = mail_settings(source, production, data_dir, &auth.public_origin)?;

        Ok(Self {
            env,
            bind,
            db,
            mail,
            office_time_zone: office_time_zone(source)?,
            office_name: office_text(source, "OFFICE_NAME", 80, |_| true, "a name")?,
            office_phone: office_text(
                source,
                "OFFICE_PHONE",
                30,
                |phone| {
                    phone.chars().any(|c| c.is_ascii_digit())
                        && phone
                            .chars()
                            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
                },
                "a phone number such as +90 212 555 01 23",
            )?,
            office_logo: office_logo(source)?,
            office_email: office_text(
                source,
                "OFFICE_EMAIL",
                254,
                |email| app::domain::Email::parse(email).is_ok(),
                "an email address such as iletisim@ornek-muhasebe.com.tr",
            )?,
            auth,
            session_retention: Duration::from_secs(session_days * DAY),
            audit_retention: (audit_days > 0).then(|| Duration::from_secs(audit_days * DAY)),
            retention_interval: seconds(source, "RETENTION_INTERVAL_SECS", 600)?,
            metrics_bind,
            dist_dir: source
                .get("DIST_DIR")
                .map_or_else(|| PathBuf::from("dist"), PathBuf::from),
            max_body_bytes: parse(
                source,
                "MAX_BODY_BYTES",
                Some(64 * 1024),
                "a number of bytes",
            )?,
            log_level: source.get("LOG_LEVEL").unwrap_or_else(|| "info".to_owned()),
            request_timeout: seconds(source, "REQUEST_TIMEOUT_SECS", 15)?,
            shutdown_drain,
            shutdown_cap,
        })
    }

    /// The SQLite file's folder, which must exist before the database is opened.
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        self.db.sqlite_file()?.parent().map(Path::to_path_buf)
    }
}

/// `SMTP_URL`, `MAIL_FROM`, `MAIL_DISABLED`, `OFFICE_LANGUAGE` and the queue's settings.
/// Production needs SMTP
/// (or mail turned off on purpose); development without it writes `.eml` files to
/// `data/outbox/`.
fn mail_settings(
    source: &impl Source,
    production: bool,
    data_dir: &Path,
    public_origin: &str,
) -> Result<MailSettings, ConfigError> {
    let disabled = match source.get("MAIL_DISABLED").as_deref().map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(problem(
                "MAIL_DISABLED",
                format!("expected true or false, got '{other}'"),
            ));
        }
    };
    let smtp_url = source.get("SMTP_URL").map(|url| url.trim().to_owned());
    let delivery = match smtp_url {
        Some(_) if disabled => {
            return Err(problem(
                "MAIL_DISABLED",
                "is true while SMTP_URL is set: unset one of them",
            ));
        }
        Some(url) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(problem(
                    "SMTP_URL",
                    format!(
                        "expected smtp://host:587?tls=required or smtps://user:password@host:465, got '{}'",
                        redact_url(&url)
                    ),
                ));
            }
            Delivery::Smtp { url }
        }
        None if disabled => Delivery::Disabled,
        None if production => {
            return Err(problem(
                "SMTP_URL",
                "required in production, so password reset and invitation emails leave the                  server (e.g. smtps://user:password@mail.example.com:465); set                  MAIL_DISABLED=true to run without email",
            ));
        }
        None => Delivery::Folder(data_dir.join("outbox")),
    };
    let mut mail = MailSettings::new(delivery, public_origin);
    match source.get("MAIL_FROM") {
        Some(from) => mail.from = from.trim().to_owned(),
        None if production && !disabled => {
            return Err(problem(
                "MAIL_FROM",
                "required in production with SMTP_URL: the sender, e.g. 'SMMM Ofisi <portal@ofis.example>'",
            ));
        }
        None => {}
    }
    if !app::mail::is_mailbox(&mail.from) {
        return Err(problem(
            "MAIL_FROM",
            format!(
                "expected an address such as 'SMMM Ofisi <portal@ofis.example>', got '{}'",
                mail.from
            ),
        ));
    }
    mail.max_attempts = at_least_one(source, "MAIL_MAX_ATTEMPTS", 8)?;
    mail.retry_base = seconds(source, "MAIL_RETRY_SECS", 30)?;
    mail.send_timeout = seconds(source, "MAIL_SEND_TIMEOUT_SECS", 20)?;
    mail.resets_per_account = at_least_one(source, "RESET_MAX_PER_ACCOUNT", 3)?;
    mail.resets_per_address = at_least_one(source, "RESET_MAX_PER_ADDRESS", 20)?;
    mail.office_language = office_language(source)?;
    Ok(mail)
}

/// `OFFICE_LANGUAGE`: `tr` (the default) or `en`, the language of the emails to someone who
/// chose none and did not ask for them (an invitation, a notice).
fn office_language(source: &impl Source) -> Result<Lang, ConfigError> {
    match source.get("OFFICE_LANGUAGE") {
        None => Ok(Lang::Tr),
        Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
            "tr" => Ok(Lang::Tr),
            "en" => Ok(Lang::En),
            _ => Err(problem(
                "OFFICE_LANGUAGE",
                format!("expected tr (Turkish) or en (English), got '{raw}'"),
            )),
        },
    }
}

/// `OFFICE_LOGO`: a PNG, JPEG, WebP or SVG file of at most 256 KiB, read once at start.
fn office_logo(source: &impl Source) -> Result<Option<OfficeLogo>, ConfigError> {
    let Some(raw) = source.get("OFFICE_LOGO").filter(|p| !p.trim().is_empty()) else {
        return Ok(None);
    };
    let path = PathBuf::from(raw.trim());
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let content_type = match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => {
            return Err(problem(
                "OFFICE_LOGO",
                format!("expected a .png, .jpg, .webp or .svg file, got '{raw}'"),
            ));
        }
    };
    let bytes = std::fs::read(&path).map_err(|err| {
        problem(
            "OFFICE_LOGO",
            format!("could not read '{}': {err}", path.display()),
        )
    })?;
    if bytes.is_empty() || bytes.len() > MAX_LOGO_BYTES {
        return Err(problem(
            "OFFICE_LOGO",
            format!(
                "'{}' is {} bytes: a logo must be at most {MAX_LOGO_BYTES} bytes",
                path.display(),
                bytes.len()
            ),
        ));
    }
    Ok(Some(OfficeLogo {
        bytes: bytes.into(),
        content_type,
    }))
}

/// An optional line of the office's identity: trimmed, at most `max` characters, no control
/// characters, and `fits`; empty means not set.
fn office_text(
    source: &impl Source,
    variable: &'static str,
    max: usize,
    fits: impl Fn(&str) -> bool,
    expected: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(raw) = source.get(variable) else {
        return Ok(None);
    };
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() <= max && !text.chars().any(char::is_control) && fits(text) {
        Ok(Some(text.to_owned()))
    } else {
        Err(problem(
            variable,
            format!("expected {expected} (at most {max} characters), got '{raw}'"),
        ))
    }
}

/// `OFFICE_TIME_ZONE`: an IANA name such as `Europe/Istanbul` (the default) or `UTC`. Checked
/// for its shape only (the browser's time-zone database formats with it; one it does not know
/// falls back to the reader's own zone).
fn office_time_zone(source: &impl Source) -> Result<String, ConfigError> {
    let Some(raw) = source.get("OFFICE_TIME_ZONE") else {
        return Ok(app::format::DEFAULT_TIME_ZONE.to_owned());
    };
    let zone = raw.trim();
    let shaped = !zone.is_empty()
        && zone.len() <= 64
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if shaped {
        Ok(zone.to_owned())
    } else {
        Err(problem(
            "OFFICE_TIME_ZONE",
            format!("expected an IANA time zone such as Europe/Istanbul, got '{raw}'"),
        ))
    }
}

fn parse<T: FromStr>(
    source: &impl Source,
    variable: &'static str,
    default: Option<T>,
    expected: &str,
) -> Result<T, ConfigError> {
    match source.get(variable) {
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| problem(variable, format!("expected {expected}, got '{raw}'"))),
        None => default.ok_or_else(|| problem(variable, format!("required: {expected}"))),
    }
}

fn seconds(
    source: &impl Source,
    variable: &'static str,
    default: u64,
) -> Result<Duration, ConfigError> {
    /// Thirty days: longer lifetimes are mistakes, and would overflow date arithmetic.
    const MAX_SECS: u64 = 30 * 24 * 60 * 60;
    let secs: u64 = parse(
        source,
        variable,
        Some(default),
        "a whole number of seconds, at least 1",
    )?;
    if secs == 0 || secs > MAX_SECS {
        return Err(problem(
            variable,
            format!("must be from 1 to {MAX_SECS} seconds (30 days), got {secs}"),
        ));
    }
    Ok(Duration::from_secs(secs))
}

/// A count that must be at least 1; a 0 is reported against its own variable.
fn at_least_one<T>(source: &impl Source, name: &'static str, default: T) -> Result<T, ConfigError>
where
    T: FromStr + PartialEq + From<u8>,
{
    let value: T = parse(source, name, Some(default), "a whole number of at least 1")?;
    if value == T::from(0) {
        return Err(problem(name, "must be at least 1, got 0"));
    }
    Ok(value)
}

/// `scheme://host[:port]` with no path; what browsers send as `Origin`.
fn parse_origin(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        problem(
            "PUBLIC_URL",
            format!("expected http(s)://host[:port], got '{raw}'"),
        )
    })?;
    if !matches!(scheme, "http" | "https")
        || rest.is_empty()
        || rest.contains(['/', '?', '#', ' ', '@'])
    {
        return Err(problem(
            "PUBLIC_URL",
            format!("expected http(s)://host[:port] with no path, got '{raw}'"),
        ));
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// Checks a signing secret; in production also that it does not look chosen by a person. The
/// bytes are used as they are: tightening this check signs nobody out.
fn check_secret(
    variable: &'static str,
    secret: Vec<u8>,
    production: bool,
) -> Result<Vec<u8>, ConfigError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(problem(
            variable,
            format!(
                "must be at least {MIN_SECRET_BYTES} bytes, got {}",
                secret.len()
            ),
        ));
    }
    let mut distinct = secret.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 10 || (production && looks_guessable(&secret, distinct.len())) {
        return Err(problem(
            variable,
            "is too predictable: use random bytes, e.g. `openssl rand -base64 48`",
        ));
    }
    Ok(secret)
}

/// A secret a person made up rather than a random generator: few distinct characters, a
/// repeated pattern, only lowercase words, or a word such a secret is usually made of.
fn looks_guessable(secret: &[u8], distinct: usize) -> bool {
    const WORDS: [&str; 9] = [
        "secret", "password", "passwd", "changeme", "example", "default", "portal", "smmm",
        "qwerty",
    ];
    let repeats = (1..=secret.len() / 2).any(|period| {
        secret.len().is_multiple_of(period)
            && secret
                .chunks(period)
                .all(|chunk| chunk == &secret[..period])
    });
    let alphanumeric: Vec<u8> = secret
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    let only_lowercase_letters = alphanumeric.iter().all(u8::is_ascii_lowercase);
    let lower = String::from_utf8_lossy(secret).to_ascii_lowercase();
    distinct < 16
        || repeats
        || only_lowercase_letters
        || WORDS.iter().any(|word| lower.contains(word))
}

/// In development a secret is made once and kept in `data/<file>` (mode 0600), so sessions
/// (`SESSION_SECRET`, `session_secret`) and two-step enrolments (`MFA_ENCRYPTION_KEY`,
/// `mfa_key`) survive restarts without anyone having to configure one.
fn development_secret(
    data_dir: &Path,
    variable: &'static str,
    file: &str,
) -> Result<Vec<u8>, ConfigError> {
    use rand::RngCore;
    let path = data_dir.join(file);
    let fail = |what: &str, err: std::io::Error| {
        problem(
            variable,
            format!("not set, and {what} {}: {err}", path.display()),
        )
    };
    match std::fs::read(&path) {
        Ok(secret) => {
            check_private(&path, variable)?;
            return check_secret(variable, secret, false);
        }
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(fail("could not read", err));
        }
        Err(_) => {}
    }
    std::fs::create_dir_all(data_dir).map_err(|e| fail("could not create the folder of", e))?;
    let mut bytes = [0_u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret: Vec<u8> = bytes
        .iter()
        .map(|b| {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[usize::from(b % 64)]
        })
        .collect();
    // Written whole under a name of this process's own, then linked into place: processes
    // starting at once (a few `server migrate`s, say) all end up with the one secret that won.
    let draft = data_dir.join(format!(".{file}.{}", std::process::id()));
    let _ = std::fs::remove_file(&draft);
    write_private(&draft, &secret).map_err(|e| fail("could not write", e))?;
    let published = std::fs::hard_link(&draft, &path);
    let _ = std::fs::remove_file(&draft);
    match published {
        Ok(()) => {
            tracing::info!(path = %path.display(), variable, "not set: generated a development secret");
            Ok(secret)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let theirs = std::fs::read(&path).map_err(|e| fail("could not read", e))?;
            check_secret(variable, theirs, false)
        }
        Err(err) => Err(fail("could not write", err)),
    }
}

/// The development secret file must be readable by its owner alone (0600), as it was written.
#[cfg(unix)]
fn check_private(path: &Path, variable: &'static str) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| problem(variable, format!("could not read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(problem(
            variable,
            format!(
                "not set, and {} is readable by others (mode {:o}): `chmod 600` it, or delete \
                 it to have a new one made (see the README for what that ends)",
                path.display(),
                mode & 0o777
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _variable: &'static str) -> Result<(), ConfigError> {
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// A database URL fit for a log line: the password replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "k3Jx9-aQ2mV7pL0sZ8wT4nB6cR1yU5eH";

    #[test]
    fn two_step_sign_in_is_required_of_staff_in_production_when_it_can_be() {
        use app::session::server::config::MfaPolicy;
        let dir = tempfile::tempdir().unwrap();
        let production = [
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://p.example.com"),
            ("SESSION_SECRET", SECRET),
            ("SMTP_URL", "smtp://127.0.0.1:2525"),
            ("MAIL_FROM", "Portal <portal@example.com>"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let env: std::collections::HashMap<String, String> = production
                .iter()
                .chain(extra)
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Config::from_source(&env, dir.path())
        };
        let key = ("MFA_ENCRYPTION_KEY", "Zq8-Lw3xTn5Vb0Ka7Rc2Yh9Jd4Uf6Mg1");
        let policy = |c: Config| c.auth.mfa_required_for;
        assert_eq!(policy(with(&[key]).unwrap()), MfaPolicy::Admin);
        assert_eq!(
            policy(with(&[key, ("MFA_REQUIRED_FOR", "all")]).unwrap()),
            MfaPolicy::All
        );
        assert_eq!(
            policy(with(&[]).unwrap()),
            MfaPolicy::None,
            "no key: nobody could set it up"
        );
        let err = with(&[("MFA_REQUIRED_FOR", "admin")]).err().unwrap();
        assert_eq!(err.variable, "MFA_REQUIRED_FOR");
        let err = with(&[key, ("MFA_REQUIRED_FOR", "sometimes")])
            .err()
            .unwrap();
        assert_eq!(err.variable, "MFA_REQUIRED_FOR");
        // Development: off, and a key made on first start.
        let dev = Config::from_source(&[], dir.path()).unwrap();
        assert_eq!(dev.auth.mfa_required_for, MfaPolicy::None);
        assert!(dev.auth.mfa_key.is_some());
        assert!(dir.path().join("mfa_key").exists());
    }

    #[test]
    fn production_refuses_missing_or_weak_settings() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::from_source(
            &[
                ("APP_ENV", "production"),
                ("PUBLIC_URL", "https://portal.example.com"),
            ],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(err.variable, "SESSION_SECRET");
        let err = Config::from_source(
            &[
                ("APP_ENV", "production"),
                ("PUBLIC_URL", "https://p.example.com"),
                ("SESSION_SECRET", SECRET),
                ("BCRYPT_COST", "8"),
            ],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(err.variable, "BCRYPT_COST");
        let err = Config::from_source(
            &[("SESSION_SECRET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")],
            dir.path(),
        )
        .err()
        .unwrap();
        assert!(err.problem.contains("predictable"), "{err}");
    }

    #[test]
    fn production_needs_smtp_or_mail_turned_off_and_development_writes_an_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let base = [
            ("APP_ENV", "production"),
            ("PUBLIC_URL", "https://portal.example.com"),
            ("SESSION_SECRET", SECRET),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let env: std::collections::HashMap<String, String> = base
                .iter()
                .chain(extra)
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Config::from_source(&env, dir.path())
        };
        let err = with(&[]).err().unwrap();
        assert_eq!(err.variable, "SMTP_URL", "{err}");
        assert!(err.problem.contains("MAIL_DISABLED=true"), "{err}");
        let smtp = (
            "SMTP_URL",
            "smtps://portal:hunter2-secret@mail.example.com:465",
        );
        assert_eq!(with(&[smtp]).err().unwrap().variable, "MAIL_FROM");
        let from = ("MAIL_FROM", "SMMM Ofisi <portal@ofis.example>");
        let config = with(&[smtp, from]).unwrap();
        assert!(matches!(config.mail.delivery, Delivery::Smtp { .. }));
        assert!(
            !format!("{:?}", config.mail).contains("hunter2"),
            "never the password"
        );
        let bad = with(&[("SMTP_URL", "https://mail.example.com:hunter2@x"), from])
            .err()
            .unwrap();
        assert_eq!(bad.variable, "SMTP_URL");
        assert!(!bad.problem.contains("hunter2"), "{bad}");
        assert_eq!(
            with(&[smtp, ("MAIL_FROM", "not an address")])
                .err()
                .unwrap()
                .variable,
            "MAIL_FROM"
        );
        assert_eq!(
            with(&[smtp, from, ("MAIL_DISABLED", "true")])
                .err()
                .unwrap()
                .variable,
            "MAIL_DISABLED"
        );
        let off = with(&[("MAIL_DISABLED", "true")]).unwrap();
        assert!(matches!(off.mail.delivery, Delivery::Disabled));
        let development = Config::from_source(&[("SESSION_SECRET", SECRET)], dir.path()).unwrap();
        assert!(
            matches!(&development.mail.delivery, Delivery::Folder(d) if d == &dir.path().join("outbox"))
        );
        // The office's language: Turkish unless told, and nothing but tr or en.
        assert_eq!(config.mail.office_language, Lang::Tr);
        assert_eq!(development.mail.office_language, Lang::Tr);
        let english = with(&[smtp, from, ("OFFICE_LANGUAGE", " EN ")]).unwrap();
        assert_eq!(english.mail.office_language, Lang::En);
        let turkish = with(&[smtp, from, ("OFFICE_LANGUAGE", "tr")]).unwrap();
        assert_eq!(turkish.mail.office_language, Lang::Tr);
        for wrong in ["de", "tr-TR", "turkish"] {
            let err = with(&[smtp, from, ("OFFICE_LANGUAGE", wrong)])
                .err()
                .unwrap();
            assert_eq!(
                err.to_string(),
                format!("OFFICE_LANGUAGE: expected tr (Turkish) or en (English), got '{wrong}'")
            );
        }
        // The office's time zone: Istanbul unless told; an IANA-shaped name only.
        assert_eq!(config.office_time_zone, "Europe/Istanbul");
        let utc = with(&[smtp, from, ("OFFICE_TIME_ZONE", " UTC ")]).unwrap();
        assert_eq!(utc.office_time_zone, "UTC");
        let berlin = with(&[smtp, from, ("OFFICE_TIME_ZONE", "Europe/Berlin")]).unwrap();
        assert_eq!(berlin.office_time_zone, "Europe/Berlin");
        for wrong in ["Europe Istanbul", "<script>", "Europe/Istanbul;rm"] {
            let err = with(&[smtp, from, ("OFFICE_TIME_ZONE", wrong)])
                .err()
                .unwrap();
            assert_eq!(err.variable, "OFFICE_TIME_ZONE");
        }
        // The office's identity: each optional, trimmed, checked for what it is.
        assert_eq!(
            (
                &config.office_name,
                &config.office_phone,
                &config.office_email
            ),
            (&None, &None, &None)
        );
        let office = with(&[
            smtp,
            from,
            ("OFFICE_NAME", " Yılmaz Mali Müşavirlik "),
            ("OFFICE_PHONE", "+90 (212) 555-01-23"),
            ("OFFICE_EMAIL", "iletisim@yilmaz-smmm.example"),
        ])
        .unwrap();
        assert_eq!(
            office.office_name.as_deref(),
            Some("Yılmaz Mali Müşavirlik")
        );
        assert_eq!(office.office_phone.as_deref(), Some("+90 (212) 555-01-23"));
        assert_eq!(
            office.office_email.as_deref(),
            Some("iletisim@yilmaz-smmm.example")
        );
        assert_eq!(
            with(&[smtp, from, ("OFFICE_NAME", "  ")])
                .unwrap()
                .office_name,
            None
        );
        for (variable, wrong) in [
            ("OFFICE_PHONE", "call us"),
            ("OFFICE_PHONE", "+90 212 555 01 23; rm"),
            ("OFFICE_EMAIL", "not an address"),
            ("OFFICE_NAME", "Line\nbreak"),
        ] {
            let err = with(&[smtp, from, (variable, wrong)]).err().unwrap();
            assert_eq!(err.variable, variable, "{wrong}");
        }
        // A logo: an image file that is there and small.
        let logo_dir = tempfile::tempdir().unwrap();
        let png = logo_dir.path().join("logo.png");
        std::fs::write(&png, b"\x89PNG fake").unwrap();
        let png: &'static str = png.display().to_string().leak();
        let logo = with(&[smtp, from, ("OFFICE_LOGO", png)]).unwrap();
        let logo = logo.office_logo.unwrap();
        assert_eq!(logo.content_type, "image/png");
        assert_eq!(&*logo.bytes, b"\x89PNG fake");
        let text: &'static str = logo_dir
            .path()
            .join("logo.txt")
            .display()
            .to_string()
            .leak();
        let missing: &'static str = logo_dir
            .path()
            .join("gone.svg")
            .display()
            .to_string()
            .leak();
        for wrong in [text, missing] {
            let err = with(&[smtp, from, ("OFFICE_LOGO", wrong)]).err().unwrap();
            assert_eq!(err.variable, "OFFICE_LOGO", "{wrong}");
        }
        let long: &'static str = "x".repeat(81).leak();
        assert!(with(&[smtp, from, ("OFFICE_NAME", long)]).is_err());
    }

    #[test]
    fn production_refuses_secrets_a_person_made_up_and_keeps_random_ones() {
        let dir = tempfile::tempdir().unwrap();
        let production = |secret: &str| {
            Config::from_source(
                &[
                    ("APP_ENV", "production"),
                    ("PUBLIC_URL", "https://portal.example.com"),
                    ("SESSION_SECRET", secret),
                    ("MAIL_DISABLED", "true"),
                ],
                dir.path(),
            )
        };
        for guessable in [
            "abcdefghijabcdefghijabcdefghijabcdefghij",
            "correct-horse-battery-staple-and-more-words",
            "our-office-Secret-2026-Kadikoy-Istanbul-34",
            "MyPortalKey2026MyPortalKey2026MyPortalKey2026",
            "changeme-0123456789-ABCDEFGHIJKLMNOP",
        ] {
            let err = production(guessable).err().unwrap();
            assert_eq!(err.variable, "SESSION_SECRET", "{guessable}");
            assert!(err.problem.contains("openssl rand"), "{err}");
        }
        // What `openssl rand -base64 48` prints, and the tests' secret.
        for random in [
            "q8V1m3bXHk2Zr0YJd6tWcA9uLfE5sNpGx7iOaRQhyKMTw4jvBDzUFeCIlgo+/n==",
            SECRET,
        ] {
            assert!(production(random).is_ok(), "{random}");
        }
        // Development keeps accepting what it accepted: nobody is signed out by an upgrade.
        let config = Config::from_source(
            &[(
                "SESSION_SECRET",
                "correct-horse-battery-staple-and-more-words",
            )],
            dir.path(),
        );
        assert!(config.is_ok());
    }

    #[test]
    fn without_app_env_the_server_stays_on_loopback() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::from_source(
            &[("BIND", "0.0.0.0"), ("SESSION_SECRET", SECRET)],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(err.variable, "APP_ENV");
        assert!(err.problem.contains("APP_ENV=production"), "{err}");
        for bind in ["127.0.0.1", "::1"] {
            let config =
                Config::from_source(&[("BIND", bind), ("SESSION_SECRET", SECRET)], dir.path());
            assert!(config.is_ok(), "{bind}");
        }
        let on_purpose = Config::from_source(
            &[
                ("BIND", "0.0.0.0"),
                ("APP_ENV", "development"),
                ("SESSION_SECRET", SECRET),
            ],
            dir.path(),
        );
        assert!(on_purpose.is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_development_secret_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Config::from_source(&[("PORT", "0")], dir.path()).unwrap();
        let path = dir.path().join("session_secret");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Config::from_source(&[("PORT", "0")], dir.path())
            .err()
            .unwrap();
        assert_eq!(err.variable, "SESSION_SECRET");
        assert!(err.problem.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Config::from_source(&[("PORT", "0")], dir.path()).is_ok());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::from_source(
            &[("PORT", "eighty"), ("SESSION_SECRET", SECRET)],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "PORT: expected a port number from 0 to 65535, got 'eighty'"
        );
        let err = Config::from_source(
            &[
                ("PUBLIC_URL", "portal.example.com"),
                ("SESSION_SECRET", SECRET),
            ],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(err.variable, "PUBLIC_URL");
        for variable in [
            "BCRYPT_MAX_CONCURRENT",
            "SIGNIN_MAX_FAILURES_PER_ACCOUNT",
            "SIGNIN_MAX_FAILURES_PER_ADDRESS",
        ] {
            let err =
                Config::from_source(&[(variable, "0"), ("SESSION_SECRET", SECRET)], dir.path())
                    .err()
                    .unwrap();
            assert_eq!(
                err.to_string(),
                format!("{variable}: must be at least 1, got 0")
            );
        }
    }

    #[test]
    fn lifetimes_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::from_source(
            &[
                ("SESSION_SECRET", SECRET),
                ("SESSION_ABSOLUTE_TIMEOUT_SECS", "10000000000000"),
            ],
            dir.path(),
        )
        .err()
        .unwrap();
        assert_eq!(err.variable, "SESSION_ABSOLUTE_TIMEOUT_SECS");
    }

    #[test]
    fn retention_is_bounded_and_zero_keeps_the_audit_log() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_source(&[("SESSION_SECRET", SECRET)], dir.path()).unwrap();
        let day = 24 * 60 * 60;
        assert_eq!(config.session_retention, Duration::from_secs(30 * day));
        assert_eq!(config.audit_retention, Some(Duration::from_secs(365 * day)));
        assert_eq!(config.db.statement_timeout, Some(Duration::from_secs(5)));
        let config = Config::from_source(
            &[
                ("SESSION_SECRET", SECRET),
                ("AUDIT_RETENTION_DAYS", "0"),
                ("DB_STATEMENT_TIMEOUT_MS", "0"),
            ],
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            (config.audit_retention, config.db.statement_timeout),
            (None, None)
        );
        for (variable, value) in [
            ("SESSION_RETENTION_DAYS", "0"),
            ("SESSION_RETENTION_DAYS", "a month"),
            ("AUDIT_RETENTION_DAYS", "100000"),
            ("RETENTION_INTERVAL_SECS", "0"),
            ("METRICS_BIND", "9464"),
            ("METRICS_BIND", "127.0.0.1:3000"),
        ] {
            let err =
                Config::from_source(&[("SESSION_SECRET", SECRET), (variable, value)], dir.path())
                    .err()
                    .unwrap();
            assert_eq!(err.variable, variable, "{value}");
        }
    }

    #[test]
    fn development_secret_is_made_once_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let first = Config::from_source(&[("PORT", "0")], dir.path()).unwrap();
        let second = Config::from_source(&[("PORT", "0")], dir.path()).unwrap();
        assert_eq!(first.auth.secret, second.auth.secret);
        assert!(first.auth.secret.len() >= MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("session_secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn redacts_database_passwords() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db:5432/smmm"),
            "postgres://app:***@db:5432/smmm"
        );
        assert_eq!(redact_url(DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL);
    }
}
