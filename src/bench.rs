//! Throughput measurements, so speed targets live in a command rather than in timed tests:
//! `gamebot bench store` appends from several concurrent writers (one event per append, as a
//! command does) into a scratch database and reports events per second, then times a follower
//! reading the whole log back through `read_all`. It never touches the configured database.
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use crate::domain::GameId;
use crate::store::{
    EventStore, ExpectedVersion, Metadata, NewEvent, PostgresStore, SqliteStore, StreamId,
};

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct StoreBench {
    /// Concurrent writers, each on its own stream.
    pub writers: usize,
    /// Appends per writer, one event each.
    pub appends_per_writer: usize,
}

/// What was measured.
#[derive(Debug, Clone)]
pub struct StoreBenchReport {
    /// Which backend ran.
    pub backend: &'static str,
    /// Events appended in all.
    pub events: usize,
    /// Wall time of the appends.
    pub append_time: Duration,
    /// Wall time of reading them all back with `read_all` in pages of 1,000.
    pub read_time: Duration,
}

impl std::fmt::Display for StoreBenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = |d: Duration| self.events as f64 / d.as_secs_f64().max(1e-9);
        write!(
            f,
            "{}: {} events appended in {:.2} s ({:.0} events/s); read back in {:.2} s ({:.0} events/s)",
            self.backend,
            self.events,
            self.append_time.as_secs_f64(),
            rate(self.append_time),
            self.read_time.as_secs_f64(),
            rate(self.read_time)
        )
    }
}

/// A payload the size of a typical game event.
fn event() -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "BenchAnswered".into(),
        schema_version: 1,
        data: serde_json::json!({ "player": 1234567890_u64, "word": "lantern", "answered_ms": 4210 }),
        metadata: Metadata::origin(Uuid::now_v7()),
    }
}

/// Runs the append and read measurement on `store`.
pub async fn run_store_bench(
    store: Arc<dyn EventStore>,
    backend: &'static str,
    bench: StoreBench,
) -> anyhow::Result<StoreBenchReport> {
    let started = Instant::now();
    let writers = (0..bench.writers).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            let stream = StreamId::game(GameId(Uuid::new_v4()));
            for version in 0..bench.appends_per_writer {
                store
                    .append(&stream, ExpectedVersion::Exact(version as u64), vec![event()])
                    .await?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.context("a bench writer panicked")?.context("a bench append failed")?;
    }
    let append_time = started.elapsed();
    let events = bench.writers * bench.appends_per_writer;
    let started = Instant::now();
    let mut position = 0;
    let mut read = 0;
    while read < events {
        let page = store.read_all(position, 1_000).await.context("reading the log back")?;
        let Some(last) = page.last() else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        position = last.position;
        read += page.len();
    }
    Ok(StoreBenchReport { backend, events, append_time, read_time: started.elapsed() })
}

/// Measures a scratch SQLite file, or a scratch database created on the PostgreSQL server
/// `postgres_server` names (and dropped afterwards).
pub async fn store_bench(
    postgres_server: Option<&str>,
    bench: StoreBench,
) -> anyhow::Result<StoreBenchReport> {
    let pool = u32::try_from(bench.writers + 2).unwrap_or(u32::MAX);
    let Some(server) = postgres_server else {
        let dir = tempfile::tempdir().context("creating a scratch directory")?;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("bench.db"))
            .create_if_missing(true);
        let (store, _) = SqliteStore::connect(options, pool).await?;
        let store: Arc<dyn EventStore> = Arc::new(store);
        let report = run_store_bench(store.clone(), "SQLite", bench).await;
        store.close().await;
        return report;
    };
    let server = PgConnectOptions::from_str(server).context("reading the PostgreSQL URL")?;
    let name = format!("gamebot_bench_{}", Uuid::new_v4().simple());
    let mut admin =
        PgConnection::connect_with(&server).await.context("connecting to PostgreSQL")?;
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    let result = async {
        let (store, _) = PostgresStore::connect(server.clone().database(&name), pool).await?;
        let store: Arc<dyn EventStore> = Arc::new(store);
        let report = run_store_bench(store.clone(), "PostgreSQL", bench).await;
        store.close().await;
        report
    }
    .await;
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
    result
}
