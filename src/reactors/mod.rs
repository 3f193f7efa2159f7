//! Reactors follow the log and act on it: process managers carry a step from one stream to
//! another (a resolved pair onto the players' forbidden lists, a game's end onto its players and
//! channel, a formed team onto its members, a finished game's replay name), and durable timers
//! fire the commands whose deadlines events announced. Each is a checkpointed [`Subscriber`]
//! whose side effects are idempotent by event id: every command it sends carries a source id
//! derived from the causing event, so a redelivery is a no-op at the stream.
mod active_games;
mod common;
mod forbidden_words;
mod replay_names;
mod teams;
mod timer_actor;
mod timer_table;
mod timers;

use std::sync::Arc;

use actix::{Actor, Addr};

pub use active_games::{ActiveGamesReactor, ACTIVE_GAMES};
pub use forbidden_words::{ForbiddenWordsReactor, FORBIDDEN_WORDS};
pub use replay_names::{
    replay_name_candidate, reserve_replay_name, reserved_replay_name, ReplayNameError,
    ReplayNamesReactor, MAX_NAME_ATTEMPTS, REPLAY_NAMES,
};
pub use teams::{TeamsReactor, TEAMS};
pub use timer_actor::{
    Arm, Disarm, ListArmed, TimerActor, FIRST_FIRE_RETRY, MAX_FIRE_RETRY, MAX_SLEEP,
};
pub use timer_table::{delete_timer, load_timers, save_timer, ArmedTimer, TimerCommand};
pub use timers::{TimersReactor, TIMERS};

use crate::runtime::{Progress, Runtime, Subscriber};

/// Starts the runtime's [`TimerActor`] on the current actix system; it re-arms every stored
/// timer at once (overdue ones fire straight away). The health line gains `timers.armed=<n>`.
pub fn start_timer_actor(runtime: &Runtime) -> Addr<TimerActor> {
    let actor = TimerActor::new(
        runtime.registry().clone(),
        runtime.store().clone(),
        runtime.clock().clone(),
    );
    let gauge = actor.armed_gauge();
    runtime.add_health_source(Box::new(move || {
        format!("timers.armed={}", gauge.load(std::sync::atomic::Ordering::Relaxed))
    }));
    actor.start()
}

/// Every reactor, its timers reactor arming on `timers`; subscribe each to run it.
pub fn reactors_with_timers(
    runtime: &Runtime,
    timers: Addr<TimerActor>,
) -> Vec<Arc<dyn Subscriber>> {
    let registry = runtime.registry().clone();
    let store = runtime.store().clone();
    vec![
        ForbiddenWordsReactor::new(registry.clone()),
        ActiveGamesReactor::new(registry.clone(), store.clone()),
        TeamsReactor::new(registry.clone()),
        ReplayNamesReactor::new(registry.clone(), store.clone()),
        TimersReactor::new(registry, store, timers),
    ]
}

/// Every reactor, for start-up: starts the timer actor (see [`start_timer_actor`]) and returns
/// the subscribers; subscribe each with [`Runtime::subscribe`].
pub fn all_reactors(runtime: &Runtime) -> Vec<Arc<dyn Subscriber>> {
    let timers = start_timer_actor(runtime);
    reactors_with_timers(runtime, timers)
}

/// The reactors as started: the timer actor and each subscription's progress by name.
pub struct RunningReactors {
    /// The timer actor.
    pub timers: Addr<TimerActor>,
    /// Each reactor's checkpoint name and progress.
    pub progress: Vec<(&'static str, Arc<Progress>)>,
}

/// Starts the timer actor and subscribes every reactor to the runtime's log.
pub fn start_reactors(runtime: &Runtime) -> RunningReactors {
    let timers = start_timer_actor(runtime);
    let progress = reactors_with_timers(runtime, timers.clone())
        .into_iter()
        .map(|reactor| (reactor.name(), runtime.subscribe(reactor)))
        .collect();
    RunningReactors { timers, progress }
}
