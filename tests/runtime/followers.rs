//! The follower side never drops an effect: a reaction or a read-model write that fails
//! transiently is retried until it applies, exactly once, with the checkpoint after it and no
//! dead letter; a permanent failure is parked and re-driven on request once fixed; a panicking
//! subscriber is restarted from its checkpoint. Every subscriber here writes a real row in the
//! store's database for each event it handles, so "exactly once" is counted in the database.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use gamebot::config::{LogFormat, TelemetrySettings};
use gamebot::domain::game::Mode;
use gamebot::runtime::{HandleError, Progress, RetryPolicy, Runtime, Subscriber};
use gamebot::store::{EventStore, ReadModelTx, ReadPool, RecordedEvent, StoreError};
use uuid::Uuid;

use crate::helpers::*;

/// Retries fast, so a test's failures pass in milliseconds.
const FAST: RetryPolicy = RetryPolicy {
    first_delay: Duration::from_millis(5),
    max_delay: Duration::from_millis(40),
    permanent_attempts: 3,
};

/// How a test subscriber misbehaves on the events of one event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// The reaction fails with an unreachable store this many times per event, then works.
    ReactTransient(u32),
    /// The read-model write fails with an unreachable store this many times per event.
    HandleTransient(u32),
    /// The reaction is refused for good while the switch is on.
    ReactPermanent,
    /// The reaction panics this many times per event (`u32::MAX`: every time).
    ReactPanics(u32),
}

/// A subscriber that reacts to every event by counting it in memory (the side effect) and
/// writes one row per event into `follower_effects` (the read model), failing as told on events
/// of type `target`.
struct Flaky {
    name: &'static str,
    target: &'static str,
    fault: Fault,
    broken: AtomicBool,
    failures: Mutex<HashMap<Uuid, u32>>,
    reactions: Mutex<HashMap<Uuid, u32>>,
    attempts: AtomicU32,
}

impl Flaky {
    fn new(name: &'static str, target: &'static str, fault: Fault) -> Arc<Self> {
        Arc::new(Self {
            name,
            target,
            fault,
            broken: AtomicBool::new(true),
            failures: Mutex::default(),
            reactions: Mutex::default(),
            attempts: AtomicU32::new(0),
        })
    }

    /// Whether this attempt at `event` should fail: the first `times` attempts do.
    fn fails(&self, event: &RecordedEvent, times: u32) -> bool {
        if event.event_type != self.target {
            return false;
        }
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let mut failures = self.failures.lock().expect("failures");
        let failed = failures.entry(event.event_id).or_default();
        if *failed < times {
            *failed += 1;
            return true;
        }
        false
    }

    fn reactions(&self) -> HashMap<Uuid, u32> {
        self.reactions.lock().expect("reactions").clone()
    }
}

fn unreachable() -> HandleError {
    HandleError::Store(StoreError::Backend(sqlx::Error::PoolTimedOut))
}

#[async_trait]
impl Subscriber for Flaky {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        match self.fault {
            Fault::ReactTransient(times) if self.fails(event, times) => return Err(unreachable()),
            Fault::ReactPermanent
                if event.event_type == self.target && self.broken.load(Ordering::SeqCst) =>
            {
                self.attempts.fetch_add(1, Ordering::SeqCst);
                return Err(HandleError::Unhandled("this event is refused".into()));
            }
            Fault::ReactPanics(times) if self.fails(event, times) => {
                panic!("injected subscriber fault")
            }
            _ => {}
        }
        *self.reactions.lock().expect("reactions").entry(event.event_id).or_default() += 1;
        Ok(())
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        if let Fault::HandleTransient(times) = self.fault {
            if self.fails(event, times) {
                return Err(unreachable());
            }
        }
        let id = event.event_id.to_string();
        match tx {
            ReadModelTx::Postgres(tx) => {
                sqlx::query(
                    "INSERT INTO follower_effects (subscription, event_id) VALUES ($1, $2)",
                )
                .bind(self.name)
                .bind(&id)
                .execute(&mut **tx)
                .await?;
            }
            ReadModelTx::Sqlite(tx) => {
                sqlx::query("INSERT INTO follower_effects (subscription, event_id) VALUES (?, ?)")
                    .bind(self.name)
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The table the test subscribers write, created on the store's own database.
async fn effects_table(store: &Arc<dyn EventStore>) {
    let sql = "CREATE TABLE IF NOT EXISTS follower_effects (subscription TEXT NOT NULL, \
               event_id TEXT NOT NULL)";
    match store.read_pool() {
        ReadPool::Postgres(pool) => sqlx::query(sql).execute(&pool).await.map(|_| ()),
        ReadPool::Sqlite(pool) => sqlx::query(sql).execute(&pool).await.map(|_| ()),
    }
    .expect("effects table");
}

/// Rows written per event id by `subscription`.
async fn effects(store: &Arc<dyn EventStore>, subscription: &str) -> HashMap<Uuid, u32> {
    let rows: Vec<(String, i64)> = match store.read_pool() {
        ReadPool::Postgres(pool) => {
            sqlx::query_as(
                "SELECT event_id, count(*) FROM follower_effects WHERE subscription = $1 \
             GROUP BY event_id",
            )
            .bind(subscription)
            .fetch_all(&pool)
            .await
        }
        ReadPool::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT event_id, count(*) FROM follower_effects WHERE subscription = ? \
             GROUP BY event_id",
            )
            .bind(subscription)
            .fetch_all(&pool)
            .await
        }
    }
    .expect("effects");
    rows.into_iter()
        .map(|(id, n)| (Uuid::parse_str(&id).expect("uuid"), u32::try_from(n).expect("count")))
        .collect()
}

/// Every event id in the log.
async fn all_events(store: &Arc<dyn EventStore>) -> Vec<Uuid> {
    store.read_all(0, 10_000).await.expect("read log").iter().map(|e| e.event_id).collect()
}

/// Waits (up to 20 s) until `progress` passes every event this process appended. (The store's
/// visible head can lag behind on PostgreSQL while another transaction is in flight.)
async fn caught_up(store: &Arc<dyn EventStore>, progress: &Progress) {
    let head = *store.watch_appends().borrow();
    assert!(head > 0, "nothing was appended");
    for _ in 0..2_000 {
        if progress.checkpoint() >= head {
            return;
        }
        actix_rt::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the subscription stopped at {} before the head {head}", progress.checkpoint());
}

/// Plays a short game so the log holds a dozen events of several types.
async fn some_play(runtime: &Runtime) {
    let stream = started_game(runtime, Mode::Race, &[], 2).await;
    match_pair(runtime, &stream, 1).await;
    match_pair(runtime, &stream, 2).await;
}

/// Each event's effect exactly once: one reaction and one row.
async fn assert_exactly_once(store: &Arc<dyn EventStore>, flaky: &Flaky) {
    let events = all_events(store).await;
    let reactions = flaky.reactions();
    let rows = effects(store, flaky.name).await;
    for id in &events {
        assert_eq!(reactions.get(id), Some(&1), "reaction to {id}: {reactions:?}");
        assert_eq!(rows.get(id), Some(&1), "read-model row of {id}: {rows:?}");
    }
    assert_eq!(rows.len(), events.len(), "a row for an event not in the log");
}

runtime_test!(
    a_reaction_failing_transiently_is_retried_until_it_applies_once,
    |store| async move {
        effects_table(&store).await;
        let runtime = runtime(&store, &settings(0));
        some_play(&runtime).await;
        // More failures than the old runner's four attempts, on the event every game starts with.
        let flaky = Flaky::new("test.flaky_reaction", "GameCreated", Fault::ReactTransient(6));
        let progress = runtime.subscribe_with(flaky.clone(), FAST);
        caught_up(&store, &progress).await;
        assert_exactly_once(&store, &flaky).await;
        assert!(flaky.attempts.load(Ordering::SeqCst) >= 7, "the failures were not all met");
        assert!(store.dead_letters().await.expect("dead letters").is_empty());
        assert_eq!(progress.stall(), None, "recovered subscriptions are not stalled");
    }
);

runtime_test!(
    a_read_model_write_failing_transiently_is_retried_until_it_commits_once,
    |store| async move {
        effects_table(&store).await;
        let runtime = runtime(&store, &settings(0));
        some_play(&runtime).await;
        let flaky = Flaky::new("test.flaky_write", "AnswerAccepted", Fault::HandleTransient(5));
        let progress = runtime.subscribe_with(flaky.clone(), FAST);
        caught_up(&store, &progress).await;
        assert_exactly_once(&store, &flaky).await;
        assert!(store.dead_letters().await.expect("dead letters").is_empty());
        let saved = store.load_checkpoint(flaky.name).await.expect("checkpoint");
        assert_eq!(saved, Some(*store.watch_appends().borrow()));
    }
);

runtime_test!(
    a_stalled_subscription_shows_its_position_and_error_while_it_retries,
    |store| async move {
        effects_table(&store).await;
        let runtime = runtime(&store, &settings(0));
        some_play(&runtime).await;
        let slow = RetryPolicy { max_delay: Duration::from_millis(100), ..FAST };
        let flaky = Flaky::new("test.stalled", "GameStarted", Fault::ReactTransient(40));
        let progress = runtime.subscribe_with(flaky.clone(), slow);
        let mut seen = None;
        for _ in 0..500 {
            if let Some(stall) = progress.stall() {
                seen = Some(stall);
                break;
            }
            actix_rt::time::sleep(Duration::from_millis(5)).await;
        }
        let stall = seen.expect("the subscription never showed as stalled");
        assert!(stall.last_error.contains("database failed"), "{stall:?}");
        assert!(stall.position > 0 && stall.attempts >= 1, "{stall:?}");
        caught_up(&store, &progress).await;
        assert_exactly_once(&store, &flaky).await;
        assert_eq!(progress.stall(), None);
    }
);

runtime_test!(a_permanent_failure_is_parked_then_redriven_once_fixed, |store| async move {
    effects_table(&store).await;
    let runtime = runtime(&store, &settings(0));
    some_play(&runtime).await;
    let flaky = Flaky::new("test.refusing", "GameCreated", Fault::ReactPermanent);
    let progress = runtime.subscribe_with(flaky.clone(), FAST);
    caught_up(&store, &progress).await;
    let parked = store.dead_letters().await.expect("dead letters");
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].subscription, flaky.name);
    assert_eq!(parked[0].event_type, "GameCreated");
    assert!(parked[0].error.contains("refused"), "{:?}", parked[0]);
    assert_eq!(flaky.attempts.load(Ordering::SeqCst), FAST.permanent_attempts);
    assert!(!effects(&store, flaky.name).await.contains_key(&parked[0].event_id));

    // Fixed: the running subscription takes the requested retry without a restart.
    flaky.broken.store(false, Ordering::SeqCst);
    let requested = store.request_dead_letter_retry(Some(flaky.name)).await.expect("request");
    assert_eq!(requested, 1);
    for _ in 0..1_000 {
        if store.dead_letter_count().await.expect("count") == 0 {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(store.dead_letter_count().await.expect("count"), 0, "not re-driven");
    assert_exactly_once(&store, &flaky).await;
});

runtime_test!(
    a_redrive_that_fails_again_stays_parked_with_the_request_cleared,
    |store| async move {
        effects_table(&store).await;
        let runtime = runtime(&store, &settings(0));
        some_play(&runtime).await;
        let flaky = Flaky::new("test.still_refusing", "GameCreated", Fault::ReactPermanent);
        let progress = runtime.subscribe_with(flaky.clone(), FAST);
        caught_up(&store, &progress).await;
        store.request_dead_letter_retry(None).await.expect("request");
        let done = gamebot::runtime::redrive_dead_letters(&*store, &*flaky).await.expect("redrive");
        assert_eq!((done.succeeded, done.parked_again, done.deferred), (0, 1, 0));
        let parked = store.dead_letters().await.expect("dead letters");
        assert_eq!(parked.len(), 1);
        assert!(!parked[0].retry_requested, "a failed re-drive clears the request: {parked:?}");
    }
);

runtime_test!(a_panicking_subscriber_is_restarted_from_its_checkpoint, |store| async move {
    let lines = Lines::default();
    let sink = lines.clone();
    let settings_ = TelemetrySettings { format: LogFormat::Json, filter: "warn".into() };
    let subscriber =
        gamebot::telemetry::subscriber(&settings_, move || sink.clone()).expect("subscriber");
    let _guard = tracing::subscriber::set_default(subscriber);

    effects_table(&store).await;
    let runtime = runtime(&store, &settings(0));
    some_play(&runtime).await;
    let flaky = Flaky::new("test.panicking", "PairDealt", Fault::ReactPanics(1));
    let progress = runtime.subscribe_with(flaky.clone(), FAST);
    caught_up(&store, &progress).await;
    assert_exactly_once(&store, &flaky).await;
    assert!(store.dead_letters().await.expect("dead letters").is_empty());
    let logged = lines.json();
    let restart = logged
        .iter()
        .find(|l| l["health"] == "restart" && l["subscription"] == flaky.name)
        .unwrap_or_else(|| panic!("no restart WARN in {logged:?}"));
    assert_eq!(restart["level"], "WARN");
    assert!(restart["panic.message"].as_str().is_some_and(|m| m.contains("injected")), "{restart}");
});

runtime_test!(an_event_that_panics_every_time_is_parked, |store| async move {
    effects_table(&store).await;
    let runtime = runtime(&store, &settings(0));
    some_play(&runtime).await;
    let flaky = Flaky::new("test.always_panicking", "GameStarted", Fault::ReactPanics(u32::MAX));
    let progress = runtime.subscribe_with(flaky.clone(), FAST);
    caught_up(&store, &progress).await;
    let parked = store.dead_letters().await.expect("dead letters");
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].event_type, "GameStarted");
    assert!(parked[0].error.contains("panicked"), "{:?}", parked[0]);
    // Every other event was still handled once.
    let reactions = flaky.reactions();
    assert_eq!(reactions.len(), all_events(&store).await.len() - 1);
    assert!(reactions.values().all(|n| *n == 1), "{reactions:?}");
});
