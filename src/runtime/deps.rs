//! What every stream actor of one aggregate kind shares: the store, the codec, the word lists,
//! the clock, health accounting and the rebuild throttle.
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::clock::SharedClock;
use super::health::Health;
use crate::domain::words::WordService;
use crate::domain::Aggregate;
use crate::store::{Codec, EventStore};

/// Shared dependencies of the stream actors of aggregate `A`.
pub struct StreamDeps<A: Aggregate> {
    /// The event store.
    pub store: Arc<dyn EventStore>,
    /// Typed events to stored JSON and back, with upcasters.
    pub codec: Codec<A::Event>,
    /// The word lists decide reads.
    pub words: &'static WordService,
    /// The time commands are decided at.
    pub clock: SharedClock,
    /// Where actors report their work.
    pub health: Arc<Health>,
    /// Save a snapshot after this many events (0 disables snapshots).
    pub snapshot_every: u64,
    /// The state layout version snapshots are written with; a snapshot of another version is
    /// ignored and the stream is rebuilt from its events.
    pub snapshot_schema: u32,
    /// Caps concurrent rebuilds, so a recovery storm after a crash cannot starve live play.
    pub rebuild_permits: Arc<Semaphore>,
}
