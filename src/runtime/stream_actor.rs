//! A stream actor owns one event stream: it rebuilds its aggregate from the store, decides one
//! command at a time, appends what it decided with optimistic concurrency, and only then folds the
//! events into its state and replies. The mailbox waits while an append is in flight, so commands
//! to one stream are strictly serialized inside one process; a second process writing the same
//! stream is caught by the store's version check and answered by catching up and deciding again.
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use uuid::Uuid;

use super::deps::StreamDeps;
use crate::domain::{Aggregate, Ctx, GuildId, UserId};
use crate::store::{ExpectedVersion, Metadata, RecordedEvent, StoreError, StreamId};

/// How many times a command is decided again after losing a version race before giving up.
/// Two writers of one stream are rare (two processes during a hand-over), so three is plenty.
pub const MAX_CONFLICT_RETRIES: u32 = 3;

/// How many recent source ids a stream remembers for idempotency. Discord redelivers within
/// seconds, so the last few hundred commands of a stream cover every realistic duplicate.
pub const REMEMBERED_SOURCES: usize = 512;

/// Who asked, and why: recorded in every event the command produces.
#[derive(Clone, Debug, Default)]
pub struct CommandMeta {
    /// The Discord message or interaction id (or a CLI-made id) the command came from; a command
    /// whose source id was already applied returns the original outcome and appends nothing.
    pub source_id: Option<String>,
    /// The user who issued the command, if a person did.
    pub actor_id: Option<UserId>,
    /// Groups every event caused, directly or not, by one input.
    pub correlation_id: Option<Uuid>,
    /// The event that caused this command, when a reactor or timer sends it.
    pub causation_id: Option<Uuid>,
    /// The guild the command came from.
    pub guild_id: Option<GuildId>,
}

/// Decide `command` on this stream.
pub struct Execute<A: Aggregate> {
    /// The command.
    pub command: A::Command,
    /// Its provenance.
    pub meta: CommandMeta,
}

impl<A: Aggregate> Message for Execute<A> {
    type Result = Result<Outcome<A>, CommandError<A::Error>>;
}

/// Read the stream's current state (replay, status queries, tests).
pub struct Inspect<A>(std::marker::PhantomData<A>);

impl<A> Default for Inspect<A> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<A: Aggregate> Message for Inspect<A> {
    type Result = Result<Inspected<A>, CommandError<A::Error>>;
}

/// The state a stream actor holds and the version it reflects.
#[derive(Debug, Clone)]
pub struct Inspected<A> {
    /// The folded state.
    pub state: A,
    /// The stream version it reflects (0 for an empty stream).
    pub version: u64,
}

impl<A: Aggregate> Handler<Inspect<A>> for StreamActor<A> {
    type Result = AtomicResponse<Self, Result<Inspected<A>, CommandError<A::Error>>>;

    fn handle(&mut self, _: Inspect<A>, _: &mut Self::Context) -> Self::Result {
        if let Some(refusal) = self.rebuild_held_off() {
            return AtomicResponse::new(Box::pin(actix::fut::ready(Err(refusal))));
        }
        let deps = self.deps.clone();
        let stream = self.stream.clone();
        let cell = std::mem::take(&mut self.cell);
        let until = self.until_version;
        AtomicResponse::new(Box::pin(
            async move {
                let mut cell = cell;
                let result = cell.ensure_loaded(&deps, &stream, until).await.map(|loaded| {
                    Inspected { state: loaded.state.clone(), version: loaded.version }
                });
                (cell, result)
            }
            .into_actor(self)
            .map(|(cell, result), act, _| {
                act.cell = cell;
                act.settle_cell();
                result.map_err(CommandError::from)
            }),
        ))
    }
}

/// What an accepted command did.
#[derive(Debug, Clone)]
pub struct Outcome<A: Aggregate> {
    /// The events appended (empty when the command changed nothing, e.g. a stale timer).
    pub events: Vec<A::Event>,
    /// The global position of the last event appended (or replayed), if any; a caller that
    /// must see its effects in a read model waits until the projection has passed it.
    pub last_position: Option<i64>,
    /// The stream version after the command.
    pub version: u64,
    /// True when the source id had already been applied and nothing new was appended.
    pub duplicate: bool,
}

/// Why a command produced no events.
#[derive(Debug, thiserror::Error)]
pub enum CommandError<E: std::error::Error + 'static> {
    /// A rule refused it.
    ///
    /// # Handling
    /// Show the error's message to the player.
    #[error("{0}")]
    Rejected(#[source] E),
    /// Other writers kept winning the version race.
    ///
    /// # Handling
    /// Ask the player to try again.
    #[error("the game was busy, try again")]
    Contended,
    /// The store failed; whether the append committed is unknown, so the actor reloads.
    ///
    /// # Handling
    /// Log with the cause chain; tell the player something went wrong.
    #[error("the event store failed")]
    Store(#[source] StoreError),
    /// The domain code panicked; the actor restarts from the store.
    ///
    /// # Handling
    /// Log; tell the player something went wrong. The stream's events are untouched.
    #[error("the game engine hit a bug and restarted: {0}")]
    Panicked(String),
    /// The actor replays history and takes no commands.
    ///
    /// # Handling
    /// A caller bug: send commands through the registry, not to a replay.
    #[error("a replay takes no commands")]
    ReadOnly,
    /// The actor is gone (the runtime is shutting down).
    ///
    /// # Handling
    /// Retry after start-up, or report.
    #[error("the game is not available right now")]
    Unavailable,
}

impl<E: std::error::Error + 'static> CommandError<E> {
    /// Whether sending the same command again later can succeed: the store was unreachable or
    /// busy, the actor was gone, or other writers kept winning. A refusal, a panic and a
    /// replay's refusal are not.
    pub fn is_transient(&self) -> bool {
        match self {
            CommandError::Store(error) => error.is_transient(),
            CommandError::Contended | CommandError::Unavailable => true,
            CommandError::Rejected(_) | CommandError::Panicked(_) | CommandError::ReadOnly => false,
        }
    }
}

/// The aggregate as the actor holds it: not yet read from the store, folded up to a version, or
/// poisoned: folding the stream panicked, and the actor waits before it tries again.
#[derive(Default)]
enum Cell<A> {
    #[default]
    Unloaded,
    Loaded(Loaded<A>),
    Poisoned(String),
    /// The start-up rebuild could not reach the store: the first message is answered with that
    /// error at once (the store was just found unreachable), and the next one tries again.
    Unreachable(StoreError),
}

/// Why a stream could not be rebuilt.
#[derive(Debug)]
enum LoadError {
    /// The store failed.
    Store(StoreError),
    /// Folding an event panicked.
    Panicked(String),
}

impl From<StoreError> for LoadError {
    fn from(error: StoreError) -> Self {
        LoadError::Store(error)
    }
}

impl<E: std::error::Error + 'static> From<LoadError> for CommandError<E> {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Store(error) => CommandError::Store(error),
            LoadError::Panicked(message) => {
                CommandError::Panicked(format!("rebuilding the stream: {message}"))
            }
        }
    }
}

/// The first pause before a stream whose rebuild panicked is rebuilt again; it doubles with each
/// failure up to [`MAX_REBUILD_BACKOFF`].
pub const FIRST_REBUILD_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);

/// The longest pause between two rebuilds of a stream that keeps panicking.
pub const MAX_REBUILD_BACKOFF: std::time::Duration = std::time::Duration::from_secs(30);

/// A folded aggregate.
struct Loaded<A> {
    state: A,
    version: u64,
    events_since_snapshot: u64,
    /// Source id -> the stream versions its events occupy, oldest first.
    sources: SourceIndex,
}

/// Bounded memory of which source ids produced which stream versions.
#[derive(Default)]
struct SourceIndex {
    order: VecDeque<String>,
    versions: HashMap<String, (u64, u64)>,
}

impl SourceIndex {
    fn remember(&mut self, source: &str, first: u64, last: u64) {
        match self.versions.get_mut(source) {
            Some(range) => range.1 = last,
            None => {
                self.versions.insert(source.to_owned(), (first, last));
                self.order.push_back(source.to_owned());
                if self.order.len() > REMEMBERED_SOURCES {
                    if let Some(old) = self.order.pop_front() {
                        self.versions.remove(&old);
                    }
                }
            }
        }
    }

    fn get(&self, source: &str) -> Option<(u64, u64)> {
        self.versions.get(source).copied()
    }
}

impl<A: Aggregate> Cell<A> {
    async fn ensure_loaded(
        &mut self,
        deps: &StreamDeps<A>,
        stream: &StreamId,
        until: Option<u64>,
    ) -> Result<&mut Loaded<A>, LoadError> {
        if let Cell::Unloaded | Cell::Poisoned(_) | Cell::Unreachable(_) = self {
            match load::<A>(deps, stream, until).await {
                Ok(loaded) => *self = Cell::Loaded(loaded),
                Err(LoadError::Panicked(message)) => {
                    *self = Cell::Poisoned(message.clone());
                    return Err(LoadError::Panicked(message));
                }
                Err(error) => return Err(error),
            }
        }
        match self {
            Cell::Loaded(loaded) => Ok(loaded),
            Cell::Unloaded | Cell::Poisoned(_) | Cell::Unreachable(_) => {
                unreachable!("loaded just above")
            }
        }
    }
}

/// Rebuilds an aggregate from its latest usable snapshot and the events after it.
async fn load<A: Aggregate>(
    deps: &StreamDeps<A>,
    stream: &StreamId,
    until: Option<u64>,
) -> Result<Loaded<A>, LoadError> {
    let started = Instant::now();
    let mut state = A::default();
    let mut version = 0;
    // A replay folds from the first event, so it shows exactly what the events say.
    let snapshot = if until.is_some() { None } else { deps.store.load_snapshot(stream).await? };
    if let Some(snapshot) = snapshot {
        if snapshot.schema_version == deps.snapshot_schema {
            match serde_json::from_value::<A>(snapshot.state) {
                Ok(restored) => {
                    state = restored;
                    version = snapshot.version;
                }
                Err(error) => tracing::warn!(
                    stream.id = %stream, error.message = %error,
                    "ignoring an unreadable snapshot; rebuilding from events"
                ),
            }
        }
    }
    let mut loaded =
        Loaded { state, version, events_since_snapshot: 0, sources: SourceIndex::default() };
    let mut recorded = deps.store.read_stream(stream, version + 1).await?;
    if let Some(until) = until {
        recorded.retain(|e| e.stream_version <= until);
    }
    fold_recorded(deps, &mut loaded, &recorded)?;
    tracing::debug!(
        stream.id = %stream, version = loaded.version, elapsed_ms = started.elapsed().as_millis() as u64,
        "stream rebuilt"
    );
    Ok(loaded)
}

/// Folds stored events into a loaded aggregate, remembering their source ids. A panic in
/// `apply` is caught: the state is then suspect and the caller must not keep it.
fn fold_recorded<A: Aggregate>(
    deps: &StreamDeps<A>,
    loaded: &mut Loaded<A>,
    recorded: &[RecordedEvent],
) -> Result<(), LoadError> {
    for envelope in recorded {
        let event = deps.codec.decode(envelope).map_err(StoreError::from)?;
        let state = &mut loaded.state;
        catch_unwind(AssertUnwindSafe(|| {
            deps.rebuild_fault.trip(&event);
            state.apply(&event)
        }))
        .map_err(|panic| LoadError::Panicked(panic_message(&panic)))?;
        loaded.version = envelope.stream_version;
        loaded.events_since_snapshot += 1;
        if let Some(source) = &envelope.metadata.source_id {
            loaded.sources.remember(source, envelope.stream_version, envelope.stream_version);
        }
    }
    Ok(())
}

/// The actor owning one stream of aggregate `A`.
pub struct StreamActor<A: Aggregate> {
    stream: StreamId,
    deps: Arc<StreamDeps<A>>,
    cell: Cell<A>,
    /// Set for a replay: the actor folds the stream only up to this version and refuses commands.
    until_version: Option<u64>,
    /// Rebuilds that panicked in a row, and when the next one may run.
    rebuild_failures: u32,
    retry_rebuild_at: Option<Instant>,
}

impl<A: Aggregate> fmt::Debug for StreamActor<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamActor").field("stream", &self.stream).finish_non_exhaustive()
    }
}

impl<A: Aggregate> StreamActor<A> {
    /// An actor for `stream`; it loads itself when started.
    pub fn new(stream: StreamId, deps: Arc<StreamDeps<A>>) -> Self {
        Self {
            stream,
            deps,
            cell: Cell::Unloaded,
            until_version: None,
            rebuild_failures: 0,
            retry_rebuild_at: None,
        }
    }

    /// A read-only actor that rebuilds `stream` only up to `version`, for replays: the same
    /// rebuild code as production, stopped at a point in the game's history.
    pub fn replaying_until(stream: StreamId, deps: Arc<StreamDeps<A>>, version: u64) -> Self {
        Self { until_version: Some(version), ..Self::new(stream, deps) }
    }

    /// After a command or a rebuild: if folding the stream panicked, report it and hold off the
    /// next rebuild with a doubling backoff (other streams are untouched); once a rebuild
    /// succeeds the backoff is forgotten.
    fn settle_cell(&mut self) {
        match &self.cell {
            Cell::Poisoned(message) => {
                self.rebuild_failures += 1;
                let doublings = (self.rebuild_failures - 1).min(16);
                let wait = (FIRST_REBUILD_BACKOFF * (1 << doublings)).min(MAX_REBUILD_BACKOFF);
                self.retry_rebuild_at = Some(Instant::now() + wait);
                self.deps.health.rebuild_panicked(A::KIND, &self.stream, message);
                self.cell = Cell::Unloaded;
            }
            Cell::Loaded(_) => {
                self.rebuild_failures = 0;
                self.retry_rebuild_at = None;
            }
            Cell::Unloaded | Cell::Unreachable(_) => {}
        }
    }

    /// The refusal to give at once: the start-up rebuild just found the store unreachable, or a
    /// panicked rebuild's backoff runs.
    fn rebuild_held_off<E: std::error::Error + 'static>(&mut self) -> Option<CommandError<E>> {
        if let Cell::Unreachable(_) = self.cell {
            if let Cell::Unreachable(error) = std::mem::take(&mut self.cell) {
                return Some(CommandError::Store(error));
            }
        }
        let at = self.retry_rebuild_at?;
        let left = at.checked_duration_since(Instant::now())?;
        Some(CommandError::Panicked(format!(
            "rebuilding stream {} failed; retrying in {} ms",
            self.stream,
            left.as_millis()
        )))
    }
}

impl<A: Aggregate> Actor for StreamActor<A> {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.deps.health.actor_started(A::KIND);
        let deps = self.deps.clone();
        let stream = self.stream.clone();
        // Rebuild before the first message; a failure leaves the cell unloaded and the next
        // command tries again, so a store outage at start-up does not kill the actor.
        let until = self.until_version;
        ctx.wait(
            async move {
                let _permit = deps.rebuild_permits.acquire().await;
                let mut cell = Cell::<A>::Unloaded;
                if let Err(LoadError::Store(error)) =
                    cell.ensure_loaded(&deps, &stream, until).await
                {
                    deps.health.store_unreachable(&stream, &error);
                    if error.is_transient() {
                        cell = Cell::Unreachable(error);
                    }
                }
                cell
            }
            .into_actor(self)
            .map(|cell, act, _| {
                if let Cell::Unloaded = act.cell {
                    act.cell = cell;
                    act.settle_cell();
                }
            }),
        );
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.deps.health.actor_stopped(A::KIND);
    }
}

impl<A: Aggregate> Supervised for StreamActor<A> {
    fn restarting(&mut self, _: &mut Self::Context) {
        self.cell = Cell::Unloaded;
        self.deps.health.actor_restarted(A::KIND, &self.stream);
    }
}

impl<A: Aggregate> Handler<Execute<A>> for StreamActor<A> {
    type Result = AtomicResponse<Self, Result<Outcome<A>, CommandError<A::Error>>>;

    fn handle(&mut self, message: Execute<A>, _: &mut Self::Context) -> Self::Result {
        let deps = self.deps.clone();
        let stream = self.stream.clone();
        let started = Instant::now();
        if self.until_version.is_some() {
            return AtomicResponse::new(Box::pin(actix::fut::ready(Err(CommandError::ReadOnly))));
        }
        if let Some(refusal) = self.rebuild_held_off() {
            return AtomicResponse::new(Box::pin(actix::fut::ready(Err(refusal))));
        }
        let cell = std::mem::take(&mut self.cell);
        let span = tracing::debug_span!(
            "stream.execute", stream.id = %stream, stream.kind = A::KIND, command = ?message.command
        );
        AtomicResponse::new(Box::pin(
            tracing::Instrument::instrument(execute(deps, stream, cell, message), span)
                .into_actor(self)
                .map(move |(cell, result), act, ctx| {
                    let rebuild_panicked = matches!(cell, Cell::Poisoned(_));
                    act.cell = cell;
                    act.settle_cell();
                    act.deps.health.command_handled(A::KIND, started.elapsed());
                    if rebuild_panicked {
                        // Nothing to restart: the stream is rebuilt after the backoff.
                        return result;
                    }
                    if let Err(CommandError::Panicked(_)) = &result {
                        // Supervisor restarts us; `restarting` drops the state we no longer trust.
                        ctx.stop();
                    }
                    result
                }),
        ))
    }
}

/// One command, from the state the actor held to the state it will hold: decide, append, fold.
/// Owns the cell for the duration, so the actor cannot observe a half-applied command.
async fn execute<A: Aggregate>(
    deps: Arc<StreamDeps<A>>,
    stream: StreamId,
    mut cell: Cell<A>,
    message: Execute<A>,
) -> (Cell<A>, Result<Outcome<A>, CommandError<A::Error>>) {
    let result = execute_on(&deps, &stream, &mut cell, message).await;
    let poisoned = matches!(cell, Cell::Poisoned(_));
    if !poisoned && matches!(result, Err(CommandError::Store(_)) | Err(CommandError::Panicked(_))) {
        // Either we do not know whether the append committed, or the state is suspect:
        // the next command rebuilds from the store, which is the truth.
        cell = Cell::Unloaded;
    }
    (cell, result)
}

async fn execute_on<A: Aggregate>(
    deps: &StreamDeps<A>,
    stream: &StreamId,
    cell: &mut Cell<A>,
    Execute { command, meta }: Execute<A>,
) -> Result<Outcome<A>, CommandError<A::Error>> {
    let loaded = cell.ensure_loaded(deps, stream, None).await.map_err(CommandError::from)?;
    if let Some(source) = &meta.source_id {
        if let Some((first, last)) = loaded.sources.get(source) {
            return replay_outcome(deps, stream, first, last, loaded.version).await;
        }
    }
    for attempt in 0..=MAX_CONFLICT_RETRIES {
        let ctx =
            Ctx { now: deps.clock.now(), seed: Uuid::new_v4().as_u64_pair().0, words: deps.words };
        let decided = catch_unwind(AssertUnwindSafe(|| {
            deps.fault.trip(&command);
            loaded.state.decide(&command, &ctx)
        }));
        let events = match decided {
            Ok(Ok(events)) => events,
            Ok(Err(rejection)) => return Err(CommandError::Rejected(rejection)),
            Err(panic) => return Err(CommandError::Panicked(panic_message(&panic))),
        };
        if events.is_empty() {
            return Ok(Outcome {
                events,
                last_position: None,
                version: loaded.version,
                duplicate: false,
            });
        }
        let command_id = Uuid::now_v7();
        let correlation_id = meta.correlation_id.unwrap_or(command_id);
        let metadata = Metadata {
            correlation_id,
            causation_id: meta.causation_id.unwrap_or(correlation_id),
            actor_id: meta.actor_id,
            source_id: meta.source_id.clone(),
            guild_id: meta.guild_id,
        };
        let new_events = events
            .iter()
            .map(|event| deps.codec.encode(event, metadata.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CommandError::Store(e.into()))?;
        let expected = if loaded.version == 0 {
            ExpectedVersion::NoStream
        } else {
            ExpectedVersion::Exact(loaded.version)
        };
        let append_started = Instant::now();
        match deps.store.append(stream, expected, new_events).await {
            Ok(appended) => {
                deps.health.append_took(append_started.elapsed());
                let applied = catch_unwind(AssertUnwindSafe(|| {
                    for event in &events {
                        loaded.state.apply(event);
                    }
                }));
                if let Err(panic) = applied {
                    // The events are stored; only our copy of the state is wrong. Rebuild.
                    return Err(CommandError::Panicked(panic_message(&panic)));
                }
                let first = loaded.version + 1;
                loaded.version += events.len() as u64;
                loaded.events_since_snapshot += events.len() as u64;
                if let Some(source) = &meta.source_id {
                    loaded.sources.remember(source, first, loaded.version);
                }
                maybe_snapshot(deps, stream, loaded).await;
                return Ok(Outcome {
                    events,
                    last_position: Some(appended.last_position),
                    version: loaded.version,
                    duplicate: false,
                });
            }
            Err(StoreError::Conflict { .. }) => {
                tracing::warn!(stream.id = %stream, attempt, "version conflict; catching up and deciding again");
                deps.health.conflict_retried();
                let newer = deps
                    .store
                    .read_stream(stream, loaded.version + 1)
                    .await
                    .map_err(CommandError::Store)?;
                fold_recorded(deps, loaded, &newer).map_err(CommandError::from)?;
                if let Some(source) = &meta.source_id {
                    if let Some((first, last)) = loaded.sources.get(source) {
                        // The other writer was ourselves in another process, replaying.
                        return replay_outcome(deps, stream, first, last, loaded.version).await;
                    }
                }
            }
            Err(other) => return Err(CommandError::Store(other)),
        }
    }
    Err(CommandError::Contended)
}

/// The original outcome of an already-applied source id, read back from the store.
async fn replay_outcome<A: Aggregate>(
    deps: &StreamDeps<A>,
    stream: &StreamId,
    first: u64,
    last: u64,
    version: u64,
) -> Result<Outcome<A>, CommandError<A::Error>> {
    let recorded: Vec<RecordedEvent> = deps
        .store
        .read_stream(stream, first)
        .await
        .map_err(CommandError::Store)?
        .into_iter()
        .take_while(|e| e.stream_version <= last)
        .collect();
    let events = recorded
        .iter()
        .map(|e| deps.codec.decode(e))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CommandError::Store(e.into()))?;
    let last_position = recorded.last().map(|e| e.position);
    Ok(Outcome { events, last_position, version, duplicate: true })
}

/// Saves a snapshot when enough events have passed since the last one. A failed save costs only
/// a longer rebuild later, so it is logged and the command still succeeds.
async fn maybe_snapshot<A: Aggregate>(
    deps: &StreamDeps<A>,
    stream: &StreamId,
    loaded: &mut Loaded<A>,
) {
    if deps.snapshot_every == 0 || loaded.events_since_snapshot < deps.snapshot_every {
        return;
    }
    let state = match serde_json::to_value(&loaded.state) {
        Ok(state) => state,
        Err(error) => {
            tracing::warn!(stream.id = %stream, error.message = %error, "snapshot not serializable");
            return;
        }
    };
    match deps.store.save_snapshot(stream, loaded.version, deps.snapshot_schema, state).await {
        Ok(()) => loaded.events_since_snapshot = 0,
        Err(error) => {
            tracing::warn!(stream.id = %stream, error.message = %error, "snapshot not saved")
        }
    }
}

/// The text a panic carried (`panic!("...")` gives a `&str` or a `String`).
pub(super) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
