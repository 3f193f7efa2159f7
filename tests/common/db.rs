//! Test databases, shared by every test binary (`#[path = "../common/db.rs"] mod db;`): a fresh
//! SQLite file in a temp directory, or a fresh PostgreSQL database created on the server
//! `GAMEBOT_TEST_DATABASE_URL` names and dropped after the test. A PostgreSQL test fails when the
//! variable is set and the server is unreachable, skips loudly when it is unset, and fails then
//! too when `GAMEBOT_REQUIRE_POSTGRES=1` (as `.ci/run` sets), so CI can never skip one.
#![allow(dead_code)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Once};

use futures::FutureExt;
use gamebot::config::DatabaseSettings;
use gamebot::store::{EventStore, PostgresStore, SqliteStore};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// Server to create test databases on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
pub const DATABASE_URL_VAR: &str = "GAMEBOT_TEST_DATABASE_URL";
/// When `1`, a PostgreSQL test without `GAMEBOT_TEST_DATABASE_URL` fails instead of skipping.
pub const REQUIRE_POSTGRES_VAR: &str = "GAMEBOT_REQUIRE_POSTGRES";
/// Pool size for test stores: enough for 8 concurrent writers, a reader and spare.
pub const TEST_POOL_SIZE: u32 = 16;

/// Prints logs when `TEST_LOG` is set (its value is the filter, `1` meaning a sensible one).
pub fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Some(filter) = std::env::var_os("TEST_LOG") {
            let filter = filter.to_string_lossy().into_owned();
            let filter = if filter == "1" { "info,gamebot=debug".to_owned() } else { filter };
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
    });
}

/// Where a test database lives.
#[derive(Debug, Clone)]
enum Place {
    Sqlite(PathBuf),
    Postgres(Box<Postgres>),
}

/// A PostgreSQL test database and the server it was made on.
#[derive(Debug, Clone)]
struct Postgres {
    options: PgConnectOptions,
    server: PgConnectOptions,
    name: String,
}

/// A database made for one test. It can be connected to more than once (a restart, or the
/// `gamebot` binary through [`TestDb::url`]); dropping the value removes a SQLite file's
/// directory, and [`TestDb::drop_database`] drops a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct TestDb {
    /// What `gamebot` takes as `GAMEBOT_DATABASE__URL`.
    pub url: String,
    place: Place,
    _dir: Option<Arc<tempfile::TempDir>>,
}

impl TestDb {
    /// A fresh SQLite file in a temp directory.
    pub fn sqlite() -> TestDb {
        init_tracing();
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("gamebot.db");
        let url = format!("sqlite://{}", path.display());
        TestDb { url, place: Place::Sqlite(path), _dir: Some(Arc::new(dir)) }
    }

    /// A fresh PostgreSQL database; `None` (said loudly) when no server is configured and
    /// PostgreSQL is not required.
    pub async fn postgres() -> Option<TestDb> {
        init_tracing();
        let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
            if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
                panic!("{DATABASE_URL_VAR} is unset but {REQUIRE_POSTGRES_VAR}=1");
            }
            eprintln!(
                "\n!!! SKIPPED a PostgreSQL test: set {DATABASE_URL_VAR} (see .ci/run) !!!\n"
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
        let base = url.split('?').next().unwrap_or(&url);
        let (prefix, _) = base.rsplit_once('/').expect("a PostgreSQL URL has a path");
        Some(TestDb {
            url: format!("{prefix}/{name}"),
            place: Place::Postgres(Box::new(Postgres {
                options: server.clone().database(&name),
                server,
                name,
            })),
            _dir: None,
        })
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.place, Place::Postgres(_))
    }

    /// Options that connect to a PostgreSQL test database.
    pub fn postgres_options(&self) -> Option<&PgConnectOptions> {
        match &self.place {
            Place::Postgres(postgres) => Some(&postgres.options),
            Place::Sqlite(_) => None,
        }
    }

    /// A new store on the database with [`TEST_POOL_SIZE`] connections (migrations run first).
    pub async fn connect(&self) -> Arc<dyn EventStore> {
        self.connect_with_pool(TEST_POOL_SIZE).await
    }

    /// A new store on the database with `pool` connections.
    pub async fn connect_with_pool(&self, pool: u32) -> Arc<dyn EventStore> {
        match &self.place {
            Place::Postgres(postgres) => {
                let (store, _) = PostgresStore::connect(postgres.options.clone(), pool)
                    .await
                    .expect("PostgreSQL store");
                Arc::new(store)
            }
            Place::Sqlite(path) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true);
                let (store, _) = SqliteStore::connect(options, pool).await.expect("SQLite store");
                Arc::new(store)
            }
        }
    }

    /// A store connected the way `gamebot` connects (settings from the URL).
    pub async fn connect_as_the_binary(&self) -> Arc<dyn EventStore> {
        gamebot::store::connect(&DatabaseSettings::from_url(&self.url)).await.expect("the store")
    }

    /// Drops a PostgreSQL database; best effort, a leftover only costs disk.
    pub async fn drop_database(self) {
        if let Place::Postgres(postgres) = &self.place {
            let name = &postgres.name;
            if let Ok(mut admin) = PgConnection::connect_with(&postgres.server).await {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                if let Err(e) = admin.execute(sql.as_str()).await {
                    eprintln!("could not drop test database {name}: {e}");
                }
                let _ = admin.close().await;
            }
        }
    }
}

/// Runs `test` with a store on `db`, closes the store, drops the database, then re-raises a
/// panic of the test.
pub async fn with_db<F, Fut>(db: TestDb, test: F)
where
    F: FnOnce(Arc<dyn EventStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    let store = db.connect().await;
    let outcome = AssertUnwindSafe(test(store.clone())).catch_unwind().await;
    store.close().await;
    drop(store);
    db.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` against a store on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn EventStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    with_db(TestDb::sqlite(), test).await;
}

/// Runs `test` against a store on a fresh PostgreSQL database (or skips, see the module doc).
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn EventStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    if let Some(db) = TestDb::postgres().await {
        with_db(db, test).await;
    }
}
