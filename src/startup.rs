//! Wiring: turns settings into running parts, so `main`, the demo and the tests share one path:
//! the event store; the [`Engine`] (the runtime with every projection and reactor, the read
//! models and the game service); and for `serve` the bot on top of it (the Discord notifier,
//! sender and gateway).
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use anyhow::Context;
use secrecy::ExposeSecret;
use twilight_model::id::Id;

use crate::config::{
    ApiBase, DiscordSettings, HealthSettings, RuntimeSettings, Settings, SettingsError,
};
use crate::discord::gateway::{intents, Gateway, GatewayConfig, GatewayError, ShardStates};
use crate::discord::inbound::{application_commands, Inbound};
use crate::discord::intake::IntakeConfig;
use crate::discord::notifier::Notifier;
use crate::discord::rate_limit::RateLimiter;
use crate::discord::sender::Sender;
use crate::projections::{all_projections, ReadModels, ACTIVE_PLAYERS};
use crate::reactors::{reactors_with_timers, start_timer_actor, TimerActor};
use crate::runtime::{Runtime, SharedClock, SystemClock};
use crate::service::GameService;
use crate::store::{self, EventStore, MigrationReport};

/// Connects to the configured event store, applying pending migrations first.
pub async fn connect_store(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn EventStore>, MigrationReport)> {
    store::connect_and_report(&settings.database)
        .await
        .context("connecting to the event store (setting `database.url`)")
}

/// The first pause before connecting again to a store that is not reachable yet; it doubles up
/// to [`MAX_CONNECT_RETRY`].
pub const FIRST_CONNECT_RETRY: Duration = Duration::from_millis(500);

/// The longest pause between two connection attempts at start-up.
pub const MAX_CONNECT_RETRY: Duration = Duration::from_secs(10);

/// [`connect_store`], waiting out a store that cannot be reached yet (a database still starting,
/// a network blip): each failed attempt is logged at WARN with the next delay, and attempts
/// continue with a doubling backoff until `give_up_after` (for ever when `None`). Anything but
/// an unreachable store (bad settings, failed migrations) fails at once.
pub async fn connect_store_patiently(
    settings: &Settings,
    give_up_after: Option<Duration>,
) -> anyhow::Result<(Arc<dyn EventStore>, MigrationReport)> {
    let started = tokio::time::Instant::now();
    let mut delay = FIRST_CONNECT_RETRY;
    let mut attempt = 1u32;
    loop {
        match store::connect_and_report(&settings.database).await {
            Ok(connected) => {
                if attempt > 1 {
                    tracing::info!(attempt, "the event store is reachable again");
                }
                return Ok(connected);
            }
            Err(error)
                if error.is_transient()
                    && give_up_after.is_none_or(|limit| started.elapsed() + delay < limit) =>
            {
                tracing::warn!(
                    health = "store_unreachable", attempt, retry_in_ms = delay.as_millis() as u64,
                    error.message = %error, error.cause_chain = ?error,
                    "the event store is not reachable yet; retrying"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_CONNECT_RETRY);
                attempt += 1;
            }
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context("connecting to the event store (setting `database.url`)"))
            }
        }
    }
}

/// Applies pending migrations and closes the store again: the whole of `gamebot migrate`.
pub async fn migrate(settings: &Settings) -> anyhow::Result<MigrationReport> {
    let (store, report) = connect_store(settings).await?;
    store.close().await;
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// The engine: the runtime with every projection and reactor following the log, the read models
// and the game service. `demo`, `replay` and the tests start it here; other front ends (the
// Discord bot) add their own wiring beside it.
// ---------------------------------------------------------------------------------------------

/// A running engine on one event store, inside the current actix system.
pub struct Engine {
    /// The registry, subscriptions and health reporter.
    pub runtime: Runtime,
    /// Queries over the read models.
    pub read_models: ReadModels,
    /// The one path for player intents.
    pub service: GameService,
    /// The durable timers.
    pub timers: Addr<TimerActor>,
}

impl Engine {
    /// Starts the runtime on `store` with `clock`, subscribes every projection and every
    /// reactor (which arms the stored timers), and builds the service over them. Must run inside
    /// an actix system.
    pub fn start(
        store: Arc<dyn EventStore>,
        clock: SharedClock,
        runtime: &RuntimeSettings,
        health: &HealthSettings,
    ) -> Engine {
        let runtime = Runtime::start(store.clone(), clock.clone(), runtime, health);
        for projection in all_projections() {
            runtime.subscribe(projection);
        }
        let timers = start_timer_actor(&runtime);
        for reactor in reactors_with_timers(&runtime, timers.clone()) {
            runtime.subscribe(reactor);
        }
        let read_models = ReadModels::new(&store);
        let service = GameService::for_runtime(&runtime);
        Engine { runtime, read_models, service, timers }
    }

    /// Waits until every projection and reactor has handled everything the store holds now;
    /// returns whether they got there within `timeout`.
    pub async fn caught_up(&self, timeout: Duration) -> anyhow::Result<bool> {
        let head = self.runtime.store().last_position().await.context("reading the log's head")?;
        Ok(self.runtime.wait_for_subscriptions(head, timeout).await)
    }

    /// Stops following the log and closes the store. Commands in flight finish first only if
    /// the caller awaited them; the store keeps everything that was appended.
    pub async fn stop(self) {
        self.runtime.stop_subscriptions();
        self.runtime.store().close().await;
    }
}

/// Why the Discord bot could not start. Each message is one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum BotStartError {
    /// `discord.token` is not set.
    #[error("no Discord bot token: set GAMEBOT_DISCORD__TOKEN")]
    MissingToken,
    /// Discord refused the token.
    #[error("Discord rejected the token (401): check GAMEBOT_DISCORD__TOKEN")]
    TokenRejected,
    /// A `discord.*` setting is unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Discord could not be asked for the application or the gateway.
    #[error("could not reach Discord: {0}")]
    Unreachable(String),
}

/// A running bot: the engine, its subscriptions, the sender and the gateway's shards.
pub struct RunningBot {
    /// The engine.
    pub runtime: Runtime,
    /// The service every input goes through.
    pub service: GameService,
    /// The sender (tests use it to look at what the bot sends).
    pub sender: Sender,
    gateway: Gateway,
}

impl RunningBot {
    /// Resolves when a shard closed for good (for example intents not enabled in the Developer
    /// Portal), with the reason.
    pub async fn fatal(&mut self) -> GatewayError {
        self.gateway.fatal().await
    }

    /// The shards' states.
    pub fn shard_states(&self) -> ShardStates {
        self.gateway.states()
    }

    /// Stops the shards (draining in-flight work) and the subscriptions, and closes the store.
    pub async fn shutdown(self) {
        tracing::info!("shutting down: closing the gateway");
        self.gateway.shutdown().await;
        tracing::info!("shutting down: stopping subscriptions");
        self.runtime.stop_subscriptions();
        self.runtime.store().close().await;
        tracing::info!("shut down");
    }
}

/// The twilight HTTP client for `discord.api_url` and the token.
pub fn discord_http(
    discord: &DiscordSettings,
    token: &str,
) -> Result<twilight_http::Client, SettingsError> {
    let builder = twilight_http::Client::builder()
        .token(token.to_owned())
        .timeout(Duration::from_millis(discord.request_timeout_ms));
    let builder = match discord.api_base()? {
        ApiBase::Discord => builder,
        ApiBase::Https(host) => builder.proxy(host, false),
        ApiBase::Http(host) => builder.proxy(host, true),
    };
    Ok(builder.build())
}

fn discord_error(error: &twilight_http::Error) -> BotStartError {
    match error.kind() {
        twilight_http::error::ErrorType::Unauthorized => BotStartError::TokenRejected,
        twilight_http::error::ErrorType::Response { status, .. } if status.get() == 401 => {
            BotStartError::TokenRejected
        }
        _ => BotStartError::Unreachable(error.to_string()),
    }
}

/// Starts everything `serve` runs on an open store, inside an actix system: the runtime, every
/// projection and reactor, the notifier, the sender, the slash commands' registration and the
/// gateway's shards. `clock` is the runtime's clock (tests pass a fast one).
pub async fn start_bot(
    store: Arc<dyn EventStore>,
    settings: &Settings,
    clock: SharedClock,
) -> Result<RunningBot, BotStartError> {
    let discord = &settings.discord;
    let token = discord
        .token
        .as_ref()
        .map(|t| t.expose_secret().trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(BotStartError::MissingToken)?;
    let gateway_url = discord.gateway_base()?;
    let http = Arc::new(discord_http(discord, &token)?);
    let application_id = match discord.application_id.and_then(Id::new_checked) {
        Some(id) => id,
        None => {
            let response = http
                .current_user_application()
                .into_future()
                .await
                .map_err(|e| discord_error(&e))?;
            let application = response
                .model()
                .await
                .map_err(|e| BotStartError::Unreachable(format!("application: {e}")))?;
            application.id
        }
    };

    let Engine { runtime, service, .. } =
        Engine::start(store.clone(), clock.clone(), &settings.runtime, &settings.health);
    let service = service.with_game_timeouts(settings.games.timeouts());
    let sender = Sender::new(http.clone());
    sender.set_application_id(application_id);
    let notifier = Notifier::new(
        sender.clone(),
        store.clone(),
        clock.clone(),
        runtime.progress(ACTIVE_PLAYERS),
    );
    runtime.subscribe(Arc::new(notifier));
    let limiter = RateLimiter::new(
        discord.rate_limit,
        Duration::from_secs(discord.rate_limit_window_seconds),
    );
    let inbound = Arc::new(
        Inbound::new(service.clone(), sender.clone(), clock.clone()).rate_limited(limiter),
    );

    match application_commands() {
        Ok(commands) => {
            let registered =
                http.interaction(application_id).set_global_commands(&commands).into_future().await;
            match registered {
                Ok(_) => tracing::info!(count = commands.len(), "slash commands registered"),
                Err(error) => {
                    tracing::warn!(error.message = %error, "could not register the slash commands")
                }
            }
        }
        Err(error) => tracing::error!(error.message = %error, "a slash command is invalid"),
    }

    let config = GatewayConfig {
        token,
        url: gateway_url,
        intents: intents(discord.message_content),
        shards: discord.shards,
        intake: IntakeConfig { queue: discord.intake_queue, workers: discord.intake_workers },
    };
    let gateway = match Gateway::start(&http, config, inbound).await {
        Ok(gateway) => gateway,
        Err(error) => {
            runtime.stop_subscriptions();
            return Err(match error {
                GatewayError::TokenRejected => BotStartError::TokenRejected,
                other => BotStartError::Unreachable(other.to_string()),
            });
        }
    };
    let states = gateway.states();
    runtime.add_health_source(Box::new(move || states.health_line()));
    Ok(RunningBot { runtime, service, sender, gateway })
}

/// `gamebot serve` once the settings are loaded: connects the store, starts the bot, runs until
/// Ctrl-C (or a shard closes for good), then shuts down cleanly.
pub async fn serve(settings: &Settings) -> anyhow::Result<()> {
    // Checked before touching the database, so a missing token is the first thing said.
    if settings.discord.token.is_none() {
        return Err(BotStartError::MissingToken.into());
    }
    let (store, report) = connect_store_patiently(settings, None).await?;
    tracing::info!(%report, "event store ready");
    let clock: SharedClock = Arc::new(SystemClock);
    let mut bot = match start_bot(store.clone(), settings, clock).await {
        Ok(bot) => bot,
        Err(error) => {
            store.close().await;
            return Err(error.into());
        }
    };
    tracing::info!("GameBot is running; Ctrl-C stops it");
    let outcome = tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            signal.context("listening for Ctrl-C")?;
            tracing::info!("Ctrl-C received");
            Ok(())
        }
        fatal = bot.fatal() => Err(anyhow::Error::new(fatal)),
    };
    bot.shutdown().await;
    outcome
}
