//! The SQLite event store: one embedded file, nothing to install; the default for local runs.
//!
//! # Global order
//! SQLite lets one writer in at a time. Every append runs in a `BEGIN IMMEDIATE` transaction,
//! which takes the write lock before reading the stream's version, so version checks cannot race
//! and positions (an `AUTOINCREMENT` key) are assigned and committed strictly one transaction
//! after another: commit order is position order, and `read_all` needs no visibility filter.
//! Inside this process appends also queue on an async mutex, so they wait their turn without
//! SQLite's sleep-and-retry busy loop; the busy timeout still covers other processes.
//!
//! # Durability
//! WAL journal (readers never block the writer) with `synchronous = FULL`: the WAL is synced on
//! every commit, so an acknowledged append survives a power cut, not only a crash of the process.
//! Events are the source of truth and replies go out after the append, so this is worth the
//! fsync. Foreign keys are enforced.
//!
//! # New-event signal
//! An in-process `watch` channel raised after each commit. Appends by another process on the
//! same file are not signalled; followers' slow re-read timer covers that rare case.
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{watch, Mutex};
use uuid::Uuid;

use super::event_store::{
    check_append, duplicate_or_conflict, publish, run_migrations, JsonColumn, StoredEvent,
};
use super::{
    AppendOutcome, DeadLetter, EventStore, ExpectedVersion, MigrationReport, NewEvent, ReadModelTx,
    ReadPool, RecordedEvent, Snapshot, StoreError, StreamId,
};
use crate::config::DatabaseBackend;

/// How long a statement waits for another connection's write lock before failing with "busy"
/// (a transient error: followers retry it, a player is told to try again in a moment).
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);
/// How long an append waits for its turn behind this process's other appends. While another
/// process holds the file's write lock every append ahead spends [`BUSY_TIMEOUT`] failing, so
/// without this bound the queue would keep a player waiting for many busy timeouts in a row.
const WRITE_TURN_WAIT: Duration = Duration::from_secs(1);
/// How long an operation waits for a free pooled connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// Rows per query when `read_stream` pages through a long stream.
const READ_PAGE: i64 = 5_000;
/// Rows per multi-row INSERT: 8 bound values each stays far below SQLite's 32,766 limit.
const INSERT_CHUNK: usize = 1_000;

/// The event store on SQLite.
pub struct SqliteStore {
    pool: SqlitePool,
    appends: watch::Sender<i64>,
    /// Queues this process's appends; see the module docs.
    write_gate: Mutex<()>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("pool_size", &self.pool.size()).finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file with a pool of up to `max_connections` and
    /// applies migrations.
    pub async fn connect(
        options: SqliteConnectOptions,
        max_connections: u32,
    ) -> Result<(Self, MigrationReport), StoreError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let database = options.get_filename().display().to_string();
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        let mut conn = pool.acquire().await?;
        let report = run_migrations(
            &sqlx::migrate!("./migrations/sqlite"),
            &mut *conn,
            DatabaseBackend::Sqlite,
            database,
        )
        .await?;
        let head = last_position(&mut conn).await?;
        drop(conn);
        let (appends, _) = watch::channel(head);
        tracing::info!(
            database = %report.database,
            migrations.applied = report.applied.len(),
            "opened the SQLite event store"
        );
        Ok((Self { pool, appends, write_gate: Mutex::new(()) }, report))
    }
}

/// RFC 3339 in UTC with microseconds: sortable as text and parsed back exactly.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The columns every event query selects, in [`EventRow`] order.
const EVENT_COLUMNS: &str = "position, stream_id, stream_version, event_id, event_type, \
                             schema_version, data, metadata, recorded_at";

type EventRow = (i64, String, i64, Vec<u8>, String, i64, String, String, String);

fn recorded(row: EventRow) -> Result<RecordedEvent, StoreError> {
    let (position, stream_id, stream_version, event_id, event_type, schema_version, data, meta, at) =
        row;
    let corrupt = |reason: String| StoreError::Corrupt {
        stream: stream_id.clone(),
        version: stream_version,
        event_type: event_type.clone(),
        reason,
    };
    let event_id =
        Uuid::from_slice(&event_id).map_err(|e| corrupt(format!("bad event id: {e}")))?;
    let recorded_at = DateTime::parse_from_rfc3339(&at)
        .map_err(|e| corrupt(format!("bad recorded_at `{at}`: {e}")))?
        .with_timezone(&Utc);
    StoredEvent {
        position,
        stream_id,
        stream_version,
        event_id,
        event_type,
        schema_version,
        data: JsonColumn::Text(data),
        metadata: JsonColumn::Text(meta),
        recorded_at,
    }
    .into_recorded()
}

async fn last_position(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    let head: i64 =
        sqlx::query_scalar("SELECT coalesce(max(position), 0) FROM events").fetch_one(conn).await?;
    Ok(head)
}

async fn stream_version(conn: &mut SqliteConnection, stream: &StreamId) -> Result<u64, StoreError> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM streams WHERE stream_id = ?")
            .bind(stream.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(version.map_or(0, |v| u64::try_from(v).unwrap_or(0)))
}

/// Writes a checkpoint on `conn` (a pooled connection or an open transaction).
pub(super) async fn save_checkpoint(
    conn: &mut SqliteConnection,
    name: &str,
    position: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subscriptions (name, position, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, \
           updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(position)
    .bind(timestamp(Utc::now()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Parks an event on `conn`; see [`ReadModelTx::park_dead_letter`].
pub(super) async fn park_dead_letter(
    conn: &mut SqliteConnection,
    name: &str,
    event: &RecordedEvent,
    error: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dead_letters (subscription, position, event_id, stream_id, stream_version, \
           event_type, error, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (subscription, event_id) DO UPDATE \
           SET error = excluded.error, parked_at = excluded.parked_at, retry_requested_at = NULL",
    )
    .bind(name)
    .bind(event.position)
    .bind(event.event_id.as_bytes().as_slice())
    .bind(event.stream_id.as_str())
    .bind(i64::try_from(event.stream_version).unwrap_or(i64::MAX))
    .bind(&event.event_type)
    .bind(error)
    .bind(timestamp(Utc::now()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a parked event on `conn`; whether a row was there.
pub(super) async fn remove_dead_letter(
    conn: &mut SqliteConnection,
    name: &str,
    event_id: Uuid,
) -> Result<bool, StoreError> {
    let removed = sqlx::query("DELETE FROM dead_letters WHERE subscription = ? AND event_id = ?")
        .bind(name)
        .bind(event_id.as_bytes().as_slice())
        .execute(conn)
        .await?;
    Ok(removed.rows_affected() > 0)
}

/// Reads a checkpoint on `conn`.
pub(super) async fn load_checkpoint(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    let position = sqlx::query_scalar("SELECT position FROM subscriptions WHERE name = ?")
        .bind(name)
        .fetch_optional(conn)
        .await?;
    Ok(position)
}

#[async_trait]
impl EventStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(stream.id = %stream, events = events.len()))]
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendOutcome, StoreError> {
        let appended = check_append(stream, &events)?;
        let _turn = tokio::time::timeout(WRITE_TURN_WAIT, self.write_gate.lock())
            .await
            .map_err(|_| StoreError::Backend(sqlx::Error::PoolTimedOut))?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let actual = stream_version(&mut tx, stream).await?;
        if !expected.accepts(actual) {
            tx.rollback().await?;
            return Err(StoreError::Conflict { stream: stream.clone(), expected, actual });
        }
        let new_version = actual + events.len() as u64;
        sqlx::query(
            "INSERT INTO streams (stream_id, stream_type, version) VALUES (?, ?, ?) \
             ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
        )
        .bind(stream.as_str())
        .bind(stream.kind().as_str())
        .bind(i64::try_from(new_version).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;

        let recorded_at = timestamp(Utc::now());
        let rows: Vec<_> = events.into_iter().zip(appended.metadata).enumerate().collect();
        let (mut first_position, mut last_position) = (i64::MAX, i64::MIN);
        for chunk in rows.chunks(INSERT_CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO events (event_id, stream_id, stream_version, event_type, \
                 schema_version, data, metadata, recorded_at) ",
            );
            insert.push_values(chunk, |mut row, (index, (event, metadata))| {
                row.push_bind(event.event_id)
                    .push_bind(stream.as_str())
                    .push_bind(i64::try_from(actual + 1 + *index as u64).unwrap_or(i64::MAX))
                    .push_bind(event.event_type.as_str())
                    .push_bind(i64::from(event.schema_version))
                    .push_bind(event.data.to_string())
                    .push_bind(metadata.to_string())
                    .push_bind(recorded_at.as_str());
            });
            insert.push(" RETURNING position");
            let positions: Vec<i64> = match insert.build_query_scalar().fetch_all(&mut *tx).await {
                Ok(positions) => positions,
                Err(e) => {
                    drop(tx);
                    return Err(duplicate_or_conflict(e, stream, expected, || async {
                        let mut conn = self.pool.acquire().await?;
                        stream_version(&mut conn, stream).await
                    })
                    .await);
                }
            };
            for position in positions {
                first_position = first_position.min(position);
                last_position = last_position.max(position);
            }
        }
        tx.commit().await?;
        publish(&self.appends, last_position);
        tracing::debug!(first_position, last_position, new_version, "appended");
        Ok(AppendOutcome { stream_version: new_version, first_position, last_position })
    }

    #[tracing::instrument(skip_all, fields(stream.id = %stream, from_version = from_version))]
    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        // One read transaction, so every page sees the same snapshot of the file.
        let mut tx = self.pool.begin().await?;
        let mut events = Vec::new();
        let mut next = i64::try_from(from_version).unwrap_or(i64::MAX);
        loop {
            let rows: Vec<EventRow> = sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM events \
                 WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?"
            ))
            .bind(stream.as_str())
            .bind(next)
            .bind(READ_PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let full_page = rows.len() as i64 == READ_PAGE;
            for row in rows {
                next = row.2 + 1;
                events.push(recorded(row)?);
            }
            if !full_page {
                break;
            }
        }
        tx.commit().await?;
        Ok(events)
    }

    #[tracing::instrument(skip_all, fields(after_position = after_position, limit = limit))]
    async fn read_all(
        &self,
        after_position: i64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"
        ))
        .bind(after_position)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(recorded).collect()
    }

    async fn last_position(&self) -> Result<i64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        last_position(&mut conn).await
    }

    async fn count_after(&self, position: i64) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE position > ?")
            .bind(position)
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn request_dead_letter_retry(
        &self,
        subscription: Option<&str>,
    ) -> Result<u64, StoreError> {
        let requested = sqlx::query(
            "UPDATE dead_letters SET retry_requested_at = ? WHERE ? IS NULL OR subscription = ?",
        )
        .bind(timestamp(Utc::now()))
        .bind(subscription)
        .bind(subscription)
        .execute(&self.pool)
        .await?;
        Ok(requested.rows_affected())
    }

    async fn dead_letter_count(&self) -> Result<u64, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM dead_letters").fetch_one(&self.pool).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        type Row = (String, i64, Vec<u8>, String, i64, String, String, String, bool);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT subscription, position, event_id, stream_id, stream_version, event_type, \
               error, parked_at, retry_requested_at IS NOT NULL \
             FROM dead_letters ORDER BY position, subscription",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    subscription,
                    position,
                    event_id,
                    stream_id,
                    version,
                    event_type,
                    error,
                    at,
                    retry,
                )| {
                    let corrupt = |reason: String| StoreError::Corrupt {
                        stream: stream_id.clone(),
                        version,
                        event_type: event_type.clone(),
                        reason,
                    };
                    Ok(DeadLetter {
                        event_id: Uuid::from_slice(&event_id)
                            .map_err(|e| corrupt(format!("bad dead-letter event id: {e}")))?,
                        parked_at: DateTime::parse_from_rfc3339(&at)
                            .map_err(|e| corrupt(format!("bad dead-letter time: {e}")))?
                            .with_timezone(&Utc),
                        subscription,
                        position,
                        stream_id: stream_id.clone(),
                        stream_version: u64::try_from(version).unwrap_or(0),
                        event_type: event_type.clone(),
                        error,
                        retry_requested: retry,
                    })
                },
            )
            .collect()
    }

    async fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        stream_version(&mut conn, stream).await
    }

    #[tracing::instrument(
        skip_all,
        fields(stream.id = %stream, version = version, schema_version = schema_version)
    )]
    async fn save_snapshot(
        &self,
        stream: &StreamId,
        version: u64,
        schema_version: u32,
        state: Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO snapshots (stream_id, version, schema_version, state, taken_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET \
               version = excluded.version, schema_version = excluded.schema_version, \
               state = excluded.state, taken_at = excluded.taken_at \
             WHERE snapshots.version <= excluded.version",
        )
        .bind(stream.as_str())
        .bind(i64::try_from(version).unwrap_or(i64::MAX))
        .bind(i64::from(schema_version))
        .bind(state.to_string())
        .bind(timestamp(Utc::now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Snapshot>, StoreError> {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT version, schema_version, state, taken_at FROM snapshots WHERE stream_id = ?",
        )
        .bind(stream.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((version, schema_version, state, taken_at)) = row else {
            return Ok(None);
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            stream: stream.to_string(),
            version,
            event_type: "(snapshot)".into(),
            reason,
        };
        Ok(Some(Snapshot {
            stream_id: stream.clone(),
            version: u64::try_from(version).map_err(|_| corrupt("negative version".into()))?,
            schema_version: u32::try_from(schema_version)
                .map_err(|_| corrupt("schema version out of range".into()))?,
            state: serde_json::from_str(&state)
                .map_err(|e| corrupt(format!("state is not valid JSON: {e}")))?,
            taken_at: DateTime::parse_from_rfc3339(&taken_at)
                .map_err(|e| corrupt(format!("bad taken_at: {e}")))?
                .with_timezone(&Utc),
        }))
    }

    async fn load_checkpoint(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_checkpoint(&mut conn, name).await
    }

    async fn save_checkpoint(&self, name: &str, position: i64) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        save_checkpoint(&mut conn, name, position).await
    }

    async fn begin_read_model_tx(&self) -> Result<ReadModelTx, StoreError> {
        Ok(ReadModelTx::Sqlite(self.pool.begin_with("BEGIN IMMEDIATE").await?))
    }

    fn watch_appends(&self) -> watch::Receiver<i64> {
        self.appends.subscribe()
    }

    fn backend(&self) -> DatabaseBackend {
        DatabaseBackend::Sqlite
    }

    fn read_pool(&self) -> ReadPool {
        ReadPool::Sqlite(self.pool.clone())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
