//! The intake: a bounded queue between the shards and the work their events cause. A fixed pool
//! of workers drains it, each worker owning one lane of the queue; an event goes to the lane its
//! ordering key (the author's user id) hashes to, so one user's messages and slash commands are
//! handled one after another in the order the shards read them, whichever shard they came on,
//! while different users' work runs in parallel. When a lane is full the shard that reads the
//! next event for it waits, so a flood slows reading from Discord (which buffers and, after a
//! long stall, resumes the session and replays what was missed) instead of piling up tasks
//! without end.
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument;
use twilight_gateway::Event;

use super::gateway::EventHandler;

/// How big the intake is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntakeConfig {
    /// Events that may wait in the queue, split evenly among the workers' lanes.
    pub queue: usize,
    /// Workers handling events, one event at a time each.
    pub workers: usize,
}

impl IntakeConfig {
    /// Events one lane holds: an even share of the queue, at least one.
    pub fn lane_capacity(self) -> usize {
        (self.queue / self.workers.max(1)).max(1)
    }
}

/// One event on its way to a worker, with the span it was read in.
struct Job {
    shard: u32,
    event: Event,
    span: tracing::Span,
}

/// The intake's sending side; cheap to clone (each shard holds one). The workers stop once
/// every clone is dropped and their lanes are empty.
#[derive(Clone)]
pub struct Intake {
    lanes: Arc<Vec<mpsc::Sender<Job>>>,
    hasher: RandomState,
}

/// The intake's sending side was closed: the workers are gone.
#[derive(Debug, thiserror::Error)]
#[error("the intake's workers have stopped")]
pub struct IntakeClosed;

impl Intake {
    /// Starts `config.workers` workers calling `handler`; returns the intake and the workers'
    /// tasks (they end when every [`Intake`] clone is dropped and the queue is drained).
    pub fn start(config: IntakeConfig, handler: Arc<dyn EventHandler>) -> (Self, JoinSet<()>) {
        let capacity = config.lane_capacity();
        let mut workers = JoinSet::new();
        let mut lanes = Vec::with_capacity(config.workers.max(1));
        for worker in 0..config.workers.max(1) {
            let (sender, receiver) = mpsc::channel(capacity);
            lanes.push(sender);
            workers.spawn(run_worker(worker, receiver, handler.clone()));
        }
        (Self { lanes: Arc::new(lanes), hasher: RandomState::new() }, workers)
    }

    /// Queues `event` behind the earlier events with the same `key`; waits while that lane is
    /// full.
    pub async fn submit(&self, key: u64, shard: u32, event: Event) -> Result<(), IntakeClosed> {
        let lane = self.lane_of(key);
        let job = Job { shard, event, span: tracing::Span::current() };
        self.lanes[lane].send(job).await.map_err(|_| IntakeClosed)
    }

    /// The lane (and so the worker) a key's events go to.
    fn lane_of(&self, key: u64) -> usize {
        // Below the lane count after the modulo, so the cast back to usize loses nothing.
        (self.hasher.hash_one(key) % self.lanes.len() as u64) as usize
    }

    /// A view of the queue's fill for the health line that does not keep the intake open.
    pub fn gauge(&self) -> IntakeGauge {
        IntakeGauge { lanes: self.lanes.iter().map(mpsc::Sender::downgrade).collect() }
    }
}

/// How full the intake is, without holding it open (the workers still stop at shutdown).
#[derive(Clone)]
pub struct IntakeGauge {
    lanes: Vec<mpsc::WeakSender<Job>>,
}

impl std::fmt::Debug for IntakeGauge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.health_line())
    }
}

impl IntakeGauge {
    /// Events waiting in the queue and its capacity, `intake=3/1024`; `intake=closed` once the
    /// intake has shut down.
    pub fn health_line(&self) -> String {
        let (mut waiting, mut capacity) = (0, 0);
        for lane in &self.lanes {
            let Some(lane) = lane.upgrade() else { return "intake=closed".to_owned() };
            capacity += lane.max_capacity();
            waiting += lane.max_capacity() - lane.capacity();
        }
        format!("intake={waiting}/{capacity}")
    }
}

/// One worker: handles its lane's events in order; a panic in one event's work is logged and
/// the worker goes on with the next.
async fn run_worker(worker: usize, mut lane: mpsc::Receiver<Job>, handler: Arc<dyn EventHandler>) {
    while let Some(Job { shard, event, span }) = lane.recv().await {
        let work = handler.handle(shard, event).instrument(span);
        if AssertUnwindSafe(work).catch_unwind().await.is_err() {
            tracing::error!(intake.worker = worker, "handling a gateway event panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use async_trait::async_trait;
    use tokio::sync::Semaphore;
    use twilight_model::gateway::payload::incoming::Hello;

    use super::*;

    /// Records `(key, sequence)` of every handled event; a HELLO's interval carries both as
    /// `key * 1_000_000 + sequence`. Work waits for a permit while `gate` is closed.
    struct Recorder {
        handled: Mutex<Vec<(u64, u64)>>,
        gate: Semaphore,
    }

    #[async_trait]
    impl EventHandler for Recorder {
        fn order_key(&self, event: &Event) -> Option<u64> {
            match event {
                Event::GatewayHello(hello) => Some(hello.heartbeat_interval / 1_000_000),
                _ => None,
            }
        }

        async fn handle(&self, _shard: u32, event: Event) {
            let Event::GatewayHello(Hello { heartbeat_interval: n }) = event else { return };
            self.gate.acquire().await.expect("the gate stays open").forget();
            assert_ne!(n % 1_000_000, 999_999, "a handler that panics");
            self.handled.lock().expect("lock").push((n / 1_000_000, n % 1_000_000));
        }
    }

    fn recorder(permits: usize) -> Arc<Recorder> {
        Arc::new(Recorder { handled: Mutex::new(Vec::new()), gate: Semaphore::new(permits) })
    }

    fn event(key: u64, sequence: u64) -> Event {
        Event::GatewayHello(Hello { heartbeat_interval: key * 1_000_000 + sequence })
    }

    async fn drain(intake: Intake, mut workers: JoinSet<()>) {
        drop(intake);
        let all = async { while workers.join_next().await.is_some() {} };
        tokio::time::timeout(Duration::from_secs(10), all).await.expect("the workers finish");
    }

    #[tokio::test]
    async fn a_burst_larger_than_the_queue_is_handled_completely_and_in_order_per_key() {
        // Arrange: a queue of 8 over 3 workers, and 40 events for each of 5 keys.
        let handler = recorder(usize::MAX >> 4);
        let config = IntakeConfig { queue: 8, workers: 3 };
        let (intake, workers) = Intake::start(config, handler.clone());
        // Act
        for sequence in 0..40 {
            for key in 1..=5 {
                intake.submit(key, 0, event(key, sequence)).await.expect("open");
            }
        }
        drain(intake, workers).await;
        // Assert
        let handled = handler.handled.lock().expect("lock").clone();
        assert_eq!(handled.len(), 200, "nothing lost");
        for key in 1..=5 {
            let order: Vec<u64> =
                handled.iter().filter(|(k, _)| *k == key).map(|(_, s)| *s).collect();
            assert_eq!(order, (0..40).collect::<Vec<_>>(), "key {key} in arrival order");
        }
    }

    #[tokio::test]
    async fn a_full_lane_makes_the_reader_wait_instead_of_growing() {
        // Arrange: one worker, a lane of two, and work that cannot proceed yet.
        let handler = recorder(0);
        let (intake, workers) =
            Intake::start(IntakeConfig { queue: 2, workers: 1 }, handler.clone());
        // The worker takes the first event and blocks on it; two more fill the lane.
        for sequence in 0..3 {
            intake.submit(1, 0, event(1, sequence)).await.expect("room");
        }
        // Act: a fourth has no room.
        let fourth = intake.submit(1, 0, event(1, 3));
        let waited = tokio::time::timeout(Duration::from_millis(200), fourth).await;
        // Assert
        assert!(waited.is_err(), "the reader waits while the lane is full");
        let gauge = intake.gauge();
        assert_eq!(gauge.health_line(), "intake=2/2");
        handler.gate.add_permits(100);
        intake.submit(1, 0, event(1, 4)).await.expect("room again once work moves");
        drain(intake, workers).await;
        let handled: Vec<u64> =
            handler.handled.lock().expect("lock").iter().map(|(_, s)| *s).collect();
        assert_eq!(handled, [0, 1, 2, 4], "the event whose submit was abandoned never queued");
        assert_eq!(gauge.health_line(), "intake=closed", "the gauge did not keep it open");
    }

    #[tokio::test]
    async fn a_panicking_handler_does_not_stop_its_worker() {
        let handler = recorder(100);
        let (intake, workers) =
            Intake::start(IntakeConfig { queue: 4, workers: 1 }, handler.clone());
        intake.submit(7, 0, event(7, 999_999)).await.expect("open");
        intake.submit(7, 0, event(7, 1)).await.expect("open");
        drain(intake, workers).await;
        assert_eq!(*handler.handled.lock().expect("lock"), [(7, 1)]);
    }

    #[test]
    fn each_lane_gets_an_even_share_of_the_queue() {
        assert_eq!(IntakeConfig { queue: 1024, workers: 64 }.lane_capacity(), 16);
        assert_eq!(IntakeConfig { queue: 10, workers: 3 }.lane_capacity(), 3);
        assert_eq!(IntakeConfig { queue: 1, workers: 4 }.lane_capacity(), 1);
    }
}
