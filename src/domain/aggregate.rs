//! The aggregate contract: `decide` holds every rule, `apply` only folds facts.
use std::fmt::Debug;

use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Serialize};

use super::words::WordService;

/// What a command is decided against besides the aggregate's state: the time and the dealing
/// source. The runtime fills it once per command, so `decide` stays a pure function and a
/// rebuild from events never touches the clock or a random source.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The moment the command is decided at.
    pub now: DateTime<Utc>,
    /// A fresh random seed per command; the only source of randomness (dealing pairs).
    pub seed: u64,
    /// The word lists and matcher.
    pub words: &'a WordService,
}

impl Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.now)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// A typed event that the store can persist.
///
/// Every aggregate's event enum is serialized adjacently tagged,
/// `#[serde(tag = "type", content = "data")]`, with the variant name as the stored type name
/// (past tense, never renamed). The store's codec splits that JSON into its `type` and `data`
/// columns and joins them again on read, after running any upcasters.
pub trait DomainEvent:
    Serialize + DeserializeOwned + Clone + Debug + PartialEq + Send + Sync + 'static
{
    /// The stored type name of this event (its variant name).
    fn event_type(&self) -> &'static str;
    /// The schema version this code writes for `event_type`. Bump it, and register an upcaster
    /// from the old version, whenever the data shape of that type changes.
    fn schema_version(&self) -> u32 {
        1
    }
}

/// An event-sourced aggregate.
///
/// Invariants: `decide` holds every rule and never mutates; `apply` has no rules, never fails and
/// never panics on an event `decide` could have produced; state rebuilt by folding a stream's
/// events from `Default` is exactly the state that emitted them.
pub trait Aggregate:
    Default + Clone + Debug + Serialize + DeserializeOwned + Send + Unpin + 'static
{
    /// What the aggregate is asked to do.
    type Command: Debug + Send + 'static;
    /// What happened.
    type Event: DomainEvent;
    /// Why a command was refused.
    type Error: std::error::Error + Send + Sync + 'static;
    /// The kind of stream this aggregate lives in (`game`, `team`, `player`, `guild`).
    const KIND: &'static str;

    /// Decides what a command means against the current state: the events to record, or a
    /// typed refusal.
    fn decide(
        &self,
        command: &Self::Command,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Self::Event>, Self::Error>;

    /// Folds one recorded event into the state.
    fn apply(&mut self, event: &Self::Event);
}
