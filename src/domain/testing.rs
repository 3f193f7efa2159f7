//! A given/when/then harness for aggregate tests: `given(events)`, `when(command)`, then assert
//! the emitted events or the refusal. Each aggregate has an alias (`type GameTest =
//! AggregateTest<Game>`).
use chrono::{DateTime, TimeZone, Utc};

use super::words::WordService;
use super::{Aggregate, Ctx};

/// A fixed instant tests decide at unless they move the clock.
pub fn test_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a valid fixed date")
}

/// One aggregate test: the state built from the given events, and the context to decide in.
pub struct AggregateTest<A: Aggregate> {
    state: A,
    now: DateTime<Utc>,
    seed: u64,
}

impl<A: Aggregate> AggregateTest<A> {
    /// Starts from the state that folding `events` from `Default` gives.
    pub fn given(events: impl IntoIterator<Item = A::Event>) -> Self {
        let mut state = A::default();
        for event in events {
            state.apply(&event);
        }
        Self { state, now: test_epoch(), seed: 7 }
    }

    /// Starts from the default state (no events).
    pub fn given_no_previous_events() -> Self {
        Self::given(Vec::new())
    }

    /// Decides at a given time.
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// Decides with a given random seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The state the given events built.
    pub fn state(&self) -> &A {
        &self.state
    }

    /// Decides `command` against the given state.
    pub fn when(self, command: A::Command) -> AggregateResult<A> {
        let ctx = Ctx { now: self.now, seed: self.seed, words: WordService::embedded() };
        let result = self.state.decide(&command, &ctx);
        AggregateResult { state: self.state, result }
    }
}

/// The outcome of one `when`.
pub struct AggregateResult<A: Aggregate> {
    state: A,
    result: Result<Vec<A::Event>, A::Error>,
}

impl<A: Aggregate> AggregateResult<A> {
    /// Asserts the command was accepted and emitted exactly `expected`.
    #[track_caller]
    pub fn then_expect_events(self, expected: Vec<A::Event>) {
        match self.result {
            Ok(events) => assert_eq!(events, expected, "emitted events differ"),
            Err(error) => panic!("expected events {expected:?}, got error {error:?}"),
        }
    }

    /// Asserts the command was refused with exactly `expected`.
    #[track_caller]
    pub fn then_expect_error(self, expected: A::Error)
    where
        A::Error: PartialEq,
    {
        match self.result {
            Ok(events) => panic!("expected error {expected:?}, got events {events:?}"),
            Err(error) => assert_eq!(error, expected),
        }
    }

    /// The emitted events, for assertions that do not fit `then_expect_events`; panics on a
    /// refusal.
    #[track_caller]
    pub fn events(self) -> Vec<A::Event> {
        match self.result {
            Ok(events) => events,
            Err(error) => panic!("expected events, got error {error:?}"),
        }
    }

    /// The state after folding the emitted events; panics on a refusal.
    #[track_caller]
    pub fn state_after(self) -> A {
        let mut state = self.state;
        match self.result {
            Ok(events) => {
                for event in &events {
                    state.apply(event);
                }
                state
            }
            Err(error) => panic!("expected events, got error {error:?}"),
        }
    }
}
