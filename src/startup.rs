//! Wiring: turns settings into running parts: the event store, and the [`Engine`] (the runtime
//! with every projection and reactor, the read models and the game service), so `main`, the
//! demo and the tests share one path.
use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use anyhow::Context;

use crate::config::{HealthSettings, RuntimeSettings, Settings};
use crate::projections::{all_projections, ReadModels};
use crate::reactors::{reactors_with_timers, start_timer_actor, TimerActor};
use crate::runtime::{Runtime, SharedClock};
use crate::service::{GameService, ReadModelLookups};
use crate::store::{self, EventStore, MigrationReport};

/// Connects to the configured event store, applying pending migrations first.
pub async fn connect_store(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn EventStore>, MigrationReport)> {
    store::connect_and_report(&settings.database)
        .await
        .context("connecting to the event store (setting `database.url`)")
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
        let lookups = Arc::new(ReadModelLookups::for_runtime(&runtime));
        let service = GameService::new(runtime.registry().clone(), store, lookups, clock);
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
