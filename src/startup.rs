//! Wiring: turns settings into running parts. For now that is the event store; the engine
//! (runtime, projections, Discord) is assembled here by later issues, so `main` and the tests
//! share one path.
use std::sync::Arc;

use anyhow::Context;

use crate::config::Settings;
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
