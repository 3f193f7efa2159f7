//! Harness: a fresh database per test, given as the URL `gamebot` itself takes, so a test can
//! play the demo in-process and then run the real binary on the same database.
use std::process::Output;
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use chrono::Utc;
use gamebot::config::{DatabaseSettings, HealthSettings, RuntimeSettings};
use gamebot::demo::{DemoClock, DemoOptions, DemoReport};
use gamebot::startup::Engine;
use gamebot::store::EventStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// Server to create test databases on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
pub const DATABASE_URL_VAR: &str = "GAMEBOT_TEST_DATABASE_URL";
/// When `1`, a PostgreSQL test without `GAMEBOT_TEST_DATABASE_URL` fails instead of skipping.
pub const REQUIRE_POSTGRES_VAR: &str = "GAMEBOT_REQUIRE_POSTGRES";

/// Prints logs when `TEST_LOG` is set.
pub fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt().with_env_filter("info").with_test_writer().try_init();
        }
    });
}

/// A database for one test; dropped with the test (the SQLite directory, the PostgreSQL
/// database).
pub struct TestDb {
    /// What `gamebot` takes as `GAMEBOT_DATABASE__URL`.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(PgConnectOptions, String)>,
}

impl TestDb {
    /// A fresh SQLite file in a temp directory.
    pub fn sqlite() -> TestDb {
        init_tracing();
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        TestDb { url, _dir: Some(dir), postgres: None }
    }

    /// A fresh PostgreSQL database; `None` (said loudly) without a server, unless PostgreSQL is
    /// required.
    pub async fn postgres() -> Option<TestDb> {
        init_tracing();
        let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
            if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
                panic!("{DATABASE_URL_VAR} is unset but {REQUIRE_POSTGRES_VAR}=1");
            }
            eprintln!("\n!!! SKIPPED a PostgreSQL demo test: set {DATABASE_URL_VAR} !!!\n");
            return None;
        };
        let server = PgConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("{DATABASE_URL_VAR} is not a PostgreSQL URL: {e}"));
        let mut admin = PgConnection::connect_with(&server)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {DATABASE_URL_VAR} is unreachable: {e}"));
        let name = format!("gamebot_demo_{}", Uuid::new_v4().simple());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = admin.close().await;
        // The server URL with its database swapped for the fresh one.
        let base = url.split('?').next().unwrap_or(&url);
        let (prefix, _) = base.rsplit_once('/').expect("a PostgreSQL URL has a path");
        let url = format!("{prefix}/{name}");
        Some(TestDb { url, _dir: None, postgres: Some((server, name)) })
    }

    /// Connects to the database (migrating it), as `gamebot` does.
    pub async fn connect(&self) -> Arc<dyn EventStore> {
        gamebot::store::connect(&DatabaseSettings::from_url(&self.url)).await.expect("the store")
    }

    /// Drops a PostgreSQL database (SQLite's directory goes with the value).
    pub async fn drop_database(self) {
        if let Some((server, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::connect_with(server).await {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = admin.execute(sql.as_str()).await;
                let _ = admin.close().await;
            }
        }
    }
}

/// The demo as tests play it: short games, a faster clock, no printing.
pub fn quick_options() -> DemoOptions {
    DemoOptions {
        seed: 7,
        timed_speed: 120,
        longform_speed: 57_600,
        quick: true,
        progress_bar: false,
        print: false,
    }
}

/// Plays the quick demo on `db` with the engine `gamebot demo` starts, and stops the engine.
pub async fn play_demo(db: &TestDb) -> DemoReport {
    let store = db.connect().await;
    let clock = Arc::new(DemoClock::new(Utc::now(), 120));
    let engine = Engine::start(
        store,
        clock.clone(),
        &RuntimeSettings {
            snapshot_every: 20,
            passivate_after_seconds: 600,
            max_concurrent_rebuilds: 4,
        },
        &HealthSettings { interval_seconds: 3_600 },
    );
    let report = gamebot::demo::run(&engine, clock, &quick_options()).await;
    let _ = engine.caught_up(Duration::from_secs(20)).await;
    engine.stop().await;
    report.unwrap_or_else(|e| panic!("the demo failed: {e}"))
}

/// Runs the real `gamebot` binary on `db` with `args`.
pub fn gamebot(db: &TestDb, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gamebot"))
        .args(args)
        .env("GAMEBOT_DATABASE__URL", &db.url)
        .env("GAMEBOT_CONFIG_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/config"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("gamebot runs")
}
