//! The gateway: the shards that receive Discord's events. The shard count comes from
//! `GET /gateway/bot` (unless configured), and so does the identify queue, built from the session
//! start limit. Each shard runs one loop that hands every event to an [`EventHandler`]: cheap
//! bookkeeping inline ([`EventHandler::observe`]), the work through the bounded
//! [`Intake`](super::intake::Intake) to a fixed pool of workers ([`EventHandler::handle`]), so a
//! slow command never stalls the shard's heartbeats and a flood cannot spawn work without end.
//! Each shard's state, the age of its last event and the intake's fill feed the health line.
use std::fmt::Write as _;
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::intake::{Intake, IntakeConfig, IntakeGauge};
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{
    CloseFrame, ConfigBuilder, Event, EventTypeFlags, Intents, Shard, StreamExt,
};
use twilight_http::error::ErrorType;
use twilight_http::Client;

/// How long shutdown waits for queued and in-flight event work before leaving it.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The events the bot reads; everything else is skipped before deserialization.
pub fn event_flags() -> EventTypeFlags {
    EventTypeFlags::READY
        | EventTypeFlags::RESUMED
        | EventTypeFlags::GATEWAY_RECONNECT
        | EventTypeFlags::GATEWAY_INVALIDATE_SESSION
        | EventTypeFlags::GUILD_CREATE
        | EventTypeFlags::GUILD_UPDATE
        | EventTypeFlags::GUILD_DELETE
        | EventTypeFlags::ROLE_CREATE
        | EventTypeFlags::ROLE_UPDATE
        | EventTypeFlags::ROLE_DELETE
        | EventTypeFlags::MESSAGE_CREATE
        | EventTypeFlags::INTERACTION_CREATE
}

/// The intents the bot asks for: guild and DM messages, GUILDS for the roles that permission
/// checks of prefix commands need, and the privileged MESSAGE_CONTENT when prefix commands are
/// enabled. Interactions need no intent.
pub fn intents(message_content: bool) -> Intents {
    let base = Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES;
    if message_content {
        base | Intents::MESSAGE_CONTENT
    } else {
        base
    }
}

/// What the shards' events go to.
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Bookkeeping that must happen before the next event is read (caches); runs inline in the
    /// shard loop, so it must be quick and must not wait.
    fn observe(&self, _shard: u32, _event: &Event) {}

    /// The key whose events are handled one after another in the order the shards read them
    /// (the author's user id), or `None` when the event needs no work beyond
    /// [`EventHandler::observe`] (it is then not queued at all).
    fn order_key(&self, event: &Event) -> Option<u64>;

    /// The work for one event, on one of the intake's workers; events with the same
    /// [`EventHandler::order_key`] never run at the same time.
    async fn handle(&self, shard: u32, event: Event);
}

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Discord refused the token.
    #[error("Discord rejected the token (401): check GAMEBOT_DISCORD__TOKEN")]
    TokenRejected,
    /// `GET /gateway/bot` failed.
    #[error("could not ask Discord for the gateway: {0}")]
    Info(String),
    /// A shard closed for good (a bad token, intents not enabled in the Developer Portal).
    #[error("shard {shard} closed for good: {reason}")]
    FatallyClosed {
        /// The shard.
        shard: u32,
        /// The close frame, as Discord gave it.
        reason: String,
    },
}

/// How the gateway connects.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The bot token (without `Bot `).
    pub token: String,
    /// The gateway URL without a trailing slash.
    pub url: String,
    /// The intents.
    pub intents: Intents,
    /// A fixed shard count, or `None` for Discord's recommendation.
    pub shards: Option<u32>,
    /// The queue between the shards and the work.
    pub intake: IntakeConfig,
}

/// Where one shard stands, for the health line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardPhase {
    /// Connecting and identifying.
    Connecting,
    /// READY or RESUMED received: events flow.
    Connected,
    /// Told to reconnect, or the session was invalidated: resuming or identifying again.
    Resuming,
    /// The connection closed; twilight reconnects.
    Disconnected,
    /// Closed for good.
    Closed,
}

impl ShardPhase {
    fn as_str(self) -> &'static str {
        match self {
            ShardPhase::Connecting => "connecting",
            ShardPhase::Connected => "connected",
            ShardPhase::Resuming => "resuming",
            ShardPhase::Disconnected => "disconnected",
            ShardPhase::Closed => "closed",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct ShardStatus {
    phase: ShardPhase,
    last_event: Option<Instant>,
}

/// Every shard's state, shared by the shard loops and the health line, and the intake's fill.
#[derive(Clone, Debug, Default)]
pub struct ShardStates(Arc<Mutex<Vec<ShardStatus>>>, Option<IntakeGauge>);

impl ShardStates {
    fn with_shards(count: u32, intake: Option<IntakeGauge>) -> Self {
        let status = ShardStatus { phase: ShardPhase::Connecting, last_event: None };
        Self(Arc::new(Mutex::new(vec![status; count as usize])), intake)
    }

    fn update(&self, shard: u32, phase: Option<ShardPhase>) {
        if let Ok(mut states) = self.0.lock() {
            if let Some(status) = states.get_mut(shard as usize) {
                status.last_event = Some(Instant::now());
                if let Some(phase) = phase {
                    status.phase = phase;
                }
            }
        }
    }

    fn set_phase(&self, shard: u32, phase: ShardPhase) {
        if let Ok(mut states) = self.0.lock() {
            if let Some(status) = states.get_mut(shard as usize) {
                status.phase = phase;
            }
        }
    }

    /// Each shard's phase.
    pub fn phases(&self) -> Vec<ShardPhase> {
        self.0.lock().map(|s| s.iter().map(|s| s.phase).collect()).unwrap_or_default()
    }

    /// The health line's part: `gateway=0:connected/2s,1:resuming/40s intake=0/1024`.
    pub fn health_line(&self) -> String {
        let Ok(states) = self.0.lock() else { return "gateway=unknown".to_owned() };
        let mut line = String::from("gateway=");
        for (id, status) in states.iter().enumerate() {
            if id > 0 {
                line.push(',');
            }
            let age = status
                .last_event
                .map_or_else(|| "never".to_owned(), |at| format!("{}s", at.elapsed().as_secs()));
            let _ = write!(line, "{id}:{}/{age}", status.phase.as_str());
        }
        if let Some(intake) = &self.1 {
            let _ = write!(line, " {}", intake.health_line());
        }
        line
    }
}

fn phase_after(event: &Event) -> Option<ShardPhase> {
    match event {
        Event::Ready(_) | Event::Resumed => Some(ShardPhase::Connected),
        Event::GatewayReconnect | Event::GatewayInvalidateSession(_) => Some(ShardPhase::Resuming),
        Event::GatewayClose(_) => Some(ShardPhase::Disconnected),
        _ => None,
    }
}

/// The running shards.
pub struct Gateway {
    shutdown: watch::Sender<bool>,
    shards: JoinSet<Option<GatewayError>>,
    states: ShardStates,
    fatal: watch::Receiver<Option<(u32, String)>>,
    /// The intake's own sending side, dropped at shutdown so the workers can finish.
    intake: Option<Intake>,
    workers: JoinSet<()>,
}

impl Gateway {
    /// Asks Discord for the shard count and session start limit, then starts every shard.
    pub async fn start(
        http: &Client,
        config: GatewayConfig,
        handler: Arc<dyn EventHandler>,
    ) -> Result<Self, GatewayError> {
        let info = http
            .gateway()
            .authed()
            .into_future()
            .await
            .map_err(|e| match e.kind() {
                ErrorType::Unauthorized => GatewayError::TokenRejected,
                ErrorType::Response { status, .. } if status.get() == 401 => {
                    GatewayError::TokenRejected
                }
                _ => GatewayError::Info(e.to_string()),
            })?
            .model()
            .await
            .map_err(|e| GatewayError::Info(e.to_string()))?;
        let total = config.shards.unwrap_or(info.shards).max(1);
        let limit = info.session_start_limit;
        tracing::info!(
            shards = total,
            recommended = info.shards,
            max_concurrency = limit.max_concurrency,
            remaining = limit.remaining,
            "starting the gateway"
        );
        // Discord's limit on identifies: `max_concurrency` per 5 s window, `remaining` until
        // `reset_after`. A max_concurrency of 0 (a test fake) means no waiting at all.
        let queue = InMemoryQueue::new(
            limit.max_concurrency,
            limit.remaining.min(limit.total),
            Duration::from_millis(limit.reset_after),
            limit.total,
        );
        let shard_config = ConfigBuilder::new(config.token.clone(), config.intents)
            .proxy_url(config.url.clone())
            .queue(queue)
            .build();
        let (intake, workers) = Intake::start(config.intake, handler.clone());
        let states = ShardStates::with_shards(total, Some(intake.gauge()));
        let (shutdown, _) = watch::channel(false);
        let (fatal_tx, fatal) = watch::channel(None);
        let fatal_tx = Arc::new(fatal_tx);
        let mut shards = JoinSet::new();
        for id in twilight_gateway::bucket(0, 1, total) {
            let shard = Shard::with_config(id, shard_config.clone());
            let span = tracing::info_span!(parent: None, "shard", shard.id = id.number());
            shards.spawn(
                run_shard(
                    shard,
                    handler.clone(),
                    intake.clone(),
                    states.clone(),
                    shutdown.subscribe(),
                    fatal_tx.clone(),
                )
                .instrument(span),
            );
        }
        Ok(Self { shutdown, shards, states, fatal, intake: Some(intake), workers })
    }

    /// The shards' states (for the health line).
    pub fn states(&self) -> ShardStates {
        self.states.clone()
    }

    /// Resolves when a shard closed for good, with the reason.
    pub async fn fatal(&mut self) -> GatewayError {
        loop {
            if let Some((shard, reason)) = self.fatal.borrow().clone() {
                return GatewayError::FatallyClosed { shard, reason };
            }
            if self.fatal.changed().await.is_err() {
                // Every sender is gone only after every shard stopped; wait forever then.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Closes every shard, then lets the workers finish what is queued (bounded by
    /// [`DRAIN_TIMEOUT`]); work still running then is left.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        let drain = async { while self.shards.join_next().await.is_some() {} };
        if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
            tracing::warn!("the gateway's shards did not stop in time");
            self.shards.abort_all();
        }
        // Every shard dropped its sending side; dropping the last one lets the workers end once
        // their lanes are empty.
        self.intake = None;
        let drain = async { while self.workers.join_next().await.is_some() {} };
        if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
            tracing::warn!("event work still running at shutdown was left");
        }
    }
}

/// One shard's loop: read events, keep the state, queue the work; stop on shutdown. While the
/// intake is full the loop waits (and reads nothing), but still stops on shutdown.
async fn run_shard(
    mut shard: Shard,
    handler: Arc<dyn EventHandler>,
    intake: Intake,
    states: ShardStates,
    mut shutdown: watch::Receiver<bool>,
    fatal: Arc<watch::Sender<Option<(u32, String)>>>,
) -> Option<GatewayError> {
    let id = shard.id().number();
    let flags = event_flags();
    let mut last_close: Option<String> = None;
    let result = loop {
        tokio::select! {
            _ = shutdown.changed() => {
                tracing::info!("closing the shard");
                shard.close(CloseFrame::NORMAL);
                break None;
            }
            item = shard.next_event(flags) => {
                let event = match item {
                    None => {
                        states.set_phase(id, ShardPhase::Closed);
                        let reason =
                            last_close.take().unwrap_or_else(|| format!("{:?}", shard.state()));
                        tracing::error!(state = %reason, "the shard closed for good");
                        let _ = fatal.send(Some((id, reason.clone())));
                        break Some(GatewayError::FatallyClosed { shard: id, reason });
                    }
                    Some(Err(error)) => {
                        tracing::warn!(error.message = %error, "could not read a gateway event");
                        continue;
                    }
                    Some(Ok(event)) => event,
                };
                states.update(id, phase_after(&event));
                match &event {
                    Event::Ready(_) => tracing::info!("shard ready"),
                    Event::Resumed => tracing::info!("shard resumed"),
                    Event::GatewayClose(frame) => {
                        tracing::info!(close = ?frame, "gateway connection closed");
                        // Kept for the fatal report: 4004 (token) and 4013/4014 (intents) end
                        // the shard, and the stream ends right after this event.
                        last_close = frame
                            .as_ref()
                            .map(|f| format!("close code {}: {}", f.code, f.reason));
                    }
                    _ => {}
                }
                handler.observe(id, &event);
                let Some(key) = handler.order_key(&event) else { continue };
                tokio::select! {
                    _ = shutdown.changed() => {
                        tracing::info!("closing the shard while the intake was full");
                        shard.close(CloseFrame::NORMAL);
                        break None;
                    }
                    queued = intake.submit(key, id, event) => {
                        if let Err(error) = queued {
                            tracing::error!(error.message = %error, "an event was dropped");
                        }
                    }
                }
            }
        }
    };
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_content_is_asked_for_only_when_prefix_commands_are_on() {
        assert!(intents(true).contains(Intents::MESSAGE_CONTENT));
        assert!(!intents(false).contains(Intents::MESSAGE_CONTENT));
        for on in [true, false] {
            assert!(intents(on)
                .contains(Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES));
        }
    }

    #[test]
    fn the_health_line_names_every_shard_and_its_phase() {
        let states = ShardStates::with_shards(2, None);
        states.update(0, Some(ShardPhase::Connected));
        states.set_phase(1, ShardPhase::Resuming);
        let line = states.health_line();
        assert!(line.starts_with("gateway=0:connected/0s,1:resuming/never"), "{line}");
    }
}
