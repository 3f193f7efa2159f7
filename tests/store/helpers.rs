//! Test harness: a fresh store per test on each backend, the `store_test!` macro, and a small
//! event enum to store.
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::str::FromStr;
use std::sync::{Arc, Once};

use futures::FutureExt;
use gamebot::domain::{DomainEvent, GameId};
use gamebot::store::{
    Codec, EventStore, Metadata, NewEvent, PostgresStore, ReadModelTx, SqliteStore, StreamId,
};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// Server to create test databases on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
pub const DATABASE_URL_VAR: &str = "GAMEBOT_TEST_DATABASE_URL";
/// When `1`, a PostgreSQL test without `GAMEBOT_TEST_DATABASE_URL` fails instead of skipping.
pub const REQUIRE_POSTGRES_VAR: &str = "GAMEBOT_REQUIRE_POSTGRES";
/// Pool size for test stores: enough for 8 concurrent writers, a reader and spare.
pub const TEST_POOL_SIZE: u32 = 16;

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

/// Prints the store's logs when `TEST_LOG` is set.
pub fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ =
                tracing_subscriber::fmt().with_env_filter("debug").with_test_writer().try_init();
        }
    });
}

/// Runs `test` against a store on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn EventStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    init_tracing();
    let dir = tempfile::tempdir().expect("a temp dir");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("events.db"))
        .create_if_missing(true);
    let (store, _) = SqliteStore::connect(options, TEST_POOL_SIZE).await.expect("SQLite store");
    let store: Arc<dyn EventStore> = Arc::new(store);
    let outcome = AssertUnwindSafe(test(store.clone())).catch_unwind().await;
    store.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A database created for one test and dropped after it.
pub struct TestDatabase {
    /// Options that connect to the new database.
    pub options: PgConnectOptions,
    name: String,
    server: PgConnectOptions,
}

impl TestDatabase {
    /// Creates a database with a random name on the server `GAMEBOT_TEST_DATABASE_URL` names.
    /// `None` (with a loud message) when the variable is unset and PostgreSQL is not required.
    pub async fn create() -> Option<Self> {
        let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
            if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
                panic!("{DATABASE_URL_VAR} is unset but {REQUIRE_POSTGRES_VAR}=1");
            }
            eprintln!(
                "\n!!! SKIPPED a PostgreSQL store test: set {DATABASE_URL_VAR} (see .ci/run) !!!\n"
            );
            return None;
        };
        let server = PgConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("{DATABASE_URL_VAR} is not a PostgreSQL URL: {e}"));
        let mut admin = PgConnection::connect_with(&server)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {DATABASE_URL_VAR} is unreachable: {e}"));
        let name = format!("gamebot_test_{}", Uuid::new_v4().simple());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = admin.close().await;
        Some(Self { options: server.clone().database(&name), name, server })
    }

    /// Drops the database; best effort, a leftover only costs disk.
    pub async fn drop_database(self) {
        if let Ok(mut admin) = PgConnection::connect_with(&self.server).await {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            if let Err(e) = admin.execute(sql.as_str()).await {
                eprintln!("could not drop test database {}: {e}", self.name);
            }
            let _ = admin.close().await;
        }
    }
}

/// Runs `test` against a store on a fresh PostgreSQL database.
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn EventStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    init_tracing();
    let Some(database) = TestDatabase::create().await else { return };
    let (store, _) = PostgresStore::connect(database.options.clone(), TEST_POOL_SIZE)
        .await
        .expect("PostgreSQL store");
    let store: Arc<dyn EventStore> = Arc::new(store);
    let outcome = AssertUnwindSafe(test(store.clone())).catch_unwind().await;
    store.close().await;
    drop(store);
    database.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
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
