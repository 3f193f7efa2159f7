//! A subscription follows the global log from its checkpoint and hands each event to a
//! [`Subscriber`]: a projection (read models) or a reactor (side effects, process managers, timers).
//! Each batch of handled events commits together with the checkpoint in one [`ReadModelTx`], so a
//! crash never double-counts a read model. A reactor's side effects happen before its checkpoint
//! commits, so after a crash it sees the event again: reactors are idempotent by event id.
//!
//! An event the subscriber cannot handle is retried with backoff, then parked in the dead-letter
//! table with its error, and the subscription moves on; `gamebot deadletters` lists them.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use async_trait::async_trait;

use crate::store::{EventStore, ReadModelTx, RecordedEvent, StoreError};

/// Most events handled in one transaction: large enough to catch up fast after downtime, small
/// enough that one transaction never holds the SQLite write lock for long.
pub const BATCH_SIZE: usize = 256;

/// How often a follower re-reads the log even without a signal: the signal can be missed while a
/// PostgreSQL listener reconnects, and an older in-flight transaction can hide newer events.
pub const IDLE_REREAD: Duration = Duration::from_secs(1);

/// How soon to read again when events were appended but are not visible yet (an older
/// PostgreSQL transaction is still open): short, because a player is waiting for the reply.
pub const INVISIBLE_REREAD: Duration = Duration::from_millis(10);

/// Attempts at one failing event before it is parked.
pub const MAX_ATTEMPTS: u32 = 4;

/// The first retry delay; each next one doubles.
pub const FIRST_RETRY_DELAY: Duration = Duration::from_millis(50);

/// Why a subscriber could not handle an event.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// The store failed (worth retrying).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A read-model statement failed.
    #[error("read model: {0}")]
    Sql(#[from] sqlx::Error),
    /// The event cannot be handled (corrupt, or a case the subscriber does not know).
    #[error("{0}")]
    Unhandled(String),
}

/// A consumer of the global log.
///
/// Two phases per event, so side effects never run while a write transaction is open (on SQLite
/// an open read-model transaction holds the only write lock, and a stream actor appending
/// meanwhile would wait for it):
/// - [`Subscriber::react`] runs first, outside any transaction: side effects (commands through
///   the registry, Discord messages). After a crash it can run again for the same event, so it
///   must be idempotent by `event.event_id` (commands carry a source id derived from it).
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

/// Where a subscription is, for health lines and for callers that wait for a read model.
#[derive(Debug, Default)]
pub struct Progress {
    checkpoint: AtomicI64,
}

impl Progress {
    /// The last position handled.
    pub fn checkpoint(&self) -> i64 {
        self.checkpoint.load(Ordering::Acquire)
    }
}

/// Runs one subscriber until the actor stops.
pub struct SubscriptionActor {
    store: Arc<dyn EventStore>,
    subscriber: Arc<dyn Subscriber>,
    progress: Arc<Progress>,
}

impl SubscriptionActor {
    /// A subscription of `subscriber` to `store`'s log.
    pub fn new(store: Arc<dyn EventStore>, subscriber: Arc<dyn Subscriber>) -> Self {
        Self { store, subscriber, progress: Arc::default() }
    }

    /// The progress handle, shared with health reporting.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }
}

impl Actor for SubscriptionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let store = self.store.clone();
        let subscriber = self.subscriber.clone();
        let progress = self.progress.clone();
        ctx.spawn(follow(store, subscriber, progress).into_actor(self));
    }
}

/// Catches up from the checkpoint, then follows new events for ever.
async fn follow(
    store: Arc<dyn EventStore>,
    subscriber: Arc<dyn Subscriber>,
    progress: Arc<Progress>,
) {
    let name = subscriber.name();
    let mut appends = store.watch_appends();
    let mut checkpoint = loop {
        match store.load_checkpoint(name).await {
            Ok(position) => break position.unwrap_or(0),
            Err(error) => {
                tracing::warn!(subscription = name, error.message = %error, "cannot read checkpoint; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    progress.checkpoint.store(checkpoint, Ordering::Release);
    loop {
        match catch_up_once(&*store, &*subscriber, checkpoint).await {
            Ok(Some(position)) => {
                checkpoint = position;
                progress.checkpoint.store(checkpoint, Ordering::Release);
            }
            Ok(None) if *appends.borrow_and_update() > checkpoint => {
                // Appended but not yet visible: an older transaction is still in flight.
                tokio::time::sleep(INVISIBLE_REREAD).await;
            }
            Ok(None) => {
                let _ = tokio::time::timeout(IDLE_REREAD, appends.changed()).await;
            }
            Err(error) => {
                tracing::warn!(
                    health = "stalled_projection", subscription = name, position = checkpoint,
                    error.message = %error, "subscription cannot read the log; retrying"
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Reads and handles one batch after `checkpoint`; returns the new checkpoint, or `None` when
/// there was nothing to read.
pub async fn catch_up_once(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
    checkpoint: i64,
) -> Result<Option<i64>, StoreError> {
    let batch = store.read_all(checkpoint, BATCH_SIZE).await?;
    let Some(last) = batch.last().map(|e| e.position) else { return Ok(None) };
    for (index, event) in batch.iter().enumerate() {
        if let Err(error) = subscriber.react(event).await {
            tracing::debug!(
                subscription = subscriber.name(), position = event.position, error.message = %error,
                "reaction failed; handling one event at a time"
            );
            // Commit what came before, then retry this one alone (and park it if it keeps failing).
            let done = &batch[..index];
            let mut position = checkpoint;
            if let Some(before) = done.last() {
                position = commit_batch(store, subscriber, done, before.position).await?;
            }
            for event in &batch[index..] {
                handle_alone(store, subscriber, event, event.position != batch[index].position)
                    .await?;
                position = event.position;
            }
            return Ok(Some(position));
        }
    }
    commit_batch(store, subscriber, &batch, last).await.map(Some)
}

/// Handles `events` in one transaction with the checkpoint; falls back to one at a time (with
/// retries and parking) when the batch fails. Reactions have already run.
async fn commit_batch(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
    events: &[RecordedEvent],
    last: i64,
) -> Result<i64, StoreError> {
    let mut tx = store.begin_read_model_tx().await?;
    let mut failed = false;
    for event in events {
        if let Err(error) = subscriber.handle(&mut tx, event).await {
            tracing::debug!(
                subscription = subscriber.name(), position = event.position, error.message = %error,
                "batch failed; handling one event at a time"
            );
            failed = true;
            break;
        }
    }
    if !failed {
        tx.save_checkpoint(subscriber.name(), last).await?;
        tx.commit().await?;
        return Ok(last);
    }
    tx.rollback().await?;
    for event in events {
        handle_alone(store, subscriber, event, false).await?;
    }
    Ok(last)
}

/// Handles one event in its own transaction with retries; parks it when it keeps failing.
/// `react_first` runs the reaction too (it has not succeeded yet for this event).
async fn handle_alone(
    store: &dyn EventStore,
    subscriber: &dyn Subscriber,
    event: &RecordedEvent,
    react_first: bool,
) -> Result<(), StoreError> {
    let name = subscriber.name();
    let mut delay = FIRST_RETRY_DELAY;
    let mut last_error = String::new();
    let mut reacted = !react_first;
    for attempt in 1..=MAX_ATTEMPTS {
        let result = match reacted {
            true => Ok(()),
            false => subscriber.react(event).await,
        };
        let result: Result<(), HandleError> = match result {
            Ok(()) => {
                reacted = true;
                let mut tx = store.begin_read_model_tx().await?;
                match subscriber.handle(&mut tx, event).await {
                    Ok(()) => {
                        tx.save_checkpoint(name, event.position).await?;
                        tx.commit().await?;
                        return Ok(());
                    }
                    Err(error) => {
                        tx.rollback().await?;
                        Err(error)
                    }
                }
            }
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            last_error = error.to_string();
            tracing::warn!(
                subscription = name, position = event.position, stream.id = %event.stream_id,
                event.type = %event.event_type, attempt, error.message = %error, "event not handled"
            );
            if attempt < MAX_ATTEMPTS {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
    }
    let mut tx = store.begin_read_model_tx().await?;
    tx.park_dead_letter(name, event, &last_error).await?;
    tx.save_checkpoint(name, event.position).await?;
    tx.commit().await?;
    tracing::warn!(
        health = "dead_letter", subscription = name, position = event.position,
        stream.id = %event.stream_id, event.type = %event.event_type, error.message = %last_error,
        "event parked in the dead-letter table"
    );
    Ok(())
}
