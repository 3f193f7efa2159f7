//! Time as the runtime sees it. The domain never reads a clock; the runtime stamps each command
//! with `Clock::now()`, so the demo and the tests can run the game on a faster clock.
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A source of the current time and a way to wait for a moment of it.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// How long to wait in real time until the clock reads `at` (zero if it already has).
    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration {
        (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)
    }
}

/// A clock that runs `speed` times faster than the wall clock from the moment it was made, so a
/// 24-hour Longform round passes in seconds in the demo while every deadline stays a real
/// timestamp in the events.
#[derive(Debug, Clone, Copy)]
pub struct FastClock {
    origin: DateTime<Utc>,
    real_origin: DateTime<Utc>,
    speed: u32,
}

impl FastClock {
    /// A clock starting at `origin` that advances `speed` seconds per real second.
    pub fn new(origin: DateTime<Utc>, speed: u32) -> Self {
        Self { origin, real_origin: Utc::now(), speed: speed.max(1) }
    }
}

impl Clock for FastClock {
    fn now(&self) -> DateTime<Utc> {
        let real_elapsed = Utc::now() - self.real_origin;
        self.origin + real_elapsed * i32::try_from(self.speed).unwrap_or(i32::MAX)
    }

    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration {
        let game_wait = (at - self.now()).to_std().unwrap_or(Duration::ZERO);
        game_wait / self.speed
    }
}

/// The clock shared by every actor of one runtime.
pub type SharedClock = Arc<dyn Clock>;
