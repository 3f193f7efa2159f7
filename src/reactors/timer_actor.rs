//! The timer actor keeps every armed durable timer in memory, sleeps until the earliest is due on
//! the runtime's clock (so a fast clock fires fast), and fires its command through the registry.
//! At start it loads every stored timer, so deadlines survive a restart and overdue ones fire at
//! once. A row is deleted only after its command was applied or ignored as stale; an
//! infrastructure failure is retried with backoff.
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use chrono::{DateTime, Utc};

use super::timer_table::{delete_timer, load_timers, ArmedTimer, TimerCommand};
use crate::domain::game::Game;
use crate::domain::team::{Team, TeamCommand};
use crate::domain::Aggregate;
use crate::runtime::{CommandError, CommandMeta, Outcome, RegistryHandle, SharedClock};
use crate::store::{EventStore, StreamId};

/// The first delay before firing again after an infrastructure failure; it doubles each time.
pub const FIRST_FIRE_RETRY: Duration = Duration::from_millis(250);

/// The longest delay between retries: a store outage is retried at least twice a minute.
pub const MAX_FIRE_RETRY: Duration = Duration::from_secs(30);

/// The longest the actor sleeps without looking again, so a wall-clock jump delays a timer by
/// at most this long.
pub const MAX_SLEEP: Duration = Duration::from_secs(10);

/// The shortest sleep before a timer that is not quite due yet, so rounding in a fast clock's
/// real-time conversion cannot make the actor spin.
const MIN_SLEEP: Duration = Duration::from_millis(1);

/// How long to wait before reading the timers table again when it cannot be read at start-up.
const LOAD_RETRY: Duration = Duration::from_secs(1);

/// Arm the timer of a stream, replacing the one it had.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct Arm(pub ArmedTimer);

/// Disarm the timer of a stream (its deadline went away).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct Disarm(pub StreamId);

/// The timers armed now, earliest first, as (stream, fire at) (for status and tests).
#[derive(Message, Debug)]
#[rtype(result = "Vec<(StreamId, DateTime<Utc>)>")]
pub struct ListArmed;

/// Where one armed timer is.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for its moment.
    Waiting,
    /// Its command is in flight.
    Firing,
    /// Its command failed `attempts` times; try again at the instant.
    Retrying { at: Instant, attempts: u32 },
}

#[derive(Debug)]
struct Slot {
    timer: ArmedTimer,
    phase: Phase,
}

/// How a fired command ended.
enum Fired {
    /// It changed the stream (or had already, as a duplicate).
    Applied,
    /// It changed nothing: the deadline had moved on.
    Stale,
    /// The aggregate refused it; firing again cannot help.
    Refused(String),
    /// The runtime or the store failed; fire again later.
    Failed(String),
}

/// Fires durable timers.
pub struct TimerActor {
    registry: RegistryHandle,
    store: Arc<dyn EventStore>,
    clock: SharedClock,
    armed: HashMap<StreamId, Slot>,
    wake: Option<SpawnHandle>,
    /// How many timers are armed, for the health line.
    gauge: Arc<AtomicUsize>,
}

impl TimerActor {
    /// A timer actor firing through `registry` on `clock`, keeping its rows in `store`.
    pub fn new(registry: RegistryHandle, store: Arc<dyn EventStore>, clock: SharedClock) -> Self {
        Self { registry, store, clock, armed: HashMap::new(), wake: None, gauge: Arc::default() }
    }

    /// A gauge of how many timers are armed, readable from any thread (for the health line).
    pub fn armed_gauge(&self) -> Arc<AtomicUsize> {
        self.gauge.clone()
    }

    fn arm(&mut self, timer: ArmedTimer) {
        if let Some(slot) = self.armed.get_mut(&timer.stream) {
            if slot.timer.fire_at == timer.fire_at && slot.timer.command == timer.command {
                // The same deadline again (a redelivery): keep its progress, note the newer arming.
                slot.timer.armed_by = timer.armed_by;
                return;
            }
        }
        self.armed.insert(timer.stream.clone(), Slot { timer, phase: Phase::Waiting });
    }

    /// Sleeps until the next timer is due (or a retry is), then fires what is due.
    fn reschedule(&mut self, ctx: &mut Context<Self>) {
        self.gauge.store(self.armed.len(), Ordering::Relaxed);
        if let Some(handle) = self.wake.take() {
            ctx.cancel_future(handle);
        }
        let now = self.clock.now();
        let sleep = self
            .armed
            .values()
            .filter_map(|slot| match slot.phase {
                Phase::Firing => None,
                Phase::Waiting if slot.timer.fire_at <= now => Some(Duration::ZERO),
                Phase::Waiting => {
                    Some(self.clock.real_wait_until(slot.timer.fire_at).max(MIN_SLEEP))
                }
                Phase::Retrying { at, .. } => Some(at.saturating_duration_since(Instant::now())),
            })
            .min();
        let Some(sleep) = sleep else { return };
        self.wake = Some(ctx.run_later(sleep.min(MAX_SLEEP), |act, ctx| {
            act.wake = None;
            act.fire_due(ctx);
        }));
    }

    fn fire_due(&mut self, ctx: &mut Context<Self>) {
        let now = self.clock.now();
        let real_now = Instant::now();
        let mut due = Vec::new();
        for slot in self.armed.values_mut() {
            let attempts = match slot.phase {
                Phase::Waiting if slot.timer.fire_at <= now => 0,
                Phase::Retrying { at, attempts } if at <= real_now => attempts,
                _ => continue,
            };
            slot.phase = Phase::Firing;
            due.push((slot.timer.clone(), attempts));
        }
        for (timer, attempts) in due {
            let registry = self.registry.clone();
            let store = self.store.clone();
            ctx.spawn(
                async move {
                    let fired = fire(&registry, &timer).await;
                    if !matches!(fired, Fired::Failed(_)) {
                        if let Err(error) =
                            delete_timer(&*store, &timer.stream, Some(timer.armed_by)).await
                        {
                            // The row stays; it fires once more after a restart and is stale then.
                            tracing::warn!(
                                stream.id = %timer.stream, error.message = %error,
                                "a fired timer's row could not be deleted"
                            );
                        }
                    }
                    (timer, fired)
                }
                .into_actor(self)
                .map(move |(timer, fired), act, ctx| {
                    act.settle(timer, fired, attempts);
                    act.reschedule(ctx);
                }),
            );
        }
        self.reschedule(ctx);
    }

    /// Records how a fired timer ended.
    fn settle(&mut self, timer: ArmedTimer, fired: Fired, attempts: u32) {
        let same = |slot: &Slot| {
            slot.timer.fire_at == timer.fire_at && slot.timer.command == timer.command
        };
        match fired {
            Fired::Applied | Fired::Stale | Fired::Refused(_) => {
                if let Fired::Refused(reason) = &fired {
                    tracing::warn!(
                        stream.id = %timer.stream, fire_at = %timer.fire_at, reason,
                        "a timer's command was refused; the timer is dropped"
                    );
                }
                if let Fired::Stale = fired {
                    tracing::debug!(stream.id = %timer.stream, "a stale timer changed nothing");
                }
                if self.armed.get(&timer.stream).is_some_and(same) {
                    self.armed.remove(&timer.stream);
                }
            }
            Fired::Failed(reason) => {
                let attempts = attempts + 1;
                let delay = FIRST_FIRE_RETRY
                    .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(16)))
                    .min(MAX_FIRE_RETRY);
                tracing::warn!(
                    stream.id = %timer.stream, fire_at = %timer.fire_at, attempts, reason,
                    retry_in_ms = delay.as_millis() as u64, "a timer could not fire; retrying"
                );
                if let Some(slot) = self.armed.get_mut(&timer.stream) {
                    if same(slot) {
                        slot.phase = Phase::Retrying { at: Instant::now() + delay, attempts };
                    }
                }
            }
        }
    }
}

/// Sends a timer's command and classifies the result.
async fn fire(registry: &RegistryHandle, timer: &ArmedTimer) -> Fired {
    let meta = CommandMeta {
        source_id: Some(timer.source_id()),
        actor_id: None,
        // A deadline passing is an outside input of its own: a new correlation.
        correlation_id: None,
        causation_id: Some(timer.armed_by),
        guild_id: Some(timer.command.guild()),
    };
    tracing::debug!(stream.id = %timer.stream, fire_at = %timer.fire_at, "timer fires");
    match &timer.command {
        TimerCommand::Game { command } => {
            classify(registry.execute::<Game>(timer.stream.clone(), command.clone(), meta).await)
        }
        TimerCommand::ExpireInvitation { .. } => classify(
            registry
                .execute::<Team>(timer.stream.clone(), TeamCommand::ExpireInvitation, meta)
                .await,
        ),
    }
}

fn classify<A: Aggregate>(result: Result<Outcome<A>, CommandError<A::Error>>) -> Fired {
    match result {
        Ok(outcome) if outcome.events.is_empty() && !outcome.duplicate => Fired::Stale,
        Ok(_) => Fired::Applied,
        Err(CommandError::Rejected(error)) => Fired::Refused(error.to_string()),
        Err(CommandError::ReadOnly) => Fired::Refused("the stream is read-only".into()),
        Err(other) => Fired::Failed(other.to_string()),
    }
}

impl Actor for TimerActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let store = self.store.clone();
        // `wait`: no Arm or Disarm is handled before the stored timers are in, so an older row
        // can never overwrite a newer arming.
        ctx.wait(
            async move {
                loop {
                    match load_timers(&*store).await {
                        Ok(timers) => break timers,
                        Err(error) => {
                            tracing::warn!(
                                error.message = %error,
                                "cannot read the timers table; retrying"
                            );
                            tokio::time::sleep(LOAD_RETRY).await;
                        }
                    }
                }
            }
            .into_actor(self)
            .map(|timers, act, ctx| {
                tracing::info!(timers = timers.len(), "durable timers re-armed");
                for timer in timers {
                    act.arm(timer);
                }
                act.reschedule(ctx);
            }),
        );
    }
}

impl Handler<Arm> for TimerActor {
    type Result = ();

    fn handle(&mut self, Arm(timer): Arm, ctx: &mut Self::Context) {
        self.arm(timer);
        self.reschedule(ctx);
    }
}

impl Handler<Disarm> for TimerActor {
    type Result = ();

    fn handle(&mut self, Disarm(stream): Disarm, ctx: &mut Self::Context) {
        if self.armed.remove(&stream).is_some() {
            self.reschedule(ctx);
        }
    }
}

impl Handler<ListArmed> for TimerActor {
    type Result = MessageResult<ListArmed>;

    fn handle(&mut self, _: ListArmed, _: &mut Self::Context) -> Self::Result {
        let mut armed: Vec<(StreamId, DateTime<Utc>)> =
            self.armed.values().map(|s| (s.timer.stream.clone(), s.timer.fire_at)).collect();
        armed.sort_by_key(|(_, at)| *at);
        MessageResult(armed)
    }
}
