//! The runtime: one event store, the registry of stream actors for every aggregate kind, the
//! subscriptions (projections and reactors) that follow the log, and the health reporter. Every
//! entry point (Discord, the demo, the CLI, tests) drives the game through [`Runtime::registry`].
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix::prelude::*;
use tokio::sync::Semaphore;

use super::clock::SharedClock;
use super::deps::{FaultSwitch, StreamDeps};
use super::health::{FollowerLine, Health};
use super::registry::{Registry, RegistryHandle, RegistrySettings};
use super::subscription::{Progress, RetryPolicy, Subscriber, SubscriptionActor};
use crate::config::{HealthSettings, RuntimeSettings};
use crate::domain::game::{Game, GameCommand};
use crate::domain::guild::Guild;
use crate::domain::player::Player;
use crate::domain::team::Team;
use crate::domain::words::WordService;
use crate::domain::Aggregate;
use crate::store::{Codec, EventStore};

/// The layout version of every aggregate's snapshot JSON. Bump it when a state struct changes
/// shape: old snapshots are then ignored and streams rebuild from their events.
pub const SNAPSHOT_SCHEMA: u32 = 1;

/// How often idle stream actors are looked for: a tenth of the idle time, at most once a second.
fn sweep_every(passivate_after: Duration) -> Duration {
    (passivate_after / 10).max(Duration::from_secs(1))
}

/// One subscription as the runtime tracks it.
#[derive(Clone)]
struct Followed {
    name: &'static str,
    progress: Arc<Progress>,
    addr: Addr<SubscriptionActor>,
}

/// A running engine on one event store.
pub struct Runtime {
    store: Arc<dyn EventStore>,
    registry: RegistryHandle,
    health: Arc<Health>,
    clock: SharedClock,
    followed: Arc<Mutex<Vec<Followed>>>,
    reporter: Addr<HealthReporter>,
    game_deps: Arc<StreamDeps<Game>>,
}

impl Runtime {
    /// Starts the registry and the health reporter on the current actix system.
    pub fn start(
        store: Arc<dyn EventStore>,
        clock: SharedClock,
        runtime: &RuntimeSettings,
        health_settings: &HealthSettings,
    ) -> Self {
        let health = Arc::new(Health::default());
        let rebuild_permits = Arc::new(Semaphore::new(runtime.max_concurrent_rebuilds.max(1)));
        let deps = Shared {
            store: store.clone(),
            clock: clock.clone(),
            health: health.clone(),
            rebuild_permits,
            snapshot_every: runtime.snapshot_every,
        };
        let passivate_after = Duration::from_secs(runtime.passivate_after_seconds);
        let game_deps = deps.for_kind::<Game>();
        let registry = Registry::new(
            health.clone(),
            RegistrySettings { passivate_after, sweep_every: sweep_every(passivate_after) },
        )
        .with_kind::<Game>(game_deps.clone())
        .with_kind::<Team>(deps.for_kind())
        .with_kind::<Player>(deps.for_kind())
        .with_kind::<Guild>(deps.for_kind());
        let registry = RegistryHandle::start(registry);
        let followed = Arc::new(Mutex::new(Vec::new()));
        let reporter = HealthReporter {
            store: store.clone(),
            health: health.clone(),
            followed: followed.clone(),
            interval: Duration::from_secs(health_settings.interval_seconds.max(1)),
            last_seen: Vec::new(),
            extra: Vec::new(),
        }
        .start();
        Self { store, registry, health, clock, followed, reporter, game_deps }
    }

    /// The one door for commands.
    pub fn registry(&self) -> &RegistryHandle {
        &self.registry
    }

    /// The event store.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    /// The clock commands are decided at.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The health counters.
    pub fn health(&self) -> &Arc<Health> {
        &self.health
    }

    /// The fault switch of game actors: tests use it to crash a game actor mid-command.
    pub fn game_faults(&self) -> &FaultSwitch<GameCommand> {
        &self.game_deps.fault
    }

    /// The rebuild fault switch of game actors: tests use it to make folding a game's events
    /// panic while its actor rebuilds.
    pub fn game_rebuild_faults(&self) -> &FaultSwitch<crate::domain::game::GameEvent> {
        &self.game_deps.rebuild_fault
    }

    /// Starts following the log with `subscriber` under a supervisor (a panic restarts it from
    /// its checkpoint); returns its progress.
    pub fn subscribe(&self, subscriber: Arc<dyn Subscriber>) -> Arc<Progress> {
        self.subscribe_with(subscriber, RetryPolicy::default())
    }

    /// [`Runtime::subscribe`] with another retry policy (tests use short delays).
    pub fn subscribe_with(
        &self,
        subscriber: Arc<dyn Subscriber>,
        policy: RetryPolicy,
    ) -> Arc<Progress> {
        let name = subscriber.name();
        let actor = SubscriptionActor::new(self.store.clone(), subscriber, self.health.clone())
            .with_policy(policy);
        let progress = actor.progress();
        let addr = Supervisor::start(move |_| actor);
        if let Ok(mut followed) = self.followed.lock() {
            followed.push(Followed { name, progress: progress.clone(), addr });
        }
        progress
    }

    /// The progress of the subscription called `name`, if it runs.
    pub fn progress(&self, name: &str) -> Option<Arc<Progress>> {
        self.followed.lock().ok()?.iter().find(|f| f.name == name).map(|f| f.progress.clone())
    }

    /// Waits until every subscription has handled everything up to `position`, or `timeout`
    /// passes; returns whether they all got there.
    pub async fn wait_for_subscriptions(&self, position: i64, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let behind = self
                .followed
                .lock()
                .map(|f| f.iter().any(|f| f.progress.checkpoint() < position))
                .unwrap_or(true);
            if !behind {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Adds a line-writer to every health report (for example the Discord gateway's state).
    pub fn add_health_source(&self, source: Box<dyn Fn() -> String + Send>) {
        self.reporter.do_send(AddHealthSource(source));
    }

    /// Writes one health report now (the periodic line does the same every interval).
    pub async fn report_health(&self) {
        let _ = self.reporter.send(ReportNow).await;
    }

    /// Stops the subscriptions; stream actors stop when the system does.
    pub fn stop_subscriptions(&self) {
        if let Ok(followed) = self.followed.lock() {
            for f in followed.iter() {
                f.addr.do_send(StopSubscription);
            }
        }
    }
}

/// What every kind's stream deps share.
struct Shared {
    store: Arc<dyn EventStore>,
    clock: SharedClock,
    health: Arc<Health>,
    rebuild_permits: Arc<Semaphore>,
    snapshot_every: u64,
}

impl Shared {
    fn for_kind<A: Aggregate>(&self) -> Arc<StreamDeps<A>> {
        Arc::new(StreamDeps {
            store: self.store.clone(),
            codec: Codec::new(),
            words: WordService::embedded(),
            clock: self.clock.clone(),
            health: self.health.clone(),
            snapshot_every: self.snapshot_every,
            snapshot_schema: SNAPSHOT_SCHEMA,
            rebuild_permits: self.rebuild_permits.clone(),
            fault: Default::default(),
            rebuild_fault: Default::default(),
        })
    }
}

/// Stop a subscription.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopSubscription;

impl Handler<StopSubscription> for SubscriptionActor {
    type Result = ();

    fn handle(&mut self, _: StopSubscription, ctx: &mut Self::Context) {
        self.halt(ctx);
    }
}

/// Write the health report now.
#[derive(Message)]
#[rtype(result = "()")]
struct ReportNow;

/// Add a line-writer to the health report.
#[derive(Message)]
#[rtype(result = "()")]
struct AddHealthSource(Box<dyn Fn() -> String + Send>);

/// Writes the periodic health line, and a WARN for every subscription that stopped moving while
/// events wait for it.
struct HealthReporter {
    store: Arc<dyn EventStore>,
    health: Arc<Health>,
    followed: Arc<Mutex<Vec<Followed>>>,
    interval: Duration,
    /// Each subscription's checkpoint at the previous report, to spot a stall.
    last_seen: Vec<(&'static str, i64)>,
    extra: Vec<Box<dyn Fn() -> String + Send>>,
}

impl Actor for HealthReporter {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(self.interval, |act, ctx| act.report(ctx));
    }
}

impl HealthReporter {
    fn report(&mut self, ctx: &mut Context<Self>) {
        let report = self.health.take_report();
        let followed = self.followed.lock().map(|f| f.clone()).unwrap_or_default();
        let store = self.store.clone();
        let extra = self.extra.iter().map(|f| f()).collect::<Vec<_>>().join(" ");
        let window = self.interval;
        let fut = async move {
            let mut lags = Vec::new();
            let mut reachable = true;
            for f in &followed {
                let checkpoint = f.progress.checkpoint();
                match store.count_after(checkpoint).await {
                    Ok(lag) => lags.push((f.name, checkpoint, lag)),
                    Err(error) => {
                        reachable = false;
                        tracing::warn!(
                            health = "store_unreachable", error.message = %error,
                            "event store unreachable while measuring projection lag"
                        );
                        break;
                    }
                }
            }
            let parked = match reachable {
                true => store.dead_letter_count().await.unwrap_or(0),
                false => 0,
            };
            (report, lags, reachable, parked, extra, window, followed)
        };
        ctx.spawn(fut.into_actor(self).map(
            |(report, lags, reachable, parked, extra, window, followed), act, _| {
                let lag_line = lags
                    .iter()
                    .map(|(n, _, lag)| format!("{n}={lag}"))
                    .collect::<Vec<_>>()
                    .join(",");
                let stalled_line = followed
                    .iter()
                    .filter_map(|f| f.progress.stall().map(|stall| (f.name, stall)))
                    .map(|(name, stall)| {
                        format!(
                            "{name}@{}({} attempts, {}s: {})",
                            stall.position,
                            stall.attempts,
                            stall.since.elapsed().as_secs(),
                            stall.last_error
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                let line = FollowerLine {
                    lag: &lag_line,
                    stalled: &stalled_line,
                    parked,
                    store_reachable: reachable,
                };
                report.log(window, &line, &extra);
                for (name, checkpoint, lag) in &lags {
                    let previous = act.last_seen.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
                    if *lag > 0 && previous == Some(*checkpoint) {
                        let last_error = followed
                            .iter()
                            .find(|f| f.name == *name)
                            .and_then(|f| f.progress.stall())
                            .map(|stall| stall.last_error)
                            .unwrap_or_default();
                        tracing::warn!(
                            health = "stalled_projection",
                            subscription = name,
                            position = checkpoint,
                            lag,
                            error.message = %last_error,
                            "subscription has not moved since the last health line"
                        );
                    }
                }
                act.last_seen = lags.iter().map(|(n, c, _)| (*n, *c)).collect();
            },
        ));
    }
}

impl Handler<ReportNow> for HealthReporter {
    type Result = ();

    fn handle(&mut self, _: ReportNow, ctx: &mut Self::Context) {
        self.report(ctx);
    }
}

impl Handler<AddHealthSource> for HealthReporter {
    type Result = ();

    fn handle(&mut self, message: AddHealthSource, _: &mut Self::Context) {
        self.extra.push(message.0);
    }
}
