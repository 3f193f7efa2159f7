//! Test harness: a fresh store per test on each backend, the `store_test!` macro, and a small
//! event enum to store.
use gamebot::domain::{DomainEvent, GameId};
use gamebot::store::{Codec, EventStore, Metadata, NewEvent, ReadModelTx, StreamId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[path = "../common/db.rs"]
mod db;

pub use db::{with_postgres, with_sqlite, TestDb};

/// Runs one store contract test on both backends.
macro_rules! store_test {
    ($name:ident, |$store:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_postgres() {
                crate::helpers::with_postgres(|$store| $body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_sqlite() {
                crate::helpers::with_sqlite(|$store| $body).await;
            }
        }
    };
}

/// A small aggregate's events, serialized the way the domain's are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum TestEvent {
    /// Unit variant: stored with JSON null data.
    Opened,
    /// Schema v2: `score` was added in v2 (v1 had only `word`).
    WordPlayed { word: String, score: u32 },
    /// Carries arbitrary text.
    NoteTaken { text: String },
}

impl DomainEvent for TestEvent {
    fn event_type(&self) -> &'static str {
        match self {
            TestEvent::Opened => "Opened",
            TestEvent::WordPlayed { .. } => "WordPlayed",
            TestEvent::NoteTaken { .. } => "NoteTaken",
        }
    }

    fn schema_version(&self) -> u32 {
        match self {
            TestEvent::WordPlayed { .. } => 2,
            _ => 1,
        }
    }
}

/// The codec with the v1 -> v2 upcaster for `WordPlayed` (v1 had no score; it counts as 1).
pub fn codec() -> Codec<TestEvent> {
    Codec::new().with_upcaster("WordPlayed", 1, |mut data| {
        let object = data.as_object_mut().ok_or("WordPlayed v1 data is not an object")?;
        object.insert("score".into(), serde_json::json!(1));
        Ok(data)
    })
}

/// A stream id no other test uses.
pub fn new_stream() -> StreamId {
    StreamId::game(GameId(Uuid::new_v4()))
}

/// `count` distinct note events, ready to append.
pub fn notes(count: usize) -> Vec<NewEvent> {
    let codec = codec();
    (0..count)
        .map(|i| {
            codec
                .encode(
                    &TestEvent::NoteTaken { text: format!("note {i}") },
                    Metadata::origin(Uuid::new_v4()),
                )
                .expect("encodes")
        })
        .collect()
}

/// Runs backend-specific SQL in a read-model transaction: `postgres` uses `$1` placeholders,
/// `sqlite` uses `?`. Binds are text.
pub async fn raw_execute(tx: &mut ReadModelTx, postgres: &str, sqlite: &str, binds: &[&str]) {
    match tx {
        ReadModelTx::Postgres(tx) => {
            let mut query = sqlx::query(postgres);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(&mut **tx).await.expect("PostgreSQL statement runs");
        }
        ReadModelTx::Sqlite(tx) => {
            let mut query = sqlx::query(sqlite);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(&mut **tx).await.expect("SQLite statement runs");
        }
    }
}

/// Waits until `read_all` can return `position`. On PostgreSQL a committed event becomes
/// visible once every older transaction in the cluster (other tests' too) has finished.
pub async fn wait_until_visible(store: &dyn EventStore, position: i64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while store.last_position().await.expect("last_position") < position {
        assert!(tokio::time::Instant::now() < deadline, "position {position} never became visible");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
