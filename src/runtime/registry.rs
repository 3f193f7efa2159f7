//! The registry is the supervisor of stream actors: it routes a command to its stream's actor,
//! spawning it under an actix `Supervisor` on demand; the supervisor restarts a failed actor, which
//! rebuilds itself from its events; idle actors are passivated (their address dropped, so they stop)
//! and come back on the next command or timer. Every `health.interval` it writes the health line.
//!
//! Supervision policy, as data: every stream actor is one-for-one and permanent while its stream is
//! in use; restarts are unlimited because a restart is only a rebuild from the store, and each one
//! is logged at WARN naming the stream.
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;

use super::deps::StreamDeps;
use super::health::Health;
use super::stream_actor::{
    CommandError, CommandMeta, Execute, Inspect, Inspected, Outcome, StreamActor,
};
use crate::domain::Aggregate;
use crate::store::StreamId;

/// Find (or spawn) the actor of a stream.
pub struct Locate<A: Aggregate> {
    /// The stream.
    pub stream: StreamId,
    _kind: std::marker::PhantomData<A>,
}

impl<A: Aggregate> Message for Locate<A> {
    type Result = Result<Addr<StreamActor<A>>, RegistryError>;
}

/// Why the registry could not route a command.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    /// The runtime was built without this aggregate kind (a wiring bug).
    #[error("no stream actors of kind {0} are configured")]
    UnknownKind(&'static str),
    /// The registry has stopped (the runtime is shutting down).
    #[error("the runtime is shutting down")]
    Stopped,
}

/// How the registry treats its children.
#[derive(Debug, Clone, Copy)]
pub struct RegistrySettings {
    /// Passivate an actor after this long without a command.
    pub passivate_after: Duration,
    /// How often idle actors are looked for.
    pub sweep_every: Duration,
}

struct Entry {
    addr: Box<dyn Any>,
    last_used: Instant,
}

/// The supervisor of all stream actors of one runtime.
pub struct Registry {
    entries: HashMap<StreamId, Entry>,
    deps: HashMap<TypeId, Box<dyn Any>>,
    health: Arc<Health>,
    settings: RegistrySettings,
}

impl Registry {
    /// An empty registry; add each aggregate kind's dependencies with [`Registry::with_kind`].
    pub fn new(health: Arc<Health>, settings: RegistrySettings) -> Self {
        Self { entries: HashMap::new(), deps: HashMap::new(), health, settings }
    }

    /// Serves streams of aggregate `A` with `deps`.
    #[must_use]
    pub fn with_kind<A: Aggregate>(mut self, deps: Arc<StreamDeps<A>>) -> Self {
        self.deps.insert(TypeId::of::<A>(), Box::new(deps));
        self
    }

    fn sweep(&mut self) {
        let idle_after = self.settings.passivate_after;
        let before = self.entries.len();
        self.entries.retain(|stream, entry| {
            let keep = entry.last_used.elapsed() < idle_after;
            if !keep {
                tracing::debug!(stream.id = %stream, "passivating idle stream actor");
            }
            keep
        });
        for _ in self.entries.len()..before {
            self.health.passivated();
        }
    }
}

impl Actor for Registry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(self.settings.sweep_every, |act, _| act.sweep());
    }
}

impl<A: Aggregate> Handler<Locate<A>> for Registry {
    type Result = Result<Addr<StreamActor<A>>, RegistryError>;

    fn handle(&mut self, message: Locate<A>, _: &mut Self::Context) -> Self::Result {
        if let Some(entry) = self.entries.get_mut(&message.stream) {
            if let Some(addr) = entry.addr.downcast_ref::<Addr<StreamActor<A>>>() {
                if addr.connected() {
                    entry.last_used = Instant::now();
                    return Ok(addr.clone());
                }
            }
        }
        let deps = self
            .deps
            .get(&TypeId::of::<A>())
            .and_then(|d| d.downcast_ref::<Arc<StreamDeps<A>>>())
            .cloned()
            .ok_or(RegistryError::UnknownKind(A::KIND))?;
        let stream = message.stream.clone();
        let addr = Supervisor::start(move |_| StreamActor::new(stream, deps));
        self.health.spawned();
        self.entries.insert(
            message.stream,
            Entry { addr: Box::new(addr.clone()), last_used: Instant::now() },
        );
        Ok(addr)
    }
}

/// A cloneable handle to the registry: the one door every command goes through, whether it
/// comes from Discord, a timer, a reactor, the demo or a test.
#[derive(Clone)]
pub struct RegistryHandle {
    addr: Addr<Registry>,
}

impl RegistryHandle {
    /// Starts the registry on the current arbiter.
    pub fn start(registry: Registry) -> Self {
        Self { addr: registry.start() }
    }

    /// The actor of `stream`, spawned if needed.
    pub async fn locate<A: Aggregate>(
        &self,
        stream: StreamId,
    ) -> Result<Addr<StreamActor<A>>, RegistryError> {
        self.addr
            .send(Locate::<A> { stream, _kind: std::marker::PhantomData })
            .await
            .map_err(|_| RegistryError::Stopped)?
    }

    /// Decides `command` on `stream` and returns what happened.
    pub async fn execute<A: Aggregate>(
        &self,
        stream: StreamId,
        command: A::Command,
        meta: CommandMeta,
    ) -> Result<Outcome<A>, CommandError<A::Error>> {
        let addr = self.locate::<A>(stream).await.map_err(|_| CommandError::Unavailable)?;
        addr.send(Execute { command, meta }).await.map_err(|_| CommandError::Unavailable)?
    }

    /// The current state of `stream`, rebuilt by its actor.
    pub async fn inspect<A: Aggregate>(
        &self,
        stream: StreamId,
    ) -> Result<Inspected<A>, CommandError<A::Error>> {
        let addr = self.locate::<A>(stream).await.map_err(|_| CommandError::Unavailable)?;
        addr.send(Inspect::default()).await.map_err(|_| CommandError::Unavailable)?
    }
}
