//! The per-user rate limit on what people send the bot: commands in channels, slash commands and
//! DMs. A user may send `limit` of them in any `window`; the first one over the limit gets one
//! polite refusal, the rest are dropped unanswered until the window lets the user in again. It
//! is checked before any engine work, so a flood costs a map lookup per message, not commands
//! on streams.
//!
//! Why a sliding-window log and not a crate such as `governor`: the limit is "N in any window"
//! exactly as configured (GCRA would refill one slot every window/N instead), the "told once"
//! state needs a per-user entry anyway, and the whole thing is a map of short queues, smaller
//! than the dependency tree a keyed limiter brings.
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::UserId;

/// The reason shown to a user who went over the limit (after `Error:` or `Invalid:`).
pub const TOO_FAST: &str = "you are sending commands too fast; wait a moment";

/// What the limit says about one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Within the limit: handle it.
    Allowed,
    /// The first message over the limit since the user was last let in: refuse it politely.
    FirstRefusal,
    /// Over the limit and already told: drop it without a reply.
    Refused,
}

impl Admission {
    /// Whether the message may be handled.
    pub fn is_allowed(self) -> bool {
        self == Admission::Allowed
    }
}

/// One user's recent messages.
#[derive(Debug, Default)]
struct Recent {
    /// When each allowed message of the current window arrived, oldest first (at most `limit`).
    allowed: VecDeque<Instant>,
    /// Whether the user was told since their last allowed message.
    told: bool,
}

#[derive(Debug)]
struct Users {
    recent: HashMap<UserId, Recent>,
    /// When idle users were last dropped from the map.
    swept: Instant,
}

/// A per-user sliding-window limit, shared by every shard and worker.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    users: Mutex<Users>,
}

impl RateLimiter {
    /// `limit` messages per user in any `window`; a limit of 0 lets everything through.
    pub fn new(limit: u32, window: Duration) -> Self {
        let users = Users { recent: HashMap::new(), swept: Instant::now() };
        Self { limit: limit as usize, window, users: Mutex::new(users) }
    }

    /// A limiter that lets everything through.
    pub fn unlimited() -> Self {
        Self::new(0, Duration::from_secs(1))
    }

    /// Counts a message from `user` arriving at `now` and says whether to handle it. Refused
    /// messages are not counted, so a user who keeps sending is let in again as soon as their
    /// oldest allowed message leaves the window.
    pub fn check(&self, user: UserId, now: Instant) -> Admission {
        if self.limit == 0 {
            return Admission::Allowed;
        }
        // A poisoned lock only means another thread panicked mid-update; the counts are still
        // usable, and refusing everyone would be worse than a miscount.
        let mut users = self.users.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.sweep(&mut users, now);
        let recent = users.recent.entry(user).or_default();
        while recent.allowed.front().is_some_and(|at| now.duration_since(*at) >= self.window) {
            recent.allowed.pop_front();
        }
        if recent.allowed.len() < self.limit {
            recent.allowed.push_back(now);
            recent.told = false;
            Admission::Allowed
        } else if recent.told {
            Admission::Refused
        } else {
            recent.told = true;
            Admission::FirstRefusal
        }
    }

    /// How many users the limiter remembers (for tests of the sweep).
    pub fn remembered(&self) -> usize {
        self.users.lock().map(|u| u.recent.len()).unwrap_or(0)
    }

    /// Once per window, forgets users with no message inside the window, so the map holds only
    /// users active in the last two windows.
    fn sweep(&self, users: &mut Users, now: Instant) {
        if now.duration_since(users.swept) < self.window {
            return;
        }
        users.swept = now;
        let window = self.window;
        users.recent.retain(|_, recent| {
            recent.allowed.back().is_some_and(|at| now.duration_since(*at) < window)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANN: UserId = UserId(1);
    const BOB: UserId = UserId(2);

    fn limiter(limit: u32, seconds: u64) -> RateLimiter {
        RateLimiter::new(limit, Duration::from_secs(seconds))
    }

    #[test]
    fn a_user_within_the_limit_is_always_let_in() {
        let limit = limiter(3, 60);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(limit.check(ANN, start + Duration::from_secs(i)), Admission::Allowed);
        }
    }

    #[test]
    fn the_first_message_over_the_limit_is_refused_politely_and_the_rest_silently() {
        let limit = limiter(2, 60);
        let at = Instant::now();
        assert!(limit.check(ANN, at).is_allowed());
        assert!(limit.check(ANN, at).is_allowed());
        assert_eq!(limit.check(ANN, at), Admission::FirstRefusal);
        for _ in 0..10 {
            assert_eq!(limit.check(ANN, at), Admission::Refused);
        }
    }

    #[test]
    fn another_user_is_not_affected_by_a_flood() {
        let limit = limiter(2, 60);
        let at = Instant::now();
        for _ in 0..20 {
            limit.check(ANN, at);
        }
        assert!(limit.check(BOB, at).is_allowed());
        assert!(limit.check(BOB, at).is_allowed());
        assert_eq!(limit.check(BOB, at), Admission::FirstRefusal);
    }

    #[test]
    fn the_window_slides_and_lets_the_user_in_again_with_a_fresh_warning() {
        let limit = limiter(2, 60);
        let start = Instant::now();
        assert!(limit.check(ANN, start).is_allowed());
        assert!(limit.check(ANN, start + Duration::from_secs(30)).is_allowed());
        assert_eq!(limit.check(ANN, start + Duration::from_secs(59)), Admission::FirstRefusal);
        // The first message leaves the window: one slot frees up, not two.
        assert!(limit.check(ANN, start + Duration::from_secs(60)).is_allowed());
        assert_eq!(limit.check(ANN, start + Duration::from_secs(61)), Admission::FirstRefusal);
        assert_eq!(limit.check(ANN, start + Duration::from_secs(62)), Admission::Refused);
        assert!(limit.check(ANN, start + Duration::from_secs(90)).is_allowed());
    }

    #[test]
    fn refused_messages_do_not_push_the_window_further() {
        let limit = limiter(1, 10);
        let start = Instant::now();
        assert!(limit.check(ANN, start).is_allowed());
        for s in 1..10 {
            assert!(!limit.check(ANN, start + Duration::from_secs(s)).is_allowed());
        }
        assert!(limit.check(ANN, start + Duration::from_secs(10)).is_allowed());
    }

    #[test]
    fn a_limit_of_zero_lets_everything_through() {
        let limit = RateLimiter::unlimited();
        let at = Instant::now();
        assert!((0..1_000).all(|_| limit.check(ANN, at).is_allowed()));
        assert_eq!(limit.remembered(), 0);
    }

    #[test]
    fn idle_users_are_forgotten_after_a_window() {
        let limit = limiter(5, 10);
        let start = Instant::now();
        for user in 0..100 {
            limit.check(UserId(user), start);
        }
        assert_eq!(limit.remembered(), 100);
        limit.check(ANN, start + Duration::from_secs(25));
        assert_eq!(limit.remembered(), 1, "only the user active in the last window stays");
    }
}
