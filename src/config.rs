//! Typed, layered settings. A value comes from, in rising priority: `config/base.toml` (compiled
//! into the binary, so it runs from any directory), `config/{local,production}.toml` on disk
//! (chosen by `GAMEBOT_ENVIRONMENT`, default `local`), then `GAMEBOT_`-prefixed environment
//! variables with `__` between nesting levels (`GAMEBOT_DATABASE__URL`). Secrets are
//! [`SecretString`]s, so `Debug` and logs print `[REDACTED]` instead of them.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use config::{Config, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::domain::game::GameTimeouts;

/// The defaults, compiled in from `config/base.toml`.
const BASE_TOML: &str = include_str!("../config/base.toml");
/// Prefix of every environment variable that overrides a setting.
const ENV_PREFIX: &str = "GAMEBOT";
/// Separator between nesting levels in an environment variable name (`DATABASE__URL`).
const ENV_SEPARATOR: &str = "__";
/// The variable that names the environment file to layer over the defaults.
pub const ENVIRONMENT_VAR: &str = "GAMEBOT_ENVIRONMENT";
/// The variable that moves the directory holding the environment files (default `./config`).
pub const CONFIG_DIR_VAR: &str = "GAMEBOT_CONFIG_DIR";

/// Everything the process can be configured with.
///
/// Each section is a struct with its own defaults in `config/base.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Where events are stored.
    pub database: DatabaseSettings,
    /// How logs are written.
    pub telemetry: TelemetrySettings,
    /// How stream actors are kept.
    pub runtime: RuntimeSettings,
    /// The operators' health line.
    pub health: HealthSettings,
    /// Where and how the bot connects to Discord.
    pub discord: DiscordSettings,
    /// How long games wait for people.
    pub games: GamesSettings,
}

/// How long a lobby waits for its start and a running game for an answer. Each game records the
/// values it was opened with, so a change applies to games opened afterwards.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GamesSettings {
    /// Seconds a lobby stays open without a start before it closes.
    pub lobby_timeout_seconds: u32,
    /// Seconds a running game goes without an answer before it ends with no winner (Longform
    /// waits two rounds longer).
    pub idle_timeout_seconds: u32,
}

impl GamesSettings {
    /// The timeouts the service hands every game it opens.
    pub fn timeouts(&self) -> GameTimeouts {
        GameTimeouts {
            lobby_seconds: self.lobby_timeout_seconds,
            idle_seconds: self.idle_timeout_seconds,
        }
    }
}

/// Discord endpoints and credentials. The endpoints are configurable so the bot runs against any
/// Discord-compatible server, such as the fake Discord of the end-to-end tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordSettings {
    /// The bot token (`GAMEBOT_DISCORD__TOKEN`). Only `serve` needs it.
    #[serde(default)]
    pub token: Option<SecretString>,
    /// The gateway's WebSocket URL, without a trailing slash; `ws://` means no TLS.
    pub gateway_url: String,
    /// The REST API's base URL: `https://discord.com`, or `http://host:port` for plain HTTP to
    /// that host.
    pub api_url: String,
    /// How many shards to run; unset means Discord's recommendation (`GET /gateway/bot`).
    #[serde(default)]
    pub shards: Option<u32>,
    /// Whether to request the privileged MESSAGE_CONTENT intent, which prefix commands in guild
    /// channels need (DM answers and slash commands work without it).
    pub message_content: bool,
    /// The application id; unset means asking Discord (`GET /applications/@me`).
    #[serde(default)]
    pub application_id: Option<u64>,
    /// Commands, slash commands and DMs one user may send per
    /// [`rate_limit_window_seconds`](Self::rate_limit_window_seconds); 0 turns the limit off.
    pub rate_limit: u32,
    /// The sliding window of [`rate_limit`](Self::rate_limit), in seconds.
    pub rate_limit_window_seconds: u64,
    /// Events that may wait between the shards and the workers; when it is full the shards
    /// stop reading until there is room.
    pub intake_queue: usize,
    /// Workers handling events (one user's events always go to the same worker, in order).
    pub intake_workers: usize,
    /// How long one REST request may take before twilight gives up on it, in milliseconds; the
    /// sender then retries it (its nonce keeps a resend of a message Discord did get from
    /// showing twice).
    pub request_timeout_ms: u64,
}

/// Where twilight-http sends requests, read from [`DiscordSettings::api_url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBase {
    /// The real Discord over HTTPS (twilight's built-in host).
    Discord,
    /// Another host (and optional path prefix) over HTTPS.
    Https(String),
    /// Another host over plain HTTP, e.g. a local fake Discord.
    Http(String),
}

impl DiscordSettings {
    /// The REST base, or why `discord.api_url` is unusable.
    pub fn api_base(&self) -> Result<ApiBase, SettingsError> {
        let url = self.api_url.trim().trim_end_matches('/');
        let invalid = |reason: &str| SettingsError::Invalid {
            key: "discord.api_url",
            reason: reason.to_owned(),
        };
        let (https, host) = if let Some(host) = url.strip_prefix("https://") {
            (true, host)
        } else if let Some(host) = url.strip_prefix("http://") {
            (false, host)
        } else {
            return Err(invalid("must start with `https://` or `http://`"));
        };
        if host.is_empty() {
            return Err(invalid("names no host"));
        }
        Ok(match (https, host) {
            (true, "discord.com") => ApiBase::Discord,
            (true, host) => ApiBase::Https(host.to_owned()),
            (false, host) => ApiBase::Http(host.to_owned()),
        })
    }

    /// The gateway URL without a trailing slash (twilight appends `/?v=10...`).
    pub fn gateway_base(&self) -> Result<String, SettingsError> {
        let url = self.gateway_url.trim().trim_end_matches('/');
        if url.starts_with("wss://") || url.starts_with("ws://") {
            Ok(url.to_owned())
        } else {
            Err(SettingsError::Invalid {
                key: "discord.gateway_url",
                reason: "must start with `wss://` or `ws://`".to_owned(),
            })
        }
    }
}

/// How the engine keeps its stream actors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSettings {
    /// Save a snapshot after this many events of a stream (0 disables snapshots).
    pub snapshot_every: u64,
    /// Passivate a stream actor after this many seconds without a command.
    pub passivate_after_seconds: u64,
    /// At most this many stream actors rebuild from the store at once, so a recovery storm after
    /// a crash leaves room for live play.
    pub max_concurrent_rebuilds: usize,
}

/// The periodic health line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSettings {
    /// Seconds between two health lines.
    pub interval_seconds: u64,
}

/// The event store's database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://<file>` (embedded) or `postgres://...` / `postgresql://...`. A secret because a
    /// PostgreSQL URL may carry a password.
    pub url: SecretString,
    /// Upper bound of the store's connection pool.
    pub max_connections: u32,
}

/// Which database engine a [`DatabaseSettings::url`] selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseBackend {
    /// PostgreSQL (production).
    Postgres,
    /// An embedded SQLite file (local runs, nothing to install).
    Sqlite,
}

impl DatabaseSettings {
    /// Settings for the given URL with the default pool size; handy for tests and tools.
    pub fn from_url(url: &str) -> Self {
        Self { url: SecretString::from(url.to_owned()), max_connections: 10 }
    }

    /// The engine the URL selects, from its scheme.
    pub fn backend(&self) -> Result<DatabaseBackend, SettingsError> {
        let url = self.url.expose_secret();
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => Ok(DatabaseBackend::Postgres),
            "sqlite" => Ok(DatabaseBackend::Sqlite),
            _ => Err(SettingsError::Invalid {
                key: "database.url",
                reason: format!(
                    "scheme `{scheme}` is not supported; use `sqlite://<file>` or `postgres://...`"
                ),
            }),
        }
    }

    /// Connection options for PostgreSQL, parsed from the URL. The store adds its own session
    /// settings on top.
    pub fn postgres_connect_options(&self) -> Result<PgConnectOptions, SettingsError> {
        // The parse error never contains the URL itself, so it is safe to show.
        PgConnectOptions::from_str(self.url.expose_secret()).map_err(|e| SettingsError::Invalid {
            key: "database.url",
            reason: format!("not a valid PostgreSQL URL: {e}"),
        })
    }

    /// Connection options for SQLite, parsed from the URL; the file is created when missing. The
    /// store adds its durability settings on top.
    pub fn sqlite_connect_options(&self) -> Result<SqliteConnectOptions, SettingsError> {
        SqliteConnectOptions::from_str(self.url.expose_secret())
            .map(|o| o.create_if_missing(true))
            .map_err(|e| SettingsError::Invalid {
                key: "database.url",
                reason: format!("not a valid SQLite URL: {e}"),
            })
    }
}

/// Logging.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// Line format.
    pub format: LogFormat,
    /// A tracing `EnvFilter` directive such as `info,gamebot=debug`; `RUST_LOG` wins when set.
    pub filter: String,
}

/// How each log line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Which environment file is layered over the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// A developer machine: `config/local.toml`.
    #[default]
    Local,
    /// A deployment: `config/production.toml`.
    Production,
}

impl Environment {
    /// The name used in `GAMEBOT_ENVIRONMENT` and in the file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Local => "local",
            Environment::Production => "production",
        }
    }
}

impl FromStr for Environment {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "local" => Ok(Environment::Local),
            "production" => Ok(Environment::Production),
            other => Err(SettingsError::Invalid {
                key: ENVIRONMENT_VAR,
                reason: format!("`{other}` is not an environment; use `local` or `production`"),
            }),
        }
    }
}

/// Why the settings could not be loaded. Every message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value was present but unusable.
    #[error("setting `{key}` is invalid: {reason}")]
    Invalid {
        /// The key, dotted (`database.url`) or as an environment variable.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A file could not be read or parsed, or a value had the wrong type (the message from the
    /// `config` crate names the key and its source).
    #[error("could not load settings: {0}")]
    Load(#[from] config::ConfigError),
}

impl Settings {
    /// Loads settings from the files and the process environment.
    pub fn load() -> Result<Self, SettingsError> {
        let environment = match std::env::var(ENVIRONMENT_VAR) {
            Ok(value) => value.parse()?,
            Err(_) => Environment::default(),
        };
        let dir = std::env::var_os(CONFIG_DIR_VAR)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load_from(environment, &dir, None)
    }

    /// Loads settings for `environment` with its file from `config_dir`, and the environment
    /// variables from `vars` instead of the process environment when given (for tests).
    pub fn load_from(
        environment: Environment,
        config_dir: &Path,
        vars: Option<HashMap<String, String>>,
    ) -> Result<Self, SettingsError> {
        let env_file = config_dir.join(format!("{}.toml", environment.as_str()));
        let settings = Config::builder()
            .add_source(File::from_str(BASE_TOML, FileFormat::Toml))
            // Optional: the binary must run from any directory with only environment variables.
            .add_source(File::from(env_file).format(FileFormat::Toml).required(false))
            .add_source(
                config::Environment::with_prefix(ENV_PREFIX)
                    .prefix_separator("_")
                    .separator(ENV_SEPARATOR)
                    .source(vars),
            )
            .build()?
            .try_deserialize::<Settings>()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what types alone cannot.
    fn validate(&self) -> Result<(), SettingsError> {
        self.database.backend()?;
        if self.runtime.max_concurrent_rebuilds == 0 {
            return Err(SettingsError::Invalid {
                key: "runtime.max_concurrent_rebuilds",
                reason: "must be at least 1".into(),
            });
        }
        if self.health.interval_seconds == 0 {
            return Err(SettingsError::Invalid {
                key: "health.interval_seconds",
                reason: "must be at least 1".into(),
            });
        }
        self.discord.api_base()?;
        self.discord.gateway_base()?;
        if self.discord.shards == Some(0) {
            return Err(SettingsError::Invalid {
                key: "discord.shards",
                reason: "must be at least 1 when set".into(),
            });
        }
        if self.discord.rate_limit_window_seconds == 0 {
            return Err(SettingsError::Invalid {
                key: "discord.rate_limit_window_seconds",
                reason: "must be at least 1".into(),
            });
        }
        if self.discord.request_timeout_ms == 0 {
            return Err(SettingsError::Invalid {
                key: "discord.request_timeout_ms",
                reason: "must be at least 1".into(),
            });
        }
        if self.discord.intake_workers == 0 {
            return Err(SettingsError::Invalid {
                key: "discord.intake_workers",
                reason: "must be at least 1".into(),
            });
        }
        if self.discord.intake_queue < self.discord.intake_workers {
            return Err(SettingsError::Invalid {
                key: "discord.intake_queue",
                reason: format!(
                    "must be at least discord.intake_workers ({}): every worker needs room for \
                     one event",
                    self.discord.intake_workers
                ),
            });
        }
        for (key, value) in [
            ("games.lobby_timeout_seconds", self.games.lobby_timeout_seconds),
            ("games.idle_timeout_seconds", self.games.idle_timeout_seconds),
        ] {
            if value == 0 {
                return Err(SettingsError::Invalid { key, reason: "must be at least 1".into() });
            }
        }
        if self.database.max_connections == 0 {
            return Err(SettingsError::Invalid {
                key: "database.max_connections",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        Settings::load_from(Environment::Local, &dir, Some(vars))
    }

    #[test]
    fn the_defaults_select_the_embedded_sqlite_file() {
        let settings = load(&[]).expect("defaults load");
        assert_eq!(settings.database.url.expose_secret(), "sqlite://gamebot.db");
        assert_eq!(settings.database.backend().unwrap(), DatabaseBackend::Sqlite);
        assert_eq!(settings.telemetry.format, LogFormat::Human);
    }

    #[test]
    fn environment_variables_override_nested_keys() {
        let settings = load(&[
            ("GAMEBOT_DATABASE__URL", "postgresql://bot@db.example/gamebot"),
            ("GAMEBOT_DATABASE__MAX_CONNECTIONS", "3"),
            ("GAMEBOT_TELEMETRY__FORMAT", "json"),
        ])
        .expect("overrides load");
        assert_eq!(settings.database.backend().unwrap(), DatabaseBackend::Postgres);
        assert_eq!(settings.database.max_connections, 3);
        assert_eq!(settings.telemetry.format, LogFormat::Json);
    }

    #[test]
    fn the_production_file_is_layered_over_the_defaults() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let settings = Settings::load_from(Environment::Production, &dir, Some(HashMap::new()))
            .expect("production loads");
        assert_eq!(settings.telemetry.format, LogFormat::Json);
    }

    #[test]
    fn debug_output_never_contains_the_database_password() {
        let settings =
            load(&[("GAMEBOT_DATABASE__URL", "postgres://bot:hunter2@db/gamebot")]).expect("loads");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"), "password leaked: {printed}");
        assert!(printed.contains("REDACTED"), "{printed}");
    }

    #[test]
    fn a_malformed_value_names_its_key() {
        let err = load(&[("GAMEBOT_DATABASE__MAX_CONNECTIONS", "many")]).unwrap_err();
        assert!(err.to_string().contains("database.max_connections"), "{err}");
    }

    #[test]
    fn an_unknown_database_scheme_names_the_url_key_without_printing_it() {
        let err = load(&[("GAMEBOT_DATABASE__URL", "mysql://bot:hunter2@db/x")]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("database.url") && message.contains("mysql"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn an_unknown_log_format_names_its_key() {
        let err = load(&[("GAMEBOT_TELEMETRY__FORMAT", "xml")]).unwrap_err();
        assert!(err.to_string().contains("telemetry.format"), "{err}");
    }

    #[test]
    fn discord_defaults_point_at_discord_and_ask_for_message_content() {
        let settings = load(&[]).expect("defaults load");
        let discord = &settings.discord;
        assert!(discord.token.is_none());
        assert_eq!(discord.gateway_base().unwrap(), "wss://gateway.discord.gg");
        assert_eq!(discord.api_base().unwrap(), ApiBase::Discord);
        assert!(discord.message_content);
        assert_eq!(discord.shards, None);
        assert_eq!(discord.application_id, None);
    }

    #[test]
    fn a_plain_http_api_url_means_plain_http_to_that_host() {
        let settings = load(&[
            ("GAMEBOT_DISCORD__API_URL", "http://127.0.0.1:8080/"),
            ("GAMEBOT_DISCORD__GATEWAY_URL", "ws://127.0.0.1:8081"),
            ("GAMEBOT_DISCORD__SHARDS", "2"),
            ("GAMEBOT_DISCORD__MESSAGE_CONTENT", "false"),
            ("GAMEBOT_DISCORD__APPLICATION_ID", "42"),
        ])
        .expect("overrides load");
        let discord = &settings.discord;
        assert_eq!(discord.api_base().unwrap(), ApiBase::Http("127.0.0.1:8080".into()));
        assert_eq!(discord.gateway_base().unwrap(), "ws://127.0.0.1:8081");
        assert_eq!((discord.shards, discord.message_content), (Some(2), false));
        assert_eq!(discord.application_id, Some(42));
    }

    #[test]
    fn the_rate_limit_and_the_intake_have_defaults_and_overrides() {
        let defaults = load(&[]).expect("defaults load").discord;
        assert_eq!((defaults.rate_limit, defaults.rate_limit_window_seconds), (30, 60));
        assert_eq!((defaults.intake_queue, defaults.intake_workers), (1024, 64));
        assert_eq!(defaults.request_timeout_ms, 10_000);
        let set = load(&[
            ("GAMEBOT_DISCORD__RATE_LIMIT", "0"),
            ("GAMEBOT_DISCORD__RATE_LIMIT_WINDOW_SECONDS", "5"),
            ("GAMEBOT_DISCORD__INTAKE_QUEUE", "16"),
            ("GAMEBOT_DISCORD__INTAKE_WORKERS", "4"),
            ("GAMEBOT_DISCORD__REQUEST_TIMEOUT_MS", "250"),
        ])
        .expect("overrides load")
        .discord;
        assert_eq!((set.rate_limit, set.rate_limit_window_seconds), (0, 5));
        assert_eq!((set.intake_queue, set.intake_workers), (16, 4));
        assert_eq!(set.request_timeout_ms, 250);
    }

    #[test]
    fn unusable_rate_limit_and_intake_values_name_their_key() {
        let cases = [
            (
                "GAMEBOT_DISCORD__RATE_LIMIT_WINDOW_SECONDS",
                "0",
                "discord.rate_limit_window_seconds",
            ),
            ("GAMEBOT_DISCORD__INTAKE_WORKERS", "0", "discord.intake_workers"),
            ("GAMEBOT_DISCORD__REQUEST_TIMEOUT_MS", "0", "discord.request_timeout_ms"),
            ("GAMEBOT_DISCORD__INTAKE_QUEUE", "8", "discord.intake_queue"),
            ("GAMEBOT_DISCORD__RATE_LIMIT", "-1", "discord.rate_limit"),
        ];
        for (var, value, key) in cases {
            let err = load(&[(var, value)]).unwrap_err();
            assert!(err.to_string().contains(key), "{var}={value}: {err}");
        }
    }

    #[test]
    fn the_discord_token_is_never_printed() {
        let settings = load(&[("GAMEBOT_DISCORD__TOKEN", "sekrit-token")]).expect("loads");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("sekrit-token"), "token leaked: {printed}");
        assert_eq!(settings.discord.token.as_ref().unwrap().expose_secret(), "sekrit-token");
    }

    #[test]
    fn an_api_url_without_a_scheme_names_its_key() {
        let err = load(&[("GAMEBOT_DISCORD__API_URL", "discord.com")]).unwrap_err();
        assert!(err.to_string().contains("discord.api_url"), "{err}");
        let err = load(&[("GAMEBOT_DISCORD__GATEWAY_URL", "http://x")]).unwrap_err();
        assert!(err.to_string().contains("discord.gateway_url"), "{err}");
    }

    #[test]
    fn game_timeouts_default_to_the_games_own_defaults_and_can_be_overridden() {
        let settings = load(&[]).expect("defaults load");
        assert_eq!(settings.games.timeouts(), GameTimeouts::default());
        assert_eq!(settings.games.lobby_timeout_seconds, 900);
        assert_eq!(settings.games.idle_timeout_seconds, 3600);
        let settings = load(&[
            ("GAMEBOT_GAMES__LOBBY_TIMEOUT_SECONDS", "600"),
            ("GAMEBOT_GAMES__IDLE_TIMEOUT_SECONDS", "7200"),
        ])
        .expect("overrides load");
        assert_eq!(
            settings.games.timeouts(),
            GameTimeouts { lobby_seconds: 600, idle_seconds: 7200 }
        );
    }

    #[test]
    fn a_zero_or_malformed_game_timeout_names_its_key() {
        let err = load(&[("GAMEBOT_GAMES__LOBBY_TIMEOUT_SECONDS", "0")]).unwrap_err();
        assert!(err.to_string().contains("games.lobby_timeout_seconds"), "{err}");
        assert!(err.to_string().contains("at least 1"), "{err}");
        let err = load(&[("GAMEBOT_GAMES__IDLE_TIMEOUT_SECONDS", "an hour")]).unwrap_err();
        assert!(err.to_string().contains("games.idle_timeout_seconds"), "{err}");
    }

    #[test]
    fn an_unknown_environment_is_rejected_by_name() {
        let err = "staging".parse::<Environment>().unwrap_err();
        assert!(err.to_string().contains(ENVIRONMENT_VAR), "{err}");
    }
}
