//! Health accounting for operators: counters and latency histograms that every actor updates as
//! it works, and the periodic line the registry writes from them. Immediate problems (a restart,
//! an unreachable store) are logged at WARN the moment they happen, naming the stream and cause.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::store::{StoreError, StreamId};

/// Highest latency the histograms track, in microseconds (one minute); anything slower is
/// clamped, which is fine for a percentile of a health line.
const MAX_TRACKED_MICROS: u64 = 60_000_000;

/// Live counters of one runtime.
#[derive(Debug, Default)]
pub struct Health {
    live: Mutex<BTreeMap<&'static str, i64>>,
    spawns: AtomicU64,
    restarts: AtomicU64,
    passivations: AtomicU64,
    conflicts: AtomicU64,
    commands: AtomicU64,
    command_latency: Mutex<Option<Histogram<u64>>>,
    append_latency: Mutex<Option<Histogram<u64>>>,
}

/// What one health window saw.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthReport {
    /// Live stream actors per aggregate kind.
    pub live: BTreeMap<&'static str, i64>,
    /// Actors spawned in the window.
    pub spawns: u64,
    /// Actors restarted after a failure in the window.
    pub restarts: u64,
    /// Idle actors passivated in the window.
    pub passivations: u64,
    /// Version conflicts retried in the window.
    pub conflicts: u64,
    /// Commands handled in the window.
    pub commands: u64,
    /// Median command latency in milliseconds.
    pub command_p50_ms: f64,
    /// 99th percentile command latency in milliseconds.
    pub command_p99_ms: f64,
    /// 99th percentile store append latency in milliseconds.
    pub append_p99_ms: f64,
}

fn record(slot: &Mutex<Option<Histogram<u64>>>, took: Duration) {
    let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).clamp(1, MAX_TRACKED_MICROS);
    if let Ok(mut slot) = slot.lock() {
        let histogram = slot.get_or_insert_with(|| {
            Histogram::new_with_bounds(1, MAX_TRACKED_MICROS, 2)
                .expect("static histogram bounds are valid")
        });
        histogram.saturating_record(micros);
    }
}

fn take_quantiles(slot: &Mutex<Option<Histogram<u64>>>, quantiles: [f64; 2]) -> [f64; 2] {
    let Ok(mut slot) = slot.lock() else { return [0.0, 0.0] };
    match slot.take() {
        Some(h) if !h.is_empty() => quantiles.map(|q| h.value_at_quantile(q) as f64 / 1000.0),
        _ => [0.0, 0.0],
    }
}

impl Health {
    /// A stream actor of `kind` started (first start or restart).
    pub fn actor_started(&self, kind: &'static str) {
        if let Ok(mut live) = self.live.lock() {
            *live.entry(kind).or_default() += 1;
        }
    }

    /// A stream actor of `kind` stopped for good or before a restart.
    pub fn actor_stopped(&self, kind: &'static str) {
        if let Ok(mut live) = self.live.lock() {
            *live.entry(kind).or_default() -= 1;
        }
    }

    /// The registry spawned an actor.
    pub fn spawned(&self) {
        self.spawns.fetch_add(1, Ordering::Relaxed);
    }

    /// The registry passivated an idle actor.
    pub fn passivated(&self) {
        self.passivations.fetch_add(1, Ordering::Relaxed);
    }

    /// A failed actor is being restarted from its events.
    pub fn actor_restarted(&self, kind: &'static str, stream: &StreamId) {
        self.restarts.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            health = "restart", stream.id = %stream, stream.kind = kind,
            cause = "the actor failed a command", "stream actor restarting from its events"
        );
    }

    /// A subscription's actor is being restarted from its checkpoint after its subscriber
    /// panicked on the event at `position`.
    pub fn subscription_restarted(&self, subscription: &str, position: i64, panic: &str) {
        self.restarts.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            health = "restart",
            subscription,
            position,
            cause = "the subscriber panicked",
            panic.message = panic,
            "subscription restarting from its checkpoint"
        );
    }

    /// A stream actor's rebuild from the store panicked; the stream is retried with backoff.
    pub fn rebuild_panicked(&self, kind: &'static str, stream: &StreamId, panic: &str) {
        self.restarts.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            health = "restart", stream.id = %stream, stream.kind = kind,
            cause = "rebuilding the stream panicked", panic.message = panic,
            "stream actor rebuild failed; retrying with backoff"
        );
    }

    /// The store could not be reached while serving `stream`.
    pub fn store_unreachable(&self, stream: &StreamId, error: &StoreError) {
        tracing::warn!(
            health = "store_unreachable", stream.id = %stream, error.message = %error,
            error.cause_chain = ?error, "event store unreachable"
        );
    }

    /// A version conflict was retried.
    pub fn conflict_retried(&self) {
        self.conflicts.fetch_add(1, Ordering::Relaxed);
    }

    /// A command was handled in `took`.
    pub fn command_handled(&self, _kind: &'static str, took: Duration) {
        self.commands.fetch_add(1, Ordering::Relaxed);
        record(&self.command_latency, took);
    }

    /// A store append took `took`.
    pub fn append_took(&self, took: Duration) {
        record(&self.append_latency, took);
    }

    /// Reads the window's numbers and starts a new window (live counts carry over).
    pub fn take_report(&self) -> HealthReport {
        let [command_p50_ms, command_p99_ms] = take_quantiles(&self.command_latency, [0.5, 0.99]);
        let [_, append_p99_ms] = take_quantiles(&self.append_latency, [0.5, 0.99]);
        HealthReport {
            live: self.live.lock().map(|l| l.clone()).unwrap_or_default(),
            spawns: self.spawns.swap(0, Ordering::Relaxed),
            restarts: self.restarts.swap(0, Ordering::Relaxed),
            passivations: self.passivations.swap(0, Ordering::Relaxed),
            conflicts: self.conflicts.swap(0, Ordering::Relaxed),
            commands: self.commands.swap(0, Ordering::Relaxed),
            command_p50_ms,
            command_p99_ms,
            append_p99_ms,
        }
    }
}

/// What the health line says about the followers of the log.
#[derive(Debug, Clone, Copy)]
pub struct FollowerLine<'a> {
    /// `name=<events behind>` per subscription, comma separated.
    pub lag: &'a str,
    /// `name@<position>(<attempts> attempts, <seconds>s: <last error>)` per stalled subscription.
    pub stalled: &'a str,
    /// Events parked in the dead-letter table.
    pub parked: u64,
    /// Whether the store answered while the line was measured.
    pub store_reachable: bool,
}

impl HealthReport {
    /// Writes the report as one structured INFO line, with each subscription's lag in events
    /// (`projections.lag`), the subscriptions retrying a transient failure with their position,
    /// attempts and last error (`projections.stalled`), the events parked in the dead-letter
    /// table (`projections.parked`), extra parts such as the gateway state, and whether the
    /// store answered.
    pub fn log(&self, window: Duration, followers: &FollowerLine<'_>, extra: &str) {
        let FollowerLine { lag, stalled, parked, store_reachable } = *followers;
        let live = self.live.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        let per_second = self.commands as f64 / window.as_secs_f64().max(0.001);
        tracing::info!(
            health = "periodic",
            actors.live = %live,
            actors.spawns = self.spawns,
            actors.restarts = self.restarts,
            actors.passivations = self.passivations,
            commands.handled = self.commands,
            commands.per_second = format_args!("{per_second:.1}"),
            commands.p50_ms = format_args!("{:.2}", self.command_p50_ms),
            commands.p99_ms = format_args!("{:.2}", self.command_p99_ms),
            store.append_p99_ms = format_args!("{:.2}", self.append_p99_ms),
            store.conflicts = self.conflicts,
            store.reachable = store_reachable,
            projections.lag = %lag,
            projections.stalled = %stalled,
            projections.parked = parked,
            extra = %extra,
            "health"
        );
    }
}
