//! The command line: `server [serve]`, `server migrate [status]`, `server create-user`,
//! `server seed-demo`.

use std::{
    io::{IsTerminal, Read},
    path::PathBuf,
    process::ExitCode,
    sync::{Arc, Mutex},
};

use app::{
    db::{self, users::CreateUserError},
    domain::Role,
    domain::{Email, Name, Password, strength},
};
use clap::{Parser, Subcommand, ValueEnum};

use crate::{
    config::{AppEnv, Config, ProcessEnv},
    seed,
    startup::{self, Application},
};

/// SMMM Portal: the accounting office's client portal.
///
/// Configuration comes from the environment and an optional `.env` file in the working folder;
/// the README lists every variable. With no command, the server runs.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
pub struct Cli {
    /// Where a development signing secret is kept when SESSION_SECRET is not set.
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default). In development it applies migrations first and seeds the
    /// demo accounts into an empty database; in production the schema must be current (see
    /// `migrate`).
    #[command(alias = "server")]
    Serve,
    /// Apply pending database migrations and exit (safe to run from several places at once);
    /// `migrate status` lists the applied and pending ones.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Create an account. The password is read from standard input when it is not a terminal,
    /// otherwise asked for twice without echo.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Create the demo accounts (README, "Demo accounts") unless they exist.
    SeedDemo,
    /// Turn off an account's two-step sign-in (a sole admin who lost their phone and recovery
    /// codes) and end every session of theirs. Audited.
    ResetMfa {
        #[arg(long)]
        email: String,
    },
    /// Seal every two-step sign-in secret again under MFA_ENCRYPTION_KEY, after a rotation
    /// (the old key set as MFA_ENCRYPTION_KEY_PREVIOUS). Exits 1 when some secret opened under
    /// neither key (its owner must set two-step sign-in up again).
    MfaRekey,
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// List the applied and pending migrations; exit 1 when any is pending.
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Client,
}

impl From<RoleArg> for Role {
    fn from(value: RoleArg) -> Self {
        match value {
            RoleArg::Admin => Role::Admin,
            RoleArg::Client => Role::Client,
        }
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("error: .env: {err}");
        return ExitCode::FAILURE;
    }
    let log_level = std::env::var("LOG_LEVEL").unwrap_or_else(|_| "info".into());
    let production = std::env::var("APP_ENV").is_ok_and(|env| env.trim() == "production");
    let json_logs = match std::env::var("LOG_FORMAT").ok().as_deref().map(str::trim) {
        None => production,
        Some("json") => true,
        Some("pretty") => false,
        Some(other) => {
            eprintln!(
                "error: invalid configuration: LOG_FORMAT: expected 'json' or 'pretty', got '{other}'"
            );
            return ExitCode::from(2);
        }
    };
    // Held to the end: dropping it writes out the lines still buffered.
    let _logs = init_tracing(&log_level, json_logs);

    let config = match Config::from_source(&ProcessEnv, &cli.data_dir) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: invalid configuration: {err}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate { action: None } => migrate(&config).await,
        Command::Migrate {
            action: Some(MigrateAction::Status),
        } => migrate_status(&config).await,
        Command::CreateUser { email, name, role } => {
            create_user(&config, &email, &name, role.into()).await
        }
        Command::SeedDemo => seed_demo(&config).await,
        Command::ResetMfa { email } => reset_mfa(&config, &email).await,
        Command::MfaRekey => mfa_rekey(&config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout is for what a command prints): one JSON object per line (the
/// default in production: what a log system indexes), or text for a person, coloured only on a
/// terminal. Every line of a request carries its `request_id` (see `http::request_log`).
///
/// Lines go through a 64 KiB buffer, written out when it fills and every 100 ms: a request never
/// waits for stderr, and no thread is woken per line (a write per line, or a writer thread woken
/// per line, cost a fifth of the session check's throughput). The returned guard writes out what
/// is left when the process ends.
fn init_tracing(level: &str, json: bool) -> LogFlush {
    let filter = tracing_subscriber::EnvFilter::try_new(format!(
        "{level},sqlx=warn,sea_orm_migration=warn,tower_http=info"
    ))
    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let sink = Arc::new(Mutex::new(std::io::BufWriter::with_capacity(
        64 * 1024,
        std::io::stderr(),
    )));
    let flusher = Arc::downgrade(&sink);
    std::thread::Builder::new()
        .name("log-flush".into())
        .spawn(move || {
            while let Some(sink) = flusher.upgrade() {
                flush(&sink);
                drop(sink);
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        })
        .ok();
    let writer = BufferedStderr(sink.clone());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let _ = if json {
        // The access line by hand, the rest by tracing-subscriber's JSON formatter.
        logs.json()
            .event_format(crate::access_line::json())
            .try_init()
    } else {
        logs.with_ansi(std::io::stderr().is_terminal()).try_init()
    };
    LogFlush(sink)
}

type LogSink = Arc<Mutex<std::io::BufWriter<std::io::Stderr>>>;

/// Where each log line goes: the shared buffer (written out by `log-flush`, not per line).
struct BufferedStderr(LogSink);

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BufferedStderr {
    type Writer = BufferedLine<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        BufferedLine(
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

struct BufferedLine<'a>(std::sync::MutexGuard<'a, std::io::BufWriter<std::io::Stderr>>);

impl std::io::Write for BufferedLine<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes)
    }

    /// Not per line: the buffer is written out when full and every 100 ms.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn flush(sink: &LogSink) {
    use std::io::Write;
    let mut buffer = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let _ = buffer.flush();
}

/// Writes out the buffered log lines when dropped (at the end of `run`).
struct LogFlush(LogSink);

impl Drop for LogFlush {
    fn drop(&mut self) {
        flush(&self.0);
    }
}

async fn serve(config: Config) -> Result<(), String> {
    tracing::info!(?config, "starting");
    let development = config.env == AppEnv::Development;
    let public_url = config.auth.public_origin.clone();
    let app = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    if development {
        // A development PostgreSQL that is away: no demo accounts this time, the server runs.
        match seed::seed_demo_if_empty(app.state()).await {
            Ok(true) => seed::print_demo_accounts(),
            Ok(false) => {}
            Err(err) => tracing::warn!(%err, "could not seed the demo accounts"),
        }
    }
    println!(
        "SMMM Portal is running at {public_url}  (listening on port {})",
        app.port()
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn migrate(config: &Config) -> Result<(), String> {
    if let Some(dir) = config.sqlite_dir() {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    app::db::schema::migrate(&config.db)
        .await
        .map_err(|e| format!("could not migrate the database: {e}"))?;
    println!("Database is up to date.");
    Ok(())
}

async fn migrate_status(config: &Config) -> Result<(), String> {
    let db = app::db::connect(&config.db)
        .await
        .map_err(|e| format!("could not open the database: {e}"))?;
    let status = app::db::schema::status(&db)
        .await
        .map_err(|e| format!("could not read the migrations: {e}"))?;
    for name in &status.applied {
        println!("applied  {name}");
    }
    for name in &status.pending {
        println!("pending  {name}");
    }
    for name in &status.newer {
        println!("newer    {name} (applied by a newer build)");
    }
    if status.is_ready() {
        Ok(())
    } else {
        Err(format!(
            "{} migration(s) pending: run `server migrate`",
            status.pending.len()
        ))
    }
}

async fn create_user(config: &Config, email: &str, name: &str, role: Role) -> Result<(), String> {
    let email = Email::parse(email).map_err(|e| format!("--email: {}", e.message))?;
    let name = Name::parse(name).map_err(|e| format!("--name: {}", e.message))?;
    let raw_password = read_new_password()?;
    let password = Password::parse_new(&raw_password, Some(&email))
        .and_then(|p| strength::check(&p, strength::Owner::of(&name, &email)).map(|()| p))
        .map_err(|e| format!("password: {}", e.message))?;
    let (state, _) = startup::open_state(config, false)
        .await
        .map_err(|e| e.to_string())?;
    let hash = state
        .sessions
        .hasher()
        .hash(&password)
        .await
        .map_err(|e| e.message)?;
    match db::users::create(&state.db, &email, &name, hash, role).await {
        Ok(user) => {
            println!(
                "Created {} account {} (id {}).",
                role.as_str(),
                user.email,
                user.id
            );
            Ok(())
        }
        Err(CreateUserError::DuplicateEmail) => {
            Err(format!("an account with the email {email} already exists"))
        }
        Err(CreateUserError::Db(err)) => Err(format!("database error: {err}")),
    }
}

/// The password from standard input (one line), or asked for twice at a terminal.
fn read_new_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut input = String::new();
        stdin
            .lock()
            .take(4096)
            .read_to_string(&mut input)
            .map_err(|e| format!("could not read the password from standard input: {e}"))?;
        let line = input.lines().next().unwrap_or_default();
        return Ok(line.to_owned());
    }
    let first = rpassword::prompt_password("Password: ")
        .map_err(|e| format!("could not read the password: {e}"))?;
    let second = rpassword::prompt_password("Repeat the password: ")
        .map_err(|e| format!("could not read the password: {e}"))?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

async fn reset_mfa(config: &Config, email: &str) -> Result<(), String> {
    let email = Email::parse(email).map_err(|e| format!("--email: {}", e.message))?;
    let (state, _) = startup::open_state(config, false)
        .await
        .map_err(|e| e.to_string())?;
    let user = db::users::find_by_email(&state.db, &email)
        .await
        .map_err(|e| format!("database error: {e}"))?
        .ok_or_else(|| format!("no account has the email {email}"))?;
    let reset = state
        .sessions
        .reset_two_step(user.id, "from the command line")
        .await
        .map_err(|e| e.message)?;
    if reset {
        println!(
            "Two-step sign-in is off for {email}; every session of theirs has ended. They sign in \
             with the password and can set it up again."
        );
        Ok(())
    } else {
        Err(format!("two-step sign-in is not on for {email}"))
    }
}

async fn mfa_rekey(config: &Config) -> Result<(), String> {
    let (state, _) = startup::open_state(config, false)
        .await
        .map_err(|e| e.to_string())?;
    let (resealed, lost) = state
        .sessions
        .reseal_second_factors()
        .await
        .map_err(|e| e.message)?;
    println!("Sealed {resealed} account(s) again under the current key.");
    if lost.is_empty() {
        Ok(())
    } else {
        let ids: Vec<String> = lost.iter().map(ToString::to_string).collect();
        Err(format!(
            "{} account(s) have a secret sealed under a key this server does not have (user ids \
             {}): set MFA_ENCRYPTION_KEY_PREVIOUS to the old key and run this again, or reset \
             them with `server reset-mfa`",
            lost.len(),
            ids.join(", ")
        ))
    }
}

async fn seed_demo(config: &Config) -> Result<(), String> {
    if config.env == AppEnv::Production {
        return Err(
            "seed-demo makes accounts whose passwords are in the README: never in \
                    production. Make the first admin with `server create-user --role admin \
                    --email … --name …`."
                .into(),
        );
    }
    let (state, _) = startup::open_state(config, false)
        .await
        .map_err(|e| e.to_string())?;
    let created = seed::seed_demo(&state).await.map_err(|e| e.to_string())?;
    if created == 0 {
        println!("The demo accounts already exist.");
    } else {
        seed::print_demo_accounts();
    }
    Ok(())
}
