//! The actix engine: stream actors that own one event stream each, the registry that supervises
//! them, health accounting, and the clock commands are decided at.
mod clock;
mod deps;
mod engine;
mod health;
mod registry;
mod stream_actor;
mod subscription;

pub use clock::{Clock, FastClock, SharedClock, SystemClock};
pub use deps::{FaultSwitch, StreamDeps};
pub use engine::{Runtime, StopSubscription, SNAPSHOT_SCHEMA};
pub use health::{FollowerLine, Health, HealthReport};
pub use registry::{Locate, Registry, RegistryError, RegistryHandle, RegistrySettings};
pub use stream_actor::{
    CommandError, CommandMeta, Execute, Inspect, Inspected, Outcome, StreamActor,
    MAX_CONFLICT_RETRIES, REMEMBERED_SOURCES,
};
pub use subscription::{
    catch_up_once, redrive_dead_letters, HandleError, Progress, Redriven, RetryPolicy, Stall,
    Subscriber, SubscriberPanicked, SubscriptionActor, BATCH_SIZE, IDLE_REREAD, REDRIVE_POLL,
};
