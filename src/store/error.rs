//! What can go wrong in the store, grouped by who must act: the writer (a version conflict, an
//! invalid append), the code (an event that no longer decodes, a corrupt row), or operations (the
//! database itself).
use super::{ExpectedVersion, StreamId};

/// An event store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the stream first: its version is not what the caller expected.
    ///
    /// # Handling
    /// Reload the stream (from `actual`), decide again and retry a bounded number of times; then
    /// tell the user to try again.
    #[error("stream {stream} was expected at {expected} but is at version {actual}")]
    Conflict {
        /// The stream appended to.
        stream: StreamId,
        /// What the writer expected.
        expected: ExpectedVersion,
        /// The stream's actual version (0 = no events).
        actual: u64,
    },
    /// An event id that is already stored was appended again.
    ///
    /// # Handling
    /// The event was recorded before (a retried append after a lost reply): treat as done.
    #[error("an event id in the append to stream {stream} is already stored")]
    DuplicateEvent {
        /// The stream appended to.
        stream: StreamId,
    },
    /// The append itself is malformed (no events, too many for one append).
    ///
    /// # Handling
    /// A bug in the caller: log it; do not retry.
    #[error("invalid append to stream {stream}: {reason}")]
    InvalidAppend {
        /// The stream appended to.
        stream: StreamId,
        /// What is wrong.
        reason: String,
    },
    /// A stored event cannot be turned into a typed event (unknown type, data of the wrong
    /// shape, missing upcaster).
    ///
    /// # Handling
    /// The code no longer reads what it once wrote: log it with the cause chain and stop the
    /// stream; fix the code (add an upcaster), never the rows.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// A stored row breaks the envelope's own rules (metadata or data that is not valid JSON, a
    /// malformed stream id, a negative version).
    ///
    /// # Handling
    /// Someone wrote to the tables outside the store: log it and stop the stream; repair by hand.
    #[error("stored event {stream}@{version} (type `{event_type}`) is corrupt: {reason}")]
    Corrupt {
        /// The stream as stored.
        stream: String,
        /// The stream version as stored.
        version: i64,
        /// The event type as stored.
        event_type: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database failed or could not be reached.
    ///
    /// # Handling
    /// Infrastructure: log with the cause chain and reply with a generic message; the caller
    /// may retry later.
    #[error("the event store database failed")]
    Backend(#[source] sqlx::Error),
    /// The schema migrations could not be applied.
    ///
    /// # Handling
    /// Fatal at start-up: print the cause and exit.
    #[error("the event store migrations failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The database settings are unusable.
    ///
    /// # Handling
    /// Fatal at start-up: print the cause and exit.
    #[error("the event store cannot be configured")]
    Settings(#[source] crate::config::SettingsError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e)
    }
}

impl StoreError {
    /// Whether this is a version conflict (the caller should reload and retry).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }

    /// Whether trying the same thing again later can succeed: the database is down, busy,
    /// locked or timed out. Conflicts are not transient in this sense (the caller must decide
    /// again, not repeat), and neither is anything the code or the data got wrong.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Backend(error) => is_transient_sqlx(error),
            _ => false,
        }
    }
}

/// Classifies a database error by its type and, for server errors, by its SQLSTATE or SQLite
/// result code (never by message text).
pub fn is_transient_sqlx(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        // A connection that broke mid-conversation reads as a protocol error.
        sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| transient_code(&code)),
        _ => false,
    }
}

/// Whether a transient store or database error is anywhere in `error`'s source chain: for
/// callers that hold a wrapped error (a lookup, a replay) and must tell "try again in a moment"
/// from a real failure.
pub fn is_transient_chain(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.downcast_ref::<StoreError>().is_some_and(StoreError::is_transient)
            || error.downcast_ref::<sqlx::Error>().is_some_and(is_transient_sqlx)
        {
            return true;
        }
        current = error.source();
    }
    false
}

/// SQLSTATE classes and SQLite primary result codes that mean "not now" rather than "never".
fn transient_code(code: &str) -> bool {
    if let Ok(extended) = code.parse::<u32>() {
        // SQLite: BUSY (5), LOCKED (6), IOERR (10), FULL (13), by primary code.
        return matches!(extended & 0xff, 5 | 6 | 10 | 13);
    }
    // PostgreSQL: connection exceptions, insufficient resources, operator intervention
    // (shutdown, statement timeout), serialization failures and deadlocks, lock timeouts,
    // and the idle-in-transaction timeout ending a session.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57")
        || matches!(code, "40001" | "40P01" | "55P03" | "25P03")
}

/// A stored event that does not decode into the current typed events.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// No variant of the event enum has this type name.
    #[error("event {stream}@{version} has type `{event_type}`, which this code does not know")]
    UnknownType {
        /// The stream.
        stream: StreamId,
        /// The event's stream version.
        version: u64,
        /// The unknown type name.
        event_type: String,
    },
    /// The data does not fit the current shape of its type.
    #[error(
        "event {stream}@{version} of type `{event_type}` (stored as schema v{schema_version}) \
         does not decode"
    )]
    Data {
        /// The stream.
        stream: StreamId,
        /// The event's stream version.
        version: u64,
        /// The type name.
        event_type: String,
        /// The schema version it was stored with.
        schema_version: u32,
        /// What serde said.
        #[source]
        source: serde_json::Error,
    },
    /// An upcaster refused the stored data.
    #[error(
        "event {stream}@{version} of type `{event_type}`: upcasting from schema v{from_version} \
         failed: {reason}"
    )]
    Upcast {
        /// The stream.
        stream: StreamId,
        /// The event's stream version.
        version: u64,
        /// The type name.
        event_type: String,
        /// The schema version the failing upcaster starts from.
        from_version: u32,
        /// Why it refused.
        reason: String,
    },
    /// After every registered upcaster the data is still not at the version the code writes.
    #[error(
        "event {stream}@{version} of type `{event_type}` is at schema v{reached} but the code \
         reads v{current}; register an upcaster from v{reached}"
    )]
    MissingUpcaster {
        /// The stream.
        stream: StreamId,
        /// The event's stream version.
        version: u64,
        /// The type name.
        event_type: String,
        /// The version the upcasters reached.
        reached: u32,
        /// The version the code writes.
        current: u32,
    },
    /// A typed event did not serialize in the adjacently tagged `{"type", "data"}` shape.
    #[error("event of type `{event_type}` does not encode: {reason}")]
    Encode {
        /// The type name.
        event_type: String,
        /// What went wrong.
        reason: String,
    },
}
