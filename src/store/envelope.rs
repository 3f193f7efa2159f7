//! The envelope: what the store keeps around each event's data. A [`NewEvent`] is what a writer
//! hands in; a [`RecordedEvent`] is what comes back, with the stream version, the global
//! position and the time the store recorded it.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StreamId;
use crate::domain::{GuildId, UserId};

/// Why an event happened and who asked, for tracing a cause through the system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Shared by every event that stems from one outside input (a Discord message, a tick).
    pub correlation_id: Uuid,
    /// The id of the command or event that directly caused this one (for an event caused by
    /// another event: that event's id).
    pub causation_id: Uuid,
    /// The Discord user who caused it, when a person did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<UserId>,
    /// The id of the outside input (a Discord message or interaction id, a timer id), used to
    /// drop duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// The guild the event belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<GuildId>,
}

impl Metadata {
    /// Metadata for the first event of a causal chain: correlation and causation are both
    /// `origin` (typically the id of the incoming command).
    pub fn origin(origin: Uuid) -> Self {
        Self {
            correlation_id: origin,
            causation_id: origin,
            actor_id: None,
            source_id: None,
            guild_id: None,
        }
    }

    /// Metadata for an event caused by `cause`: same correlation, causation = the cause's id,
    /// same guild.
    pub fn caused_by(cause: &RecordedEvent) -> Self {
        Self {
            correlation_id: cause.metadata.correlation_id,
            causation_id: cause.event_id,
            actor_id: None,
            source_id: None,
            guild_id: cause.metadata.guild_id,
        }
    }
}

/// An event about to be appended.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// Unique per event, forever; process managers deduplicate by it.
    pub event_id: Uuid,
    /// The stored type name (the event enum's variant name, past tense).
    pub event_type: String,
    /// The schema version of `data`.
    pub schema_version: u32,
    /// The event's fields as JSON.
    pub data: serde_json::Value,
    /// Why it happened and who asked.
    pub metadata: Metadata,
}

/// An event as the store recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    /// Position in the global log: increasing in commit order across all streams, unique, but
    /// not dense (numbers may be skipped).
    pub position: i64,
    /// The stream it belongs to.
    pub stream_id: StreamId,
    /// Its number within the stream: the first event is 1, then 2, 3, ... without gaps.
    pub stream_version: u64,
    /// Unique per event.
    pub event_id: Uuid,
    /// The stored type name.
    pub event_type: String,
    /// The schema version `data` was written with (before any upcasting).
    pub schema_version: u32,
    /// The event's fields as stored.
    pub data: serde_json::Value,
    /// Why it happened and who asked.
    pub metadata: Metadata,
    /// When the store recorded it.
    pub recorded_at: DateTime<Utc>,
}

/// What the writer believes the stream's version is; the append fails with a conflict otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// Append whatever the stream holds (no concurrency check).
    Any,
    /// The stream must not exist yet (have no events).
    NoStream,
    /// The stream's last event must have exactly this version. `Exact(0)` means the same as
    /// [`ExpectedVersion::NoStream`].
    Exact(u64),
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any version"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::Exact(v) => write!(f, "version {v}"),
        }
    }
}

impl ExpectedVersion {
    /// Whether a stream at `actual` (0 = no events) satisfies this expectation.
    pub fn accepts(self, actual: u64) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exact(v) => actual == v,
        }
    }
}

/// What a successful append did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendOutcome {
    /// The stream's version after the append (the last new event's version).
    pub stream_version: u64,
    /// The global position of the first appended event.
    pub first_position: i64,
    /// The global position of the last appended event.
    pub last_position: i64,
}

/// A stream's state folded up to `version`, saved so loading skips the events before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The stream it summarises.
    pub stream_id: StreamId,
    /// The version of the last event folded into `state`.
    pub version: u64,
    /// The shape of `state`; a loader ignores a snapshot whose schema it does not write.
    pub schema_version: u32,
    /// The aggregate state as JSON.
    pub state: serde_json::Value,
    /// When it was saved.
    pub taken_at: DateTime<Utc>,
}

/// An event a subscription gave up on, parked with the error it kept failing with.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadLetter {
    /// The subscription that could not handle it.
    pub subscription: String,
    /// The event's global position.
    pub position: i64,
    /// The event's id.
    pub event_id: Uuid,
    /// The stream it belongs to (as stored).
    pub stream_id: String,
    /// Its version in that stream.
    pub stream_version: u64,
    /// Its stored type name.
    pub event_type: String,
    /// The last error.
    pub error: String,
    /// When it was parked.
    pub parked_at: DateTime<Utc>,
    /// Whether an operator asked for it to be re-driven and no consumer has taken it yet.
    pub retry_requested: bool,
}
