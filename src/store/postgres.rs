//! The PostgreSQL event store: tables in schema `event_store`, JSON as `jsonb`.
//!
//! # Gap-safe global order without a global lock
//! Appends run fully in parallel (only appends to the *same* stream wait, on that stream's row).
//! Each event stores the id of its appending transaction (`pg_current_xact_id()`), and its
//! position is `transaction_id * 65536 + index within the append`, so position order is
//! transaction-id order. `read_all` returns only events whose transaction id is below
//! `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still in flight: every such
//! transaction has finished, and any transaction that commits later has an id, and so positions,
//! above everything already returned. A reader following the log therefore never skips an
//! event. (Positions drawn from a sequence would not do: a transaction can draw a smaller number
//! yet commit after one holding a larger number that a reader has already passed.)
//!
//! The price: a transaction that stays open holds every reader back, so the store's sessions run
//! with `idle_in_transaction_session_timeout`; positions are sparse, not dense; and they fit in
//! an `i64` until the server has used 2^47 transaction ids (over 400 years at 10,000 per second).
//!
//! # New-event signal
//! Every append sends `NOTIFY event_store_appends, '<last position>'` inside its transaction, so
//! the notice goes out on commit. A listener task on its own connection feeds the store's
//! `watch` channel, so other processes' appends wake this one's followers.
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::event_store::{
    check_append, duplicate_or_conflict, publish, run_migrations, JsonColumn, StoredEvent,
};
use super::{
    AppendOutcome, DeadLetter, EventStore, ExpectedVersion, MigrationReport, NewEvent, ReadModelTx,
    ReadPool, RecordedEvent, Snapshot, StoreError, StreamId,
};
use crate::config::DatabaseBackend;

/// The channel appends notify on.
const APPEND_CHANNEL: &str = "event_store_appends";
/// How long a session may sit idle inside a transaction before PostgreSQL ends it: an open
/// transaction holds back every `read_all` reader, so a stuck one must not last. Generous next to
/// any read-model batch, short next to a reader's patience.
const IDLE_IN_TRANSACTION_TIMEOUT: &str = "15s";
/// How long an operation waits for a free pooled connection (or for a new one to connect)
/// before failing: short, so a player hears "the game store is unavailable" within seconds of
/// an outage instead of a stream actor holding its mailbox for half a minute.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest one statement of the store or a read model may run: far above any healthy
/// query, and it bounds what a hung server can cost a waiting player.
const STATEMENT_TIMEOUT: &str = "10s";
/// Rows per query when `read_stream` pages through a long stream.
const READ_PAGE: i64 = 5_000;
/// Pause before the listener reconnects after an error, so a down database is not hammered.
const LISTENER_RETRY: Duration = Duration::from_secs(1);

/// The event store on PostgreSQL.
pub struct PostgresStore {
    pool: PgPool,
    /// A one-connection pool kept apart so the listener never takes a slot from appends.
    listener_pool: PgPool,
    appends: watch::Sender<i64>,
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("pool_size", &self.pool.size()).finish()
    }
}

impl PostgresStore {
    /// Connects with a pool of up to `max_connections`, applies migrations and starts the
    /// listener task (so it must be called inside a tokio runtime).
    pub async fn connect(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<(Self, MigrationReport), StoreError> {
        let options = options
            .application_name("gamebot")
            .options([("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_TIMEOUT)]);
        let database = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("(default)")
        );
        // One direct connection first: a pool would hide why the server cannot be reached
        // behind a timeout, and migrations need only this one.
        let mut conn = PgConnection::connect_with(&options).await?;
        let report = run_migrations(
            &sqlx::migrate!("./migrations/postgres"),
            &mut conn,
            DatabaseBackend::Postgres,
            database,
        )
        .await?;
        conn.close().await?;
        let options = options.options([("statement_timeout", STATEMENT_TIMEOUT)]);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        let head = last_position(&pool).await?;
        let (appends, _) = watch::channel(head);
        let listener_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        let listener =
            tokio::spawn(listen_for_appends(listener_pool.clone(), pool.clone(), appends.clone()));
        tracing::info!(
            database = %report.database,
            migrations.applied = report.applied.len(),
            "connected to the PostgreSQL event store"
        );
        let store = Self { pool, listener_pool, appends, listener: Mutex::new(Some(listener)) };
        Ok((store, report))
    }

    fn stop_listener(&self) {
        if let Some(handle) = self.listener.lock().map(|mut h| h.take()).ok().flatten() {
            handle.abort();
        }
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.stop_listener();
    }
}

/// Follows the notification channel and publishes appended positions; reconnects on failure
/// and re-reads the head afterwards, since notices sent while disconnected are lost.
async fn listen_for_appends(listener_pool: PgPool, pool: PgPool, appends: watch::Sender<i64>) {
    loop {
        match PgListener::connect_with(&listener_pool).await {
            Ok(mut listener) => match listener.listen(APPEND_CHANNEL).await {
                Ok(()) => loop {
                    if let Ok(head) = last_position(&pool).await {
                        publish(&appends, head);
                    }
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(notice)) => match notice.payload().parse::<i64>() {
                                Ok(position) => publish(&appends, position),
                                Err(_) => tracing::warn!(
                                    payload = notice.payload(),
                                    "ignoring a malformed append notice"
                                ),
                            },
                            // The connection dropped; the next try_recv reconnects and listens.
                            Ok(None) => {
                                tracing::warn!("append listener lost its connection; reconnecting");
                                break;
                            }
                            Err(e) => {
                                tracing::warn!(error.message = %e, "append listener failed");
                                break;
                            }
                        }
                    }
                    if listener_pool.is_closed() {
                        return;
                    }
                    tokio::time::sleep(LISTENER_RETRY).await;
                },
                Err(e) => tracing::warn!(error.message = %e, "could not LISTEN for appends"),
            },
            Err(e) => tracing::warn!(error.message = %e, "append listener could not connect"),
        }
        if listener_pool.is_closed() {
            return;
        }
        tokio::time::sleep(LISTENER_RETRY).await;
    }
}

/// The columns every event query selects, in [`StoredEvent`] order.
const EVENT_COLUMNS: &str = "position, stream_id, stream_version, event_id, event_type, \
                             schema_version, data, metadata, recorded_at";

type EventRow = (i64, String, i64, Uuid, String, i32, Value, Value, DateTime<Utc>);

fn recorded(row: EventRow) -> Result<RecordedEvent, StoreError> {
    let (position, stream_id, stream_version, event_id, event_type, schema_version, data, meta, at) =
        row;
    StoredEvent {
        position,
        stream_id,
        stream_version,
        event_id,
        event_type,
        schema_version: i64::from(schema_version),
        data: JsonColumn::Parsed(data),
        metadata: JsonColumn::Parsed(meta),
        recorded_at: at,
    }
    .into_recorded()
}

async fn last_position(pool: &PgPool) -> Result<i64, StoreError> {
    let head: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(position), 0) FROM event_store.events \
         WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())",
    )
    .fetch_one(pool)
    .await?;
    Ok(head)
}

async fn stream_version(conn: &mut PgConnection, stream: &StreamId) -> Result<u64, StoreError> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT version FROM event_store.streams WHERE stream_id = $1")
            .bind(stream.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(version.map_or(0, |v| u64::try_from(v).unwrap_or(0)))
}

/// Writes a checkpoint on `conn` (a pooled connection or an open transaction).
pub(super) async fn save_checkpoint(
    conn: &mut PgConnection,
    name: &str,
    position: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_store.subscriptions (name, position) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
    )
    .bind(name)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

/// Parks an event on `conn`; see [`ReadModelTx::park_dead_letter`].
pub(super) async fn park_dead_letter(
    conn: &mut PgConnection,
    name: &str,
    event: &RecordedEvent,
    error: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_store.dead_letters \
           (subscription, position, event_id, stream_id, stream_version, event_type, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (subscription, event_id) DO UPDATE \
           SET error = excluded.error, parked_at = now(), retry_requested_at = NULL",
    )
    .bind(name)
    .bind(event.position)
    .bind(event.event_id)
    .bind(event.stream_id.as_str())
    .bind(i64::try_from(event.stream_version).unwrap_or(i64::MAX))
    .bind(&event.event_type)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a parked event on `conn`; whether a row was there.
pub(super) async fn remove_dead_letter(
    conn: &mut PgConnection,
    name: &str,
    event_id: Uuid,
) -> Result<bool, StoreError> {
    let removed = sqlx::query(
        "DELETE FROM event_store.dead_letters WHERE subscription = $1 AND event_id = $2",
    )
    .bind(name)
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(removed.rows_affected() > 0)
}

/// Reads a checkpoint on `conn`.
pub(super) async fn load_checkpoint(
    conn: &mut PgConnection,
    name: &str,
) -> Result<Option<i64>, StoreError> {
    let position =
        sqlx::query_scalar("SELECT position FROM event_store.subscriptions WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(position)
}

#[async_trait]
impl EventStore for PostgresStore {
    #[tracing::instrument(skip_all, fields(stream.id = %stream, events = events.len()))]
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendOutcome, StoreError> {
        let appended = check_append(stream, &events)?;
        let count = i64::try_from(events.len()).unwrap_or(i64::MAX);
        let mut tx = self.pool.begin().await?;
        // The stream row is the concurrency control: each branch succeeds only if the version
        // matches, and holds the row lock until commit, so a concurrent writer re-checks the
        // version it left behind.
        let new_version: Option<i64> = match expected {
            ExpectedVersion::Any => Some(
                sqlx::query_scalar(
                    "INSERT INTO event_store.streams (stream_id, stream_type, version) \
                     VALUES ($1, $2, $3) ON CONFLICT (stream_id) \
                     DO UPDATE SET version = streams.version + EXCLUDED.version RETURNING version",
                )
                .bind(stream.as_str())
                .bind(stream.kind().as_str())
                .bind(count)
                .fetch_one(&mut *tx)
                .await?,
            ),
            ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => {
                sqlx::query_scalar(
                    "INSERT INTO event_store.streams (stream_id, stream_type, version) \
                     VALUES ($1, $2, $3) ON CONFLICT (stream_id) DO NOTHING RETURNING version",
                )
                .bind(stream.as_str())
                .bind(stream.kind().as_str())
                .bind(count)
                .fetch_optional(&mut *tx)
                .await?
            }
            ExpectedVersion::Exact(version) => {
                sqlx::query_scalar(
                    "UPDATE event_store.streams SET version = version + $2 \
                     WHERE stream_id = $1 AND version = $3 RETURNING version",
                )
                .bind(stream.as_str())
                .bind(count)
                // A version beyond i64 cannot be stored, so it can never match.
                .bind(i64::try_from(version).unwrap_or(-1))
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let Some(new_version) = new_version else {
            let actual = stream_version(&mut tx, stream).await?;
            tx.rollback().await?;
            return Err(StoreError::Conflict { stream: stream.clone(), expected, actual });
        };
        let first_version = new_version - count + 1;

        let mut ids = Vec::with_capacity(events.len());
        let mut types = Vec::with_capacity(events.len());
        let mut schemas = Vec::with_capacity(events.len());
        let mut data = Vec::with_capacity(events.len());
        let mut metadata = Vec::with_capacity(events.len());
        for (event, meta) in events.into_iter().zip(appended.metadata) {
            ids.push(event.event_id);
            types.push(event.event_type);
            schemas.push(i32::try_from(event.schema_version).unwrap_or(i32::MAX));
            data.push(event.data);
            metadata.push(meta);
        }
        let inserted: Result<(i64, i64), sqlx::Error> = sqlx::query_as(
            "WITH inserted AS ( \
               INSERT INTO event_store.events (position, transaction_id, event_id, stream_id, \
                 stream_version, event_type, schema_version, data, metadata) \
               SELECT pg_current_xact_id()::text::bigint * 65536 + (e.ord - 1), \
                 pg_current_xact_id(), e.event_id, $1, $2 + e.ord - 1, e.event_type, \
                 e.schema_version, e.data, e.metadata \
               FROM UNNEST($3::uuid[], $4::text[], $5::int4[], $6::jsonb[], $7::jsonb[]) \
                 WITH ORDINALITY AS e(event_id, event_type, schema_version, data, metadata, ord) \
               RETURNING position), \
             bounds AS (SELECT min(position) AS first, max(position) AS last FROM inserted) \
             SELECT first, last FROM bounds \
             WHERE pg_notify($8, last::text)::text IS NOT NULL",
        )
        .bind(stream.as_str())
        .bind(first_version)
        .bind(&ids)
        .bind(&types)
        .bind(&schemas)
        .bind(&data)
        .bind(&metadata)
        .bind(APPEND_CHANNEL)
        .fetch_one(&mut *tx)
        .await;
        let (first_position, last_position) = match inserted {
            Ok(bounds) => bounds,
            Err(e) => {
                drop(tx);
                return Err(duplicate_or_conflict(e, stream, expected, || async {
                    let mut conn = self.pool.acquire().await?;
                    stream_version(&mut conn, stream).await
                })
                .await);
            }
        };
        tx.commit().await?;
        publish(&self.appends, last_position);
        tracing::debug!(first_position, last_position, new_version, "appended");
        Ok(AppendOutcome {
            stream_version: u64::try_from(new_version).unwrap_or(0),
            first_position,
            last_position,
        })
    }

    #[tracing::instrument(skip_all, fields(stream.id = %stream, from_version = from_version))]
    async fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        // One repeatable-read transaction, so every page sees the same stream.
        let mut tx =
            self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
        let mut events = Vec::new();
        let mut next = i64::try_from(from_version).unwrap_or(i64::MAX);
        loop {
            let rows: Vec<EventRow> = sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM event_store.events \
                 WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3"
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
            "SELECT {EVENT_COLUMNS} FROM event_store.events \
             WHERE position > $1 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY position LIMIT $2"
        ))
        .bind(after_position)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(recorded).collect()
    }

    async fn last_position(&self) -> Result<i64, StoreError> {
        last_position(&self.pool).await
    }

    async fn count_after(&self, position: i64) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM event_store.events WHERE position > $1 \
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())",
        )
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
            "UPDATE event_store.dead_letters SET retry_requested_at = now() \
             WHERE $1::text IS NULL OR subscription = $1",
        )
        .bind(subscription)
        .execute(&self.pool)
        .await?;
        Ok(requested.rows_affected())
    }

    async fn dead_letter_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM event_store.dead_letters")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        type Row = (String, i64, Uuid, String, i64, String, String, DateTime<Utc>, bool);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT subscription, position, event_id, stream_id, stream_version, event_type, \
               error, parked_at, retry_requested_at IS NOT NULL \
             FROM event_store.dead_letters ORDER BY position, subscription",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
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
                    DeadLetter {
                        retry_requested: retry,
                        subscription,
                        position,
                        event_id,
                        stream_id,
                        stream_version: u64::try_from(version).unwrap_or(0),
                        event_type,
                        error,
                        parked_at: at,
                    }
                },
            )
            .collect())
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
            "INSERT INTO event_store.snapshots (stream_id, version, schema_version, state) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (stream_id) DO UPDATE SET \
               version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, \
               state = EXCLUDED.state, taken_at = now() \
             WHERE snapshots.version <= EXCLUDED.version",
        )
        .bind(stream.as_str())
        .bind(i64::try_from(version).unwrap_or(i64::MAX))
        .bind(i32::try_from(schema_version).unwrap_or(i32::MAX))
        .bind(state)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Snapshot>, StoreError> {
        let row: Option<(i64, i32, Value, DateTime<Utc>)> = sqlx::query_as(
            "SELECT version, schema_version, state, taken_at FROM event_store.snapshots \
             WHERE stream_id = $1",
        )
        .bind(stream.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(version, schema_version, state, taken_at)| Snapshot {
            stream_id: stream.clone(),
            version: u64::try_from(version).unwrap_or(0),
            schema_version: u32::try_from(schema_version).unwrap_or(0),
            state,
            taken_at,
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
        Ok(ReadModelTx::Postgres(self.pool.begin().await?))
    }

    fn watch_appends(&self) -> watch::Receiver<i64> {
        self.appends.subscribe()
    }

    fn backend(&self) -> DatabaseBackend {
        DatabaseBackend::Postgres
    }

    fn read_pool(&self) -> ReadPool {
        ReadPool::Postgres(self.pool.clone())
    }

    async fn close(&self) {
        self.stop_listener();
        self.listener_pool.close().await;
        self.pool.close().await;
    }
}
