//! Test harness: a runtime and a `GameService` on a fresh database per test (PostgreSQL from
//! `GAMEBOT_TEST_DATABASE_URL`, or a temp SQLite file), a clock the test moves by hand, and
//! short-hands for the steps most tests repeat. The database helpers are copied from
//! tests/store/helpers.rs (that binary owns its own copy).
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::FutureExt;
use gamebot::config::{HealthSettings, RuntimeSettings};
use gamebot::domain::game::{GameOptions, Mode};
use gamebot::domain::team::TeamName;
use gamebot::domain::{ChannelId, GuildId, TeamId, UserId};
use gamebot::projections::all_projections;
use gamebot::reactors::start_reactors;
use gamebot::runtime::{Clock, Runtime, SharedClock};
use gamebot::service::{Caller, GameService, LogIndex};
use gamebot::store::{EventStore, PostgresStore, SqliteStore};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// Server to create test databases on, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
pub const DATABASE_URL_VAR: &str = "GAMEBOT_TEST_DATABASE_URL";
/// When `1`, a PostgreSQL test without `GAMEBOT_TEST_DATABASE_URL` fails instead of skipping.
pub const REQUIRE_POSTGRES_VAR: &str = "GAMEBOT_REQUIRE_POSTGRES";
/// Pool size for test stores.
pub const TEST_POOL_SIZE: u32 = 8;

/// The guild most tests play in.
pub const GUILD: GuildId = GuildId(9_000);
/// A second guild.
pub const OTHER_GUILD: GuildId = GuildId(9_001);
/// Channels.
pub const CHANNEL: ChannelId = ChannelId(100);
pub const CHANNEL_2: ChannelId = ChannelId(101);
pub const CHANNEL_3: ChannelId = ChannelId(102);
/// Players.
pub const ANN: UserId = UserId(1);
pub const BOB: UserId = UserId(2);
pub const CAROL: UserId = UserId(3);
pub const DAN: UserId = UserId(4);
pub const EVE: UserId = UserId(5);
pub const FAY: UserId = UserId(6);

/// Expands one test body into a PostgreSQL and a SQLite test: `service_test!(a_rule_holds_postgres,
/// a_rule_holds_sqlite, |env| async move { .. })`. Both names are spelled out because
/// `macro_rules!` cannot glue identifiers.
macro_rules! service_test {
    ($postgres:ident, $sqlite:ident, |$env:ident| $body:expr) => {
        #[actix::test]
        async fn $postgres() {
            crate::helpers::with_postgres(crate::helpers::Wiring::Production, |$env| $body).await;
        }

        #[actix::test]
        async fn $sqlite() {
            crate::helpers::with_sqlite(crate::helpers::Wiring::Production, |$env| $body).await;
        }
    };
}

/// As [`service_test!`], on a runtime without projections or reactors: the service answers
/// lookups from a [`LogIndex`] and carries a formed team onto its players itself.
macro_rules! standalone_test {
    ($postgres:ident, $sqlite:ident, |$env:ident| $body:expr) => {
        #[actix::test]
        async fn $postgres() {
            crate::helpers::with_postgres(crate::helpers::Wiring::Standalone, |$env| $body).await;
        }

        #[actix::test]
        async fn $sqlite() {
            crate::helpers::with_sqlite(crate::helpers::Wiring::Standalone, |$env| $body).await;
        }
    };
}

/// How a test's runtime is wired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wiring {
    /// Projections, reactors and `GameService::for_runtime`, as production starts them.
    Production,
    /// The bare runtime and a service on a [`LogIndex`].
    Standalone,
}

/// A clock the test moves by hand; it starts at the real now.
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.now.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().expect("clock lock")
    }

    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration {
        (at - self.now()).to_std().unwrap_or(Duration::ZERO)
    }
}

/// A running engine with its projections, its reactors and its service (on the read-model
/// lookups), as production wires them.
pub struct TestEnv {
    /// The runtime (kept alive for the test).
    pub runtime: Runtime,
    /// The service under test.
    pub service: GameService,
    /// The clock commands are decided at.
    pub clock: Arc<ManualClock>,
    /// The store, to check that a duplicate appended nothing.
    pub store: Arc<dyn EventStore>,
    next_source: AtomicU64,
}

impl TestEnv {
    fn start(store: Arc<dyn EventStore>, wiring: Wiring) -> Self {
        let clock = Arc::new(ManualClock { now: Mutex::new(Utc::now()) });
        let shared: SharedClock = clock.clone();
        let runtime = Runtime::start(
            store.clone(),
            shared.clone(),
            &RuntimeSettings {
                snapshot_every: 50,
                passivate_after_seconds: 600,
                max_concurrent_rebuilds: 4,
            },
            &HealthSettings { interval_seconds: 3_600 },
        );
        let service = match wiring {
            Wiring::Production => {
                for projection in all_projections() {
                    runtime.subscribe(projection);
                }
                start_reactors(&runtime);
                GameService::for_runtime(&runtime)
            }
            Wiring::Standalone => {
                let lookups = Arc::new(LogIndex::new(store.clone()));
                GameService::new(runtime.registry().clone(), store.clone(), lookups, shared)
            }
        };
        Self { runtime, service, clock, store, next_source: AtomicU64::new(1) }
    }

    /// A source id no other input of this test used (a made-up Discord message id).
    pub fn source(&self) -> String {
        format!("msg-{}", self.next_source.fetch_add(1, Ordering::Relaxed))
    }

    /// The highest position this process appended (to show that a duplicate appended nothing;
    /// the visible head can still move on PostgreSQL while earlier commits become visible).
    pub async fn head(&self) -> i64 {
        *self.store.watch_appends().borrow()
    }

    /// Waits until every projection and reactor has handled everything appended so far (the
    /// reactors' own commands included, as far as they have run).
    pub async fn settle(&self) {
        for _ in 0..3 {
            let head = self.head().await;
            assert!(
                self.runtime.wait_for_subscriptions(head, Duration::from_secs(10)).await,
                "the subscriptions reached position {head}"
            );
        }
    }

    /// `user` in the test guild, without Manage Server.
    pub fn caller(&self, user: UserId) -> Caller {
        Caller::in_guild(GUILD, user, name_of(user), false)
    }

    /// `user` in the test guild, with Manage Server.
    pub fn admin(&self, user: UserId) -> Caller {
        Caller::in_guild(GUILD, user, name_of(user), true)
    }

    /// `inviter` invites `invitee` and `invitee` accepts: a formed team.
    pub async fn team(&self, inviter: UserId, invitee: UserId) -> TeamId {
        let invited = self
            .service
            .invite(&self.caller(inviter), (invitee, name_of(invitee)), None, &self.source())
            .await
            .expect("the invitation is sent");
        let formed =
            self.service.accept(&self.caller(invitee), &self.source()).await.expect("accepted");
        assert_eq!(formed.team, invited.team, "the invitee accepted the invitation just sent");
        formed.team
    }
}

/// The display name of a test player.
pub fn name_of(user: UserId) -> String {
    match user.0 {
        1 => "Ann",
        2 => "Bob",
        3 => "Carol",
        4 => "Dan",
        5 => "Eve",
        6 => "Fay",
        _ => "Someone",
    }
    .to_owned()
}

/// A valid team name.
pub fn team_name(raw: &str) -> TeamName {
    TeamName::parse(raw).expect("a valid test team name")
}

/// Options for `mode` from `key=value` words.
pub fn options(mode: Mode, words: &[&str]) -> GameOptions {
    GameOptions::parse(mode, words).expect("valid test options")
}

/// Prints logs when `TEST_LOG` is set.
pub fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ =
                tracing_subscriber::fmt().with_env_filter("debug").with_test_writer().try_init();
        }
    });
}

/// Runs `test` on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(wiring: Wiring, test: F)
where
    F: FnOnce(Arc<TestEnv>) -> Fut,
    Fut: Future<Output = ()>,
{
    init_tracing();
    let dir = tempfile::tempdir().expect("a temp dir");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("events.db"))
        .create_if_missing(true);
    let (store, _) = SqliteStore::connect(options, TEST_POOL_SIZE).await.expect("SQLite store");
    let store: Arc<dyn EventStore> = Arc::new(store);
    let env = Arc::new(TestEnv::start(store.clone(), wiring));
    let outcome = AssertUnwindSafe(test(env.clone())).catch_unwind().await;
    env.runtime.stop_subscriptions();
    drop(env);
    store.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` on a fresh PostgreSQL database (skipped loudly when none is configured).
pub async fn with_postgres<F, Fut>(wiring: Wiring, test: F)
where
    F: FnOnce(Arc<TestEnv>) -> Fut,
    Fut: Future<Output = ()>,
{
    init_tracing();
    let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
        if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
            panic!("{DATABASE_URL_VAR} is unset but {REQUIRE_POSTGRES_VAR}=1");
        }
        eprintln!("\n!!! SKIPPED a PostgreSQL service test: set {DATABASE_URL_VAR} !!!\n");
        return;
    };
    let server = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("{DATABASE_URL_VAR} is not a PostgreSQL URL: {e}"));
    let mut admin = PgConnection::connect_with(&server)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {DATABASE_URL_VAR} is unreachable: {e}"));
    let name = format!("gamebot_service_{}", Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let (store, _) = PostgresStore::connect(server.clone().database(&name), TEST_POOL_SIZE)
        .await
        .expect("PostgreSQL store");
    let store: Arc<dyn EventStore> = Arc::new(store);
    let env = Arc::new(TestEnv::start(store.clone(), wiring));
    let outcome = AssertUnwindSafe(test(env.clone())).catch_unwind().await;
    env.runtime.stop_subscriptions();
    drop(env);
    store.close().await;
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    if let Err(e) = admin.execute(sql.as_str()).await {
        eprintln!("could not drop test database {name}: {e}");
    }
    let _ = admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
