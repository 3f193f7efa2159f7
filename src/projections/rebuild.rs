//! Rebuilding a read model from the whole log, and where each projection stands. A rebuild
//! resets the read model and its checkpoint in one transaction, then catches up batch by batch
//! exactly as the live subscription does (each batch commits with its checkpoint), so an
//! interrupted rebuild simply continues when the subscription next starts. It needs no actix
//! system. Run it while the bot is stopped: a live subscription of the same name keeps its own
//! position in memory.
use std::fmt;

use super::catalog::{all_projections, projection_named, PROJECTION_NAMES};
use super::error::ReadModelError;
use crate::runtime::{catch_up_once, Subscriber};
use crate::store::EventStore;

/// What rebuilding one projection did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RebuildReport {
    /// The projection.
    pub name: &'static str,
    /// The position it caught up to.
    pub position: i64,
    /// Batches handled.
    pub batches: u64,
}

impl fmt::Display for RebuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rebuilt {}: reset, then caught up to position {} in {} batch(es)",
            self.name, self.position, self.batches
        )
    }
}

/// Where one projection stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectionStatus {
    /// The projection.
    pub name: &'static str,
    /// Its checkpoint, if it ever saved one.
    pub checkpoint: Option<i64>,
    /// Events after the checkpoint it has not handled yet.
    pub lag: u64,
}

impl fmt::Display for ProjectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.checkpoint {
            Some(position) => {
                write!(f, "{:<15} checkpoint {position:>10}  lag {}", self.name, self.lag)
            }
            None => write!(f, "{:<15} never run          lag {}", self.name, self.lag),
        }
    }
}

/// Rebuilds the projection `name`, or every one for `all`.
pub async fn rebuild(
    store: &dyn EventStore,
    name: &str,
) -> Result<Vec<RebuildReport>, ReadModelError> {
    let chosen = if name == "all" {
        all_projections()
    } else {
        let projection =
            projection_named(name).ok_or_else(|| ReadModelError::UnknownProjection {
                name: name.to_owned(),
                known: PROJECTION_NAMES.join(", "),
            })?;
        vec![projection]
    };
    let mut reports = Vec::with_capacity(chosen.len());
    for projection in chosen {
        reports.push(rebuild_one(store, &*projection).await?);
    }
    Ok(reports)
}

/// Resets `subscriber`'s read model and checkpoint together, then catches up to the head.
pub async fn rebuild_one(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
) -> Result<RebuildReport, ReadModelError> {
    let name = subscriber.name();
    let mut tx = store.begin_read_model_tx().await?;
    subscriber
        .reset(&mut tx)
        .await
        .map_err(|e| ReadModelError::Reset { projection: name, message: e.to_string() })?;
    tx.save_checkpoint(name, 0).await?;
    tx.commit().await?;
    let mut position = 0;
    let mut batches = 0;
    while let Some(next) = catch_up_once(store, subscriber, position).await? {
        position = next;
        batches += 1;
    }
    tracing::info!(projection = name, position, batches, "projection rebuilt");
    Ok(RebuildReport { name, position, batches })
}

/// Every projection's checkpoint and lag.
pub async fn projection_status(
    store: &dyn EventStore,
) -> Result<Vec<ProjectionStatus>, ReadModelError> {
    let mut statuses = Vec::with_capacity(PROJECTION_NAMES.len());
    for name in PROJECTION_NAMES {
        let checkpoint = store.load_checkpoint(name).await?;
        let lag = store.count_after(checkpoint.unwrap_or(0)).await?;
        statuses.push(ProjectionStatus { name, checkpoint, lag });
    }
    Ok(statuses)
}
