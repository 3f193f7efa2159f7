//! What every stream actor of one aggregate kind shares: the store, the codec, the word lists,
//! the clock, health accounting and the rebuild throttle.
use std::sync::{Arc, Mutex};

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
    /// A fault tests can switch on to make `decide` panic for chosen commands, so the crash and
    /// restart path is exercised for real. Always off in production.
    pub fault: FaultSwitch<A::Command>,
    /// The same for folding stored events while a stream is rebuilt.
    pub rebuild_fault: FaultSwitch<A::Event>,
}

/// A predicate that, when set, makes the stream actor panic while deciding a matching command.
pub struct FaultSwitch<C> {
    predicate: Mutex<Option<FaultPredicate<C>>>,
}

type FaultPredicate<C> = Box<dyn Fn(&C) -> bool + Send + Sync>;

impl<C> Default for FaultSwitch<C> {
    fn default() -> Self {
        Self { predicate: Mutex::new(None) }
    }
}

impl<C> FaultSwitch<C> {
    /// Panics while deciding every command for which `predicate` holds, until cleared.
    pub fn set(&self, predicate: impl Fn(&C) -> bool + Send + Sync + 'static) {
        if let Ok(mut slot) = self.predicate.lock() {
            *slot = Some(Box::new(predicate));
        }
    }

    /// Switches the fault off.
    pub fn clear(&self) {
        if let Ok(mut slot) = self.predicate.lock() {
            *slot = None;
        }
    }

    /// Panics if the fault is on for `command`.
    pub fn trip(&self, command: &C) {
        let hit =
            self.predicate.lock().map(|p| p.as_ref().is_some_and(|p| p(command))).unwrap_or(false);
        if hit {
            panic!("injected fault");
        }
    }
}
