//! The event store contract: append-only streams with optimistic concurrency, one global log in
//! commit order, snapshots, and subscription checkpoints. Callers hold an `Arc<dyn EventStore>`
//! and never see which backend is behind it, except through [`ReadModelTx`], which hands the raw
//! transaction to read-model SQL.
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use tokio::sync::watch;

use super::{
    postgres, sqlite, AppendOutcome, DeadLetter, ExpectedVersion, NewEvent, PostgresStore,
    RecordedEvent, Snapshot, SqliteStore, StoreError, StreamId,
};
use crate::config::{DatabaseBackend, DatabaseSettings};

/// Most events one append may carry: enough for any command, and it keeps PostgreSQL positions
/// (transaction id × 65,536 + index) unique.
pub const MAX_EVENTS_PER_APPEND: usize = 65_536;

/// The event store.
///
/// Invariants every backend keeps:
/// - `append` is atomic: all of its events are stored, or none.
/// - Stream versions run 1, 2, 3 ... without gaps; two writers can never both append at the same
///   expected version.
/// - Positions increase in commit order: once `read_all` has returned position `p`, no event with
///   a position at or below `p` ever appears later, so a reader following the log never skips one.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends `events` to `stream` if its version satisfies `expected`; otherwise fails with
    /// [`StoreError::Conflict`] carrying the actual version.
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendOutcome, StoreError>;

    /// Every event of `stream` with a version at or above `from_version` (use 1, or 0, for all;
    /// `snapshot.version + 1` after a snapshot), in version order, read as one consistent
    /// snapshot. Never truncated.
    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Up to `limit` events from all streams with a position above `after_position` (use 0 to
    /// start), in position order. Never skips: see the trait's invariants.
    async fn read_all(
        &self,
        after_position: i64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The highest position `read_all` can currently return (0 when the log is empty); with a
    /// checkpoint it gives a subscriber's lag.
    async fn last_position(&self) -> Result<i64, StoreError>;

    /// The stream's version: the version of its last event, 0 when it has none.
    async fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError>;

    /// Saves the state folded up to `version`. Only the latest snapshot per stream is kept: an
    /// older version never replaces a newer one.
    async fn save_snapshot(
        &self,
        stream: &StreamId,
        version: u64,
        schema_version: u32,
        state: Value,
    ) -> Result<(), StoreError>;

    /// The stream's latest snapshot, if any.
    async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Snapshot>, StoreError>;

    /// The last position the subscription `name` has processed, if it ever saved one.
    async fn load_checkpoint(&self, name: &str) -> Result<Option<i64>, StoreError>;

    /// Saves a checkpoint on its own; a subscription that also writes a read model uses
    /// [`ReadModelTx::save_checkpoint`] instead, so both commit together.
    async fn save_checkpoint(&self, name: &str, position: i64) -> Result<(), StoreError>;

    /// How many events `read_all` can currently return after `position`: a subscription's lag.
    async fn count_after(&self, position: i64) -> Result<u64, StoreError>;

    /// Every parked event, oldest first.
    async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError>;

    /// Asks for every parked event of `subscription` (all subscriptions when `None`) to be
    /// re-driven through its consumer; returns how many were marked. The consumer's running
    /// subscription takes them (see [`crate::runtime::redrive_dead_letters`]).
    async fn request_dead_letter_retry(
        &self,
        subscription: Option<&str>,
    ) -> Result<u64, StoreError>;

    /// How many events are parked (the health line's count, without reading them).
    async fn dead_letter_count(&self) -> Result<u64, StoreError>;

    /// Opens a write transaction on the store's database for a read-model update and its
    /// checkpoint.
    async fn begin_read_model_tx(&self) -> Result<ReadModelTx, StoreError>;

    /// A signal that new events were appended: the value is the highest appended position this
    /// process has heard of. It wakes followers without hot polling; it does not replace
    /// `read_all`. Protocol for a follower at checkpoint `c`: `read_all(c, ..)`; when that
    /// returns nothing, wait for `changed()`. If the watch is already above `c` but `read_all`
    /// returns nothing, the events committed but an older transaction is still in flight
    /// (PostgreSQL): wait a few milliseconds and read again. Also re-read on a slow timer, since
    /// the signal can be missed while a listener reconnects.
    fn watch_appends(&self) -> watch::Receiver<i64>;

    /// Which backend this is.
    fn backend(&self) -> DatabaseBackend;

    /// A handle on the store's connection pool for read-model queries (projections' SQL lives
    /// in `projections/`, which matches on the backend).
    fn read_pool(&self) -> ReadPool;

    /// Stops background tasks and closes every connection; later calls fail.
    async fn close(&self);
}

/// A write transaction for a read-model update plus its subscription checkpoint, so both commit
/// or roll back together and a crash never double-counts. Read-model SQL runs on the raw
/// transaction inside (`match` on the backend). Dropping it without `commit` rolls back.
///
/// Keep it short: on PostgreSQL an open write transaction holds back every `read_all` reader
/// until it ends (see `postgres.rs`), and on SQLite it holds the single write lock.
pub enum ReadModelTx {
    /// A PostgreSQL transaction.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    /// A SQLite transaction (`BEGIN IMMEDIATE`: it holds the write lock from the start).
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

impl fmt::Debug for ReadModelTx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadModelTx::Postgres(_) => f.write_str("ReadModelTx::Postgres"),
            ReadModelTx::Sqlite(_) => f.write_str("ReadModelTx::Sqlite"),
        }
    }
}

impl ReadModelTx {
    /// Records inside this transaction that subscription `name` has processed up to `position`.
    pub async fn save_checkpoint(&mut self, name: &str, position: i64) -> Result<(), StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => postgres::save_checkpoint(tx, name, position).await,
            ReadModelTx::Sqlite(tx) => sqlite::save_checkpoint(tx, name, position).await,
        }
    }

    /// Parks `event` for subscription `name` with the error it kept failing with. Parking the
    /// same event again (a re-drive that failed) records the new error and clears the request.
    pub async fn park_dead_letter(
        &mut self,
        name: &str,
        event: &RecordedEvent,
        error: &str,
    ) -> Result<(), StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => postgres::park_dead_letter(tx, name, event, error).await,
            ReadModelTx::Sqlite(tx) => sqlite::park_dead_letter(tx, name, event, error).await,
        }
    }

    /// Removes the parked `event_id` of subscription `name` inside this transaction; false when
    /// it was not parked (another process re-drove it first), and the caller rolls back.
    pub async fn remove_dead_letter(
        &mut self,
        name: &str,
        event_id: uuid::Uuid,
    ) -> Result<bool, StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => postgres::remove_dead_letter(tx, name, event_id).await,
            ReadModelTx::Sqlite(tx) => sqlite::remove_dead_letter(tx, name, event_id).await,
        }
    }

    /// The checkpoint of `name` as this transaction sees it.
    pub async fn load_checkpoint(&mut self, name: &str) -> Result<Option<i64>, StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => postgres::load_checkpoint(tx, name).await,
            ReadModelTx::Sqlite(tx) => sqlite::load_checkpoint(tx, name).await,
        }
    }

    /// Makes the read-model changes and the checkpoint durable together.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => tx.commit().await?,
            ReadModelTx::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Discards the read-model changes and the checkpoint together.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            ReadModelTx::Postgres(tx) => tx.rollback().await?,
            ReadModelTx::Sqlite(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// The store's connection pool, for read-model queries outside any transaction. Cloning is
/// cheap (a pool is a handle).
#[derive(Clone, Debug)]
pub enum ReadPool {
    /// A PostgreSQL pool.
    Postgres(sqlx::PgPool),
    /// A SQLite pool.
    Sqlite(sqlx::SqlitePool),
}

/// What connecting did to the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The backend migrated.
    pub backend: DatabaseBackend,
    /// The database, without credentials (a file path, or `host:port/database`).
    pub database: String,
    /// The migrations applied now, as `<version> <description>`.
    pub applied: Vec<String>,
    /// How many were already applied before.
    pub already_applied: usize,
}

impl fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = match self.backend {
            DatabaseBackend::Postgres => "PostgreSQL",
            DatabaseBackend::Sqlite => "SQLite",
        };
        write!(f, "{backend} event store at {}: ", self.database)?;
        if self.applied.is_empty() {
            write!(f, "up to date ({} migrations already applied)", self.already_applied)
        } else {
            write!(
                f,
                "applied {} migration(s) [{}], {} were already applied",
                self.applied.len(),
                self.applied.join(", "),
                self.already_applied
            )
        }
    }
}

/// Connects to the configured database, applies pending migrations and returns the store.
pub async fn connect(settings: &DatabaseSettings) -> Result<Arc<dyn EventStore>, StoreError> {
    Ok(connect_and_report(settings).await?.0)
}

/// Like [`connect`], and also says which migrations it applied.
pub async fn connect_and_report(
    settings: &DatabaseSettings,
) -> Result<(Arc<dyn EventStore>, MigrationReport), StoreError> {
    match settings.backend().map_err(StoreError::Settings)? {
        DatabaseBackend::Postgres => {
            let options = settings.postgres_connect_options().map_err(StoreError::Settings)?;
            let (store, report) = PostgresStore::connect(options, settings.max_connections).await?;
            Ok((Arc::new(store), report))
        }
        DatabaseBackend::Sqlite => {
            let options = settings.sqlite_connect_options().map_err(StoreError::Settings)?;
            let (store, report) = SqliteStore::connect(options, settings.max_connections).await?;
            Ok((Arc::new(store), report))
        }
    }
}

/// Applies `migrator` through `conn`, reporting which migrations were new.
pub(super) async fn run_migrations<C>(
    migrator: &sqlx::migrate::Migrator,
    conn: &mut C,
    backend: DatabaseBackend,
    database: String,
) -> Result<MigrationReport, StoreError>
where
    C: sqlx::migrate::Migrate,
{
    conn.ensure_migrations_table().await.map_err(StoreError::Migrate)?;
    let before: Vec<i64> = conn
        .list_applied_migrations()
        .await
        .map_err(StoreError::Migrate)?
        .into_iter()
        .map(|m| m.version)
        .collect();
    migrator.run_direct(conn).await.map_err(StoreError::Migrate)?;
    let applied = migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !before.contains(&m.version))
        .map(|m| format!("{} {}", m.version, m.description))
        .collect();
    Ok(MigrationReport { backend, database, applied, already_applied: before.len() })
}

/// What [`check_append`] prepared: each event's metadata as JSON, in order.
pub(super) struct CheckedAppend {
    pub metadata: Vec<Value>,
}

/// Rejects appends no backend may store, before touching the database.
pub(super) fn check_append(
    stream: &StreamId,
    events: &[NewEvent],
) -> Result<CheckedAppend, StoreError> {
    let invalid = |reason: String| StoreError::InvalidAppend { stream: stream.clone(), reason };
    if events.is_empty() {
        return Err(invalid("no events; skip the append when a command decides nothing".into()));
    }
    if events.len() > MAX_EVENTS_PER_APPEND {
        return Err(invalid(format!(
            "{} events exceed the limit of {MAX_EVENTS_PER_APPEND} per append",
            events.len()
        )));
    }
    let mut metadata = Vec::with_capacity(events.len());
    for event in events {
        if event.event_type.is_empty() {
            return Err(invalid(format!("event {} has an empty type", event.event_id)));
        }
        if i32::try_from(event.schema_version).is_err() {
            return Err(invalid(format!(
                "event {} has schema version {}, beyond the stored range",
                event.event_id, event.schema_version
            )));
        }
        metadata.push(serde_json::to_value(&event.metadata).map_err(|e| {
            invalid(format!("metadata of event {} does not serialize: {e}", event.event_id))
        })?);
    }
    Ok(CheckedAppend { metadata })
}

/// Maps a failed event insert: a unique violation on the event id is a duplicate; one on
/// (stream, version) is a conflict that slipped past the stream row (reported with the actual
/// version from `actual`); anything else is the backend's.
pub(super) async fn duplicate_or_conflict<F, Fut>(
    error: sqlx::Error,
    stream: &StreamId,
    expected: ExpectedVersion,
    actual: F,
) -> StoreError
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<u64, StoreError>>,
{
    let Some(db) = error.as_database_error() else {
        return StoreError::Backend(error);
    };
    if !db.is_unique_violation() {
        return StoreError::Backend(error);
    }
    // PostgreSQL names the constraint; SQLite names the column in its message.
    let on_event_id = db.constraint().is_some_and(|c| c.contains("event_id"))
        || db.message().contains("event_id");
    if on_event_id {
        return StoreError::DuplicateEvent { stream: stream.clone() };
    }
    match actual().await {
        Ok(actual) => StoreError::Conflict { stream: stream.clone(), expected, actual },
        Err(e) => e,
    }
}

/// Raises the append signal to `position` unless it is already higher.
pub(super) fn publish(appends: &watch::Sender<i64>, position: i64) {
    appends.send_if_modified(|head| {
        if position > *head {
            *head = position;
            true
        } else {
            false
        }
    });
}

/// A JSON column as the backend returns it: already parsed (PostgreSQL `jsonb`) or as text
/// (SQLite), parsed in [`StoredEvent::into_recorded`] so a bad value names its row.
pub(super) enum JsonColumn {
    Parsed(Value),
    Text(String),
}

/// An event row as stored, before the envelope's rules are checked.
pub(super) struct StoredEvent {
    pub position: i64,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub schema_version: i64,
    pub data: JsonColumn,
    pub metadata: JsonColumn,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

impl StoredEvent {
    /// Checks the row and turns it into a [`RecordedEvent`], or names what is corrupt.
    pub fn into_recorded(self) -> Result<RecordedEvent, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            stream: self.stream_id.clone(),
            version: self.stream_version,
            event_type: self.event_type.clone(),
            reason,
        };
        let stream_id: StreamId =
            self.stream_id.parse().map_err(|e| corrupt(format!("bad stream id: {e}")))?;
        let stream_version = u64::try_from(self.stream_version)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| corrupt("the stream version is not positive".into()))?;
        let schema_version = u32::try_from(self.schema_version).map_err(|_| {
            corrupt(format!("schema version {} is out of range", self.schema_version))
        })?;
        let json = |column: &JsonColumn, name: &str| match column {
            JsonColumn::Parsed(value) => Ok(value.clone()),
            JsonColumn::Text(text) => serde_json::from_str(text)
                .map_err(|e| corrupt(format!("{name} is not valid JSON: {e}"))),
        };
        let data = json(&self.data, "data")?;
        let metadata = serde_json::from_value(json(&self.metadata, "metadata")?)
            .map_err(|e| corrupt(format!("metadata does not fit the envelope: {e}")))?;
        Ok(RecordedEvent {
            position: self.position,
            stream_id,
            stream_version,
            event_id: self.event_id,
            event_type: self.event_type,
            schema_version,
            data,
            metadata,
            recorded_at: self.recorded_at,
        })
    }
}
