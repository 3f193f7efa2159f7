//! A subscription follows the global log from its checkpoint and hands each event to a
//! [`Subscriber`]: a projection (read models) or a reactor (side effects, process managers, timers).
//! Each batch of handled events commits together with the checkpoint in one [`ReadModelTx`], so a
//! crash never double-counts a read model. A reactor's side effects happen before its checkpoint
//! commits, so after a crash it sees the event again: reactors are idempotent by event id.
//!
//! Effects happen at least once and are never dropped. A failure is classified by type
//! ([`HandleError::is_transient`]):
//! - **transient** (the store unreachable or busy, an actor gone, Discord failing): the same step
//!   is retried with capped exponential backoff and jitter until it succeeds, however long that
//!   takes; meanwhile the subscription is *stalled* ([`Progress::stall`]) and the health line
//!   says so with its position, attempts and last error;
//! - **permanent** (an event that does not decode, a refusal retrying cannot change, a bug): tried
//!   [`RetryPolicy::permanent_attempts`] times, then the event is parked in the dead-letter table
//!   with its error and the subscription moves on;
//! - **a panic** in the subscriber stops the subscription actor; its supervisor restarts it from
//!   its checkpoint with one WARN line. An event that panics every time is parked like a
//!   permanent failure.
//!
//! Parked events are re-driven on request (`gamebot deadletters retry`): the running
//! subscription looks for requested rows every [`REDRIVE_POLL`], hands each to its consumer
//! again and deletes the row in the same transaction as the read-model write.
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::prelude::*;
use async_trait::async_trait;
use futures::FutureExt;

use super::health::Health;
use super::stream_actor::panic_message;
use crate::store::{is_transient_sqlx, EventStore, ReadModelTx, RecordedEvent, StoreError};

/// Most events handled in one transaction: large enough to catch up fast after downtime, small
/// enough that one transaction never holds the SQLite write lock for long.
pub const BATCH_SIZE: usize = 256;

/// How often a follower re-reads the log even without a signal: the signal can be missed while a
/// PostgreSQL listener reconnects, and an older in-flight transaction can hide newer events.
pub const IDLE_REREAD: Duration = Duration::from_secs(1);

/// How soon to read again when events were appended but are not visible yet (an older
/// PostgreSQL transaction is still open): short, because a player is waiting for the reply.
pub const INVISIBLE_REREAD: Duration = Duration::from_millis(10);

/// How often a running subscription looks for parked events an operator asked to re-drive.
pub const REDRIVE_POLL: Duration = Duration::from_secs(2);

/// How a subscription retries a failing step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first retry delay; each next one doubles, up to `max_delay`.
    pub first_delay: Duration,
    /// The longest pause between two attempts (an outage is retried at this pace).
    pub max_delay: Duration,
    /// Attempts at an event failing permanently (or panicking) before it is parked.
    pub permanent_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(10),
            permanent_attempts: 3,
        }
    }
}

impl RetryPolicy {
    /// The pause before attempt `attempt + 1` (attempts count from 1): doubling from
    /// `first_delay`, capped at `max_delay`, then scaled by a random factor in [0.5, 1.0) so many
    /// subscriptions retrying one outage do not hit the store in step.
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        let full = self.first_delay.saturating_mul(1 << doublings).min(self.max_delay);
        let random = uuid::Uuid::new_v4().as_u64_pair().0 % 1_000;
        full.mul_f64(0.5 + random as f64 / 2_000.0)
    }
}

/// Why a subscriber could not handle an event.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// The store failed: transient when it could not be reached or was busy.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A read-model statement failed: transient when the database could not be reached or was
    /// busy.
    #[error("read model: {0}")]
    Sql(#[from] sqlx::Error),
    /// Something the subscriber depends on is not available now (an actor gone, the runtime
    /// restarting, Discord failing or timing out): always retried.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The subscriber panicked on this event.
    #[error("the subscriber panicked: {0}")]
    Panicked(String),
    /// The event cannot be handled (corrupt, a case the subscriber does not know, a refusal
    /// that retrying cannot change): parked.
    #[error("{0}")]
    Unhandled(String),
}

impl HandleError {
    /// Whether retrying the same event later can succeed, decided by the error's type.
    pub fn is_transient(&self) -> bool {
        match self {
            HandleError::Store(error) => error.is_transient(),
            HandleError::Sql(error) => is_transient_sqlx(error),
            HandleError::Unavailable(_) => true,
            HandleError::Panicked(_) | HandleError::Unhandled(_) => false,
        }
    }
}

/// A consumer of the global log.
///
/// Two phases per event, so side effects never run while a write transaction is open (on SQLite
/// an open read-model transaction holds the only write lock, and a stream actor appending
/// meanwhile would wait for it):
/// - [`Subscriber::react`] runs first, outside any transaction: side effects (commands through
///   the registry, Discord messages). It can run again for the same event (after a crash, or a
///   retry after a transient failure), so it must be idempotent by `event.event_id` (commands
///   carry a source id derived from it).
/// - [`Subscriber::handle`] runs inside the batch's transaction with the checkpoint: read-model
///   writes only, no waiting on actors.
#[async_trait]
pub trait Subscriber: Send + Sync + 'static {
    /// The checkpoint name; unique per subscriber and stable forever.
    fn name(&self) -> &'static str;

    /// Side effects of one event, outside any transaction. Idempotent by event id.
    async fn react(&self, _event: &RecordedEvent) -> Result<(), HandleError> {
        Ok(())
    }

    /// Read-model writes for one event, inside `tx`.
    async fn handle(
        &self,
        _tx: &mut ReadModelTx,
        _event: &RecordedEvent,
    ) -> Result<(), HandleError> {
        Ok(())
    }

    /// Deletes everything `handle` built, inside `tx`, before a rebuild from position 0.
    async fn reset(&self, _tx: &mut ReadModelTx) -> Result<(), HandleError> {
        Ok(())
    }
}

/// A subscription that keeps failing transiently: where it waits and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    /// The position of the event it is stuck on (or its checkpoint, when reading failed).
    pub position: i64,
    /// Attempts so far.
    pub attempts: u32,
    /// The last error, as text for the health line.
    pub last_error: String,
    /// When the first of these attempts failed.
    pub since: Instant,
}

/// Where a subscription is, for health lines and for callers that wait for a read model.
#[derive(Debug, Default)]
pub struct Progress {
    checkpoint: AtomicI64,
    stall: Mutex<Option<Stall>>,
}

impl Progress {
    /// The last position handled.
    pub fn checkpoint(&self) -> i64 {
        self.checkpoint.load(Ordering::Acquire)
    }

    /// The current stall, when the subscription is retrying a transient failure.
    pub fn stall(&self) -> Option<Stall> {
        self.stall.lock().ok().and_then(|s| s.clone())
    }

    fn advance(&self, position: i64) {
        self.checkpoint.store(position, Ordering::Release);
    }

    fn stalled(&self, position: i64, attempts: u32, error: &HandleError) {
        if let Ok(mut stall) = self.stall.lock() {
            let since = stall.as_ref().map_or_else(Instant::now, |s| s.since);
            *stall = Some(Stall { position, attempts, last_error: error.to_string(), since });
        }
    }

    fn recovered(&self) {
        if let Ok(mut stall) = self.stall.lock() {
            *stall = None;
        }
    }
}

/// How many times each event has panicked its subscriber, kept across the actor's restarts so
/// an event that panics every time is parked instead of restarting the subscription for ever.
#[derive(Debug, Default)]
struct PanicLedger(Mutex<HashMap<i64, u32>>);

impl PanicLedger {
    fn count(&self, position: i64) -> u32 {
        let Ok(mut counts) = self.0.lock() else { return u32::MAX };
        let count = counts.entry(position).or_default();
        *count += 1;
        *count
    }

    fn forget(&self, position: i64) {
        if let Ok(mut counts) = self.0.lock() {
            counts.remove(&position);
        }
    }
}

/// Why following stopped: only a panic stops it, so the supervisor can restart it.
#[derive(Debug, Clone)]
struct Interrupted {
    position: i64,
    message: String,
}

/// What retrying a step came to.
enum Failure {
    /// The event failed permanently: park it with this error.
    Park(String),
    /// The subscriber panicked: restart from the checkpoint.
    Restart(Interrupted),
}

/// One subscriber following one store, with its retry policy.
struct Follower<'a> {
    store: &'a dyn EventStore,
    subscriber: &'a dyn Subscriber,
    progress: &'a Progress,
    policy: RetryPolicy,
    panics: &'a PanicLedger,
    /// Whether a panic stops the follower (for the supervised actor) or counts as a permanent
    /// failure (for a rebuild run by hand).
    restart_on_panic: bool,
}

/// Runs `future`, turning a panic into [`HandleError::Panicked`].
async fn unwound<T>(
    future: impl Future<Output = Result<T, HandleError>>,
) -> Result<T, HandleError> {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => Err(HandleError::Panicked(panic_message(&panic))),
    }
}

impl Follower<'_> {
    /// Runs `step` until it succeeds. Transient failures are retried for as long as they last;
    /// a permanent failure or a panic on `event` ends in [`Failure`] after the policy's
    /// attempts. Without an event (reading the log, committing) every failure is retried, since
    /// there is nothing to park.
    async fn retried<T, F, Fut>(
        &self,
        at: i64,
        event: Option<&RecordedEvent>,
        mut step: F,
    ) -> Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, HandleError>>,
    {
        let name = self.subscriber.name();
        let mut attempts = 0u32;
        let mut permanent = 0u32;
        loop {
            attempts += 1;
            let error = match unwound(step()).await {
                Ok(value) => {
                    if attempts > 1 {
                        self.progress.recovered();
                        tracing::info!(subscription = name, position = at, attempts, "recovered");
                    }
                    return Ok(value);
                }
                Err(error) => error,
            };
            let transient = error.is_transient();
            match event {
                Some(event) if !transient => {
                    if let HandleError::Panicked(message) = &error {
                        let count = self.panics.count(event.position);
                        if count >= self.policy.permanent_attempts {
                            self.panics.forget(event.position);
                            return Err(Failure::Park(error.to_string()));
                        }
                        if self.restart_on_panic {
                            return Err(Failure::Restart(Interrupted {
                                position: event.position,
                                message: message.clone(),
                            }));
                        }
                    } else {
                        permanent += 1;
                        tracing::warn!(
                            subscription = name, position = event.position,
                            stream.id = %event.stream_id, event.type = %event.event_type,
                            attempt = permanent, error.message = %error, "event not handled"
                        );
                        if permanent >= self.policy.permanent_attempts {
                            return Err(Failure::Park(error.to_string()));
                        }
                    }
                }
                _ => {
                    self.progress.stalled(at, attempts, &error);
                    // One line at the first failure and then at every power of two, so a long
                    // outage is visible without flooding the log.
                    if attempts.is_power_of_two() {
                        tracing::warn!(
                            health = "stalled_projection", subscription = name, position = at,
                            attempts, transient, error.message = %error,
                            "subscription retrying until this succeeds"
                        );
                    }
                }
            }
            tokio::time::sleep(self.policy.delay(attempts)).await;
        }
    }

    /// Reads and handles one batch after `checkpoint`; the new checkpoint, or `None` when there
    /// was nothing to read.
    async fn catch_up(&self, checkpoint: i64) -> Result<Option<i64>, Interrupted> {
        let store = self.store;
        let batch = self
            .retried(checkpoint, None, || async move {
                Ok(store.read_all(checkpoint, BATCH_SIZE).await?)
            })
            .await
            .map_err(|failure| self.interrupted(failure, checkpoint))?;
        let Some(last) = batch.last().map(|e| e.position) else { return Ok(None) };
        // Reactions first, outside any transaction, each retried until it succeeds or parks.
        let mut parked: Vec<Option<String>> = Vec::with_capacity(batch.len());
        for (index, event) in batch.iter().enumerate() {
            let reacted =
                self.retried(event.position, Some(event), || self.subscriber.react(event));
            parked.push(match reacted.await {
                Ok(()) => None,
                Err(Failure::Park(error)) => Some(error),
                Err(Failure::Restart(interrupted)) => {
                    // Keep what reacted before the panic, so the restart does not redo it.
                    if let Some(before) = index.checked_sub(1).map(|i| batch[i].position) {
                        let _ = self.commit_batch(&batch[..index], &parked, before).await;
                    }
                    return Err(interrupted);
                }
            });
        }
        if self.commit_batch(&batch, &parked, last).await.is_ok() {
            return Ok(Some(last));
        }
        // Something in the batch failed: one event per transaction, each retried on its own.
        for (event, parked) in batch.iter().zip(parked) {
            self.handle_alone(event, parked).await?;
        }
        Ok(Some(last))
    }

    /// Handles every event of a batch whose reactions ran, with the checkpoint, in one
    /// transaction; one attempt (the caller falls back to one event at a time).
    async fn commit_batch(
        &self,
        batch: &[RecordedEvent],
        parked: &[Option<String>],
        last: i64,
    ) -> Result<(), HandleError> {
        let name = self.subscriber.name();
        unwound(async {
            let mut tx = self.store.begin_read_model_tx().await?;
            for (event, parked) in batch.iter().zip(parked) {
                match parked {
                    None => self.subscriber.handle(&mut tx, event).await?,
                    Some(error) => tx.park_dead_letter(name, event, error).await?,
                }
            }
            tx.save_checkpoint(name, last).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
        .inspect(|()| {
            for (event, parked) in batch.iter().zip(parked) {
                if let Some(error) = parked {
                    log_parked(name, event, error);
                }
            }
        })
        .inspect_err(|error| {
            tracing::debug!(
                subscription = name, error.message = %error,
                "batch failed; handling one event at a time"
            );
        })
    }

    /// Handles one event (whose reaction ran, or was parked) in its own transaction with its
    /// checkpoint, retrying; parks it when its read-model write fails permanently.
    async fn handle_alone(
        &self,
        event: &RecordedEvent,
        parked: Option<String>,
    ) -> Result<(), Interrupted> {
        let (store, subscriber, name) = (self.store, self.subscriber, self.subscriber.name());
        let parked = match parked {
            Some(error) => Some(error),
            None => {
                let handled = self.retried(event.position, Some(event), || async move {
                    let mut tx = store.begin_read_model_tx().await?;
                    subscriber.handle(&mut tx, event).await?;
                    tx.save_checkpoint(name, event.position).await?;
                    tx.commit().await?;
                    Ok(())
                });
                match handled.await {
                    Ok(()) => None,
                    Err(Failure::Park(error)) => Some(error),
                    Err(Failure::Restart(interrupted)) => return Err(interrupted),
                }
            }
        };
        if let Some(error) = parked {
            let error = error.as_str();
            self.retried(event.position, None, || async move {
                let mut tx = store.begin_read_model_tx().await?;
                tx.park_dead_letter(name, event, error).await?;
                tx.save_checkpoint(name, event.position).await?;
                tx.commit().await?;
                Ok(())
            })
            .await
            .map_err(|failure| self.interrupted(failure, event.position))?;
            log_parked(name, event, error);
        }
        Ok(())
    }

    /// A failure without an event can only be a panic in the store itself: restart.
    fn interrupted(&self, failure: Failure, position: i64) -> Interrupted {
        match failure {
            Failure::Restart(interrupted) => interrupted,
            Failure::Park(message) => Interrupted { position, message },
        }
    }
}

fn log_parked(name: &str, event: &RecordedEvent, error: &str) {
    tracing::warn!(
        health = "dead_letter", subscription = name, position = event.position,
        stream.id = %event.stream_id, event.type = %event.event_type, error.message = %error,
        "event parked in the dead-letter table"
    );
}

/// A subscriber panicked on an event and was stopped (the supervised actor restarts it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("subscriber {subscription} panicked at position {position}: {message}")]
pub struct SubscriberPanicked {
    /// The subscription.
    pub subscription: &'static str,
    /// The event it panicked on.
    pub position: i64,
    /// The panic's message.
    pub message: String,
}

/// Reads and handles one batch after `checkpoint` with the default [`RetryPolicy`]; returns the
/// new checkpoint, or `None` when there was nothing to read. Transient failures are retried
/// until they pass; a panic counts as a permanent failure, so the event is parked. For rebuilds
/// and tests that drive a subscriber by hand; running subscriptions use [`SubscriptionActor`].
pub async fn catch_up_once(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
    checkpoint: i64,
) -> Result<Option<i64>, SubscriberPanicked> {
    let progress = Progress::default();
    let panics = PanicLedger::default();
    let follower = Follower {
        store,
        subscriber,
        progress: &progress,
        policy: RetryPolicy::default(),
        panics: &panics,
        restart_on_panic: false,
    };
    follower.catch_up(checkpoint).await.map_err(|interrupted| SubscriberPanicked {
        subscription: subscriber.name(),
        position: interrupted.position,
        message: interrupted.message,
    })
}

/// What re-driving parked events did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Redriven {
    /// Handled this time and removed from the dead-letter table.
    pub succeeded: u64,
    /// Failed permanently again: parked again with the new error (the request is cleared).
    pub parked_again: u64,
    /// Failed transiently: left requested, to be tried at the next poll.
    pub deferred: u64,
}

/// Hands every parked event of `subscriber` that an operator asked to re-drive to it again, in
/// log order: its reaction, then its read-model write in one transaction with the removal of
/// the dead-letter row (so two processes re-driving the same row write the read model once).
/// The checkpoint does not move: the event is behind it already.
pub async fn redrive_dead_letters(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
) -> Result<Redriven, StoreError> {
    let name = subscriber.name();
    let mut done = Redriven::default();
    let requested = store.dead_letters().await?;
    for parked in requested.iter().filter(|d| d.subscription == name && d.retry_requested) {
        let found = store.read_all(parked.position - 1, 1).await?;
        let Some(event) = found.into_iter().next().filter(|e| e.event_id == parked.event_id) else {
            tracing::warn!(
                subscription = name,
                position = parked.position,
                "a parked event is no longer in the log; removing its dead letter"
            );
            let mut tx = store.begin_read_model_tx().await?;
            tx.remove_dead_letter(name, parked.event_id).await?;
            tx.commit().await?;
            continue;
        };
        let result = unwound(async {
            subscriber.react(&event).await?;
            let mut tx = store.begin_read_model_tx().await?;
            if !tx.remove_dead_letter(name, event.event_id).await? {
                // Another process re-drove it first.
                tx.rollback().await?;
                return Ok(());
            }
            subscriber.handle(&mut tx, &event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await;
        match result {
            Ok(()) => {
                done.succeeded += 1;
                tracing::info!(
                    health = "dead_letter_redriven", subscription = name, position = event.position,
                    stream.id = %event.stream_id, event.type = %event.event_type,
                    "a parked event was re-driven and removed from the dead-letter table"
                );
            }
            Err(error) if error.is_transient() => {
                done.deferred += 1;
                tracing::warn!(
                    subscription = name, position = event.position, error.message = %error,
                    "re-driving a parked event failed for now; it stays requested"
                );
            }
            Err(error) => {
                done.parked_again += 1;
                let mut tx = store.begin_read_model_tx().await?;
                tx.park_dead_letter(name, &event, &error.to_string()).await?;
                tx.commit().await?;
                log_parked(name, &event, &error.to_string());
            }
        }
    }
    Ok(done)
}

/// Runs one subscriber for as long as the actor lives, under an actix `Supervisor`: a panic in
/// the subscriber stops the actor, and the supervisor starts it again from its checkpoint.
pub struct SubscriptionActor {
    store: Arc<dyn EventStore>,
    subscriber: Arc<dyn Subscriber>,
    progress: Arc<Progress>,
    health: Arc<Health>,
    policy: RetryPolicy,
    panics: Arc<PanicLedger>,
    /// The panic that stopped the last run, reported when the supervisor restarts us.
    last_panic: Option<Interrupted>,
    /// Set by [`SubscriptionActor::halt`]: a restart then stays idle.
    halted: bool,
}

impl SubscriptionActor {
    /// A subscription of `subscriber` to `store`'s log, reporting restarts to `health`.
    pub fn new(
        store: Arc<dyn EventStore>,
        subscriber: Arc<dyn Subscriber>,
        health: Arc<Health>,
    ) -> Self {
        Self {
            store,
            subscriber,
            progress: Arc::default(),
            health,
            policy: RetryPolicy::default(),
            panics: Arc::default(),
            last_panic: None,
            halted: false,
        }
    }

    /// The same subscription retrying with `policy`.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The progress handle, shared with health reporting.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }

    /// Stops following for good (the supervisor's restart then does nothing).
    pub fn halt(&mut self, ctx: &mut Context<Self>) {
        self.halted = true;
        ctx.stop();
    }
}

impl Actor for SubscriptionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if self.halted {
            return;
        }
        let run = follow(
            self.store.clone(),
            self.subscriber.clone(),
            self.progress.clone(),
            self.policy,
            self.panics.clone(),
        );
        ctx.spawn(run.into_actor(self).map(|interrupted, act, ctx| {
            act.last_panic = Some(interrupted);
            ctx.stop();
        }));
    }
}

impl Supervised for SubscriptionActor {
    fn restarting(&mut self, _: &mut Self::Context) {
        if let Some(interrupted) = self.last_panic.take() {
            self.health.subscription_restarted(
                self.subscriber.name(),
                interrupted.position,
                &interrupted.message,
            );
        }
    }
}

/// Catches up from the checkpoint, then follows new events until the subscriber panics.
async fn follow(
    store: Arc<dyn EventStore>,
    subscriber: Arc<dyn Subscriber>,
    progress: Arc<Progress>,
    policy: RetryPolicy,
    panics: Arc<PanicLedger>,
) -> Interrupted {
    let name = subscriber.name();
    let follower = Follower {
        store: &*store,
        subscriber: &*subscriber,
        progress: &progress,
        policy,
        panics: &panics,
        restart_on_panic: true,
    };
    let mut appends = store.watch_appends();
    let loaded = follower
        .retried(progress.checkpoint(), None, || async {
            Ok(store.load_checkpoint(name).await?.unwrap_or(0))
        })
        .await;
    let mut checkpoint = match loaded {
        Ok(checkpoint) => checkpoint,
        Err(failure) => return follower.interrupted(failure, progress.checkpoint()),
    };
    progress.advance(checkpoint);
    let mut last_redrive = Instant::now();
    loop {
        if last_redrive.elapsed() >= REDRIVE_POLL {
            last_redrive = Instant::now();
            let redriven =
                unwound(async { Ok(redrive_dead_letters(&*store, &*subscriber).await?) });
            if let Err(error) = redriven.await {
                tracing::debug!(subscription = name, error.message = %error, "re-drive deferred");
            }
        }
        match follower.catch_up(checkpoint).await {
            Ok(Some(position)) => {
                checkpoint = position;
                progress.advance(checkpoint);
            }
            Ok(None) if *appends.borrow_and_update() > checkpoint => {
                // Appended but not yet visible: an older transaction is still in flight.
                tokio::time::sleep(INVISIBLE_REREAD).await;
            }
            Ok(None) => {
                let _ = tokio::time::timeout(IDLE_REREAD, appends.changed()).await;
            }
            Err(interrupted) => return interrupted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            permanent_attempts: 3,
        };
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (30, 1000)] {
            let delay = policy.delay(attempt).as_millis() as u64;
            assert!(
                (full / 2..full).contains(&delay),
                "attempt {attempt}: {delay} ms not in [{}, {full})",
                full / 2
            );
        }
    }

    #[test]
    fn errors_are_classified_by_type() {
        let down = HandleError::Store(StoreError::Backend(sqlx::Error::PoolTimedOut));
        assert!(down.is_transient());
        assert!(HandleError::Sql(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()))
            .is_transient());
        assert!(HandleError::Unavailable("actor gone".into()).is_transient());
        assert!(!HandleError::Unhandled("refused".into()).is_transient());
        assert!(!HandleError::Panicked("bug".into()).is_transient());
        assert!(!HandleError::Sql(sqlx::Error::RowNotFound).is_transient());
    }
}
