//! The demo's clock: game time that runs a chosen number of times faster than real time, where
//! the speed can change between games. A Race clock wants seconds to stay seconds-ish (players
//! must have time to play), while Longform's 24-hour rounds must pass in a second or two, so one
//! fixed speed cannot serve the whole tournament. The speed only changes while no game timer is
//! armed, and the timer actor re-checks the clock when it wakes, so deadlines stay exact.
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use crate::runtime::Clock;

/// Game time as a line through a point: at real instant `real`, the game read `game`, and it
/// advances `speed` game seconds per real second from there.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    real: Instant,
    game: DateTime<Utc>,
    speed: u32,
}

impl Anchor {
    fn game_at(&self, real: Instant) -> DateTime<Utc> {
        let elapsed = real.saturating_duration_since(self.real) * self.speed;
        self.game + TimeDelta::from_std(elapsed).unwrap_or(TimeDelta::MAX)
    }
}

/// A clock whose speed the demo sets per game; game time never goes backwards.
#[derive(Debug)]
pub struct DemoClock {
    anchor: Mutex<Anchor>,
}

impl DemoClock {
    /// A clock reading `origin` now and advancing `speed` game seconds per real second.
    pub fn new(origin: DateTime<Utc>, speed: u32) -> Self {
        Self {
            anchor: Mutex::new(Anchor { real: Instant::now(), game: origin, speed: speed.max(1) }),
        }
    }

    /// From now on, advance `speed` game seconds per real second (at least 1).
    pub fn set_speed(&self, speed: u32) {
        let real = Instant::now();
        if let Ok(mut anchor) = self.anchor.lock() {
            let game = anchor.game_at(real);
            *anchor = Anchor { real, game, speed: speed.max(1) };
        }
    }

    /// Game seconds per real second.
    pub fn speed(&self) -> u32 {
        self.anchor.lock().map(|a| a.speed).unwrap_or(1)
    }

    /// How long `game` game time lasts in real time at the current speed.
    pub fn real_duration(&self, game: Duration) -> Duration {
        game / self.speed()
    }

    fn anchor(&self) -> Anchor {
        // A poisoned lock only means another thread panicked mid-update of a Copy value; the
        // value is still whole, so keep using it.
        match self.anchor.lock() {
            Ok(anchor) => *anchor,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        self.anchor().game_at(Instant::now())
    }

    fn real_wait_until(&self, at: DateTime<Utc>) -> Duration {
        let anchor = self.anchor();
        let game_wait = (at - anchor.game_at(Instant::now())).to_std().unwrap_or(Duration::ZERO);
        game_wait / anchor.speed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn game_time_runs_at_the_chosen_speed() {
        let origin = Utc::now();
        let clock = DemoClock::new(origin, 1000);
        std::thread::sleep(Duration::from_millis(20));
        let passed = clock.now() - origin;
        assert!(passed >= TimeDelta::seconds(20), "{passed} passed at 1000x in 20 ms");
        assert!(passed < TimeDelta::seconds(2000), "{passed} passed at 1000x in 20 ms");
    }

    #[test]
    fn changing_the_speed_never_moves_time_backwards() {
        let clock = DemoClock::new(Utc::now(), 10_000);
        std::thread::sleep(Duration::from_millis(5));
        let before = clock.now();
        clock.set_speed(1);
        assert!(clock.now() >= before);
        assert_eq!(clock.speed(), 1);
    }

    #[test]
    fn the_real_wait_shrinks_with_the_speed() {
        let clock = DemoClock::new(Utc::now(), 3600);
        let in_an_hour = clock.now() + TimeDelta::hours(1);
        let wait = clock.real_wait_until(in_an_hour);
        assert!(wait <= Duration::from_secs(1), "an hour at 3600x waits {wait:?}");
        assert!(wait > Duration::from_millis(900), "an hour at 3600x waits {wait:?}");
    }
}
