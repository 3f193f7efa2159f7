//! A decision in progress: a scratch copy of the state that every emitted event is applied to at
//! once, so a rule that runs after an earlier event (a match ending a round, a round ending the
//! game) sees exactly the state replay will see. It also holds the command's time, word service
//! and the one random source, seeded from the context.
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::errors::GameError;
use super::events::GameEvent;
use super::options::{GameOptions, Mode};
use super::state::{Game, GameSetup, TeamInGame};
use crate::domain::words::WordService;
use crate::domain::{Aggregate, Ctx, TeamId};

/// The scratch state and the events decided so far.
pub(super) struct Decision<'c> {
    state: Game,
    events: Vec<GameEvent>,
    /// When the command is decided.
    pub now: DateTime<Utc>,
    /// The word lists and matcher.
    pub words: &'c WordService,
    /// The dealing source; one stream per command so several deals in one command differ.
    pub rng: StdRng,
}

impl<'c> Decision<'c> {
    pub(super) fn new(state: Game, ctx: &Ctx<'c>) -> Self {
        Decision {
            state,
            events: Vec::new(),
            now: ctx.now,
            words: ctx.words,
            rng: StdRng::seed_from_u64(ctx.seed),
        }
    }

    /// The state with every event decided so far applied.
    pub(super) fn state(&self) -> &Game {
        &self.state
    }

    /// Records an event and folds it into the scratch state.
    pub(super) fn emit(&mut self, event: GameEvent) {
        self.state.apply(&event);
        self.events.push(event);
    }

    /// The events decided.
    pub(super) fn into_events(self) -> Vec<GameEvent> {
        self.events
    }

    /// The game's set-up; every command but `CreateGame` needs one.
    pub(super) fn setup(&self) -> Result<&GameSetup, GameError> {
        self.state.setup().ok_or(GameError::NoSuchGame)
    }

    /// The game's options.
    pub(super) fn options(&self) -> Result<GameOptions, GameError> {
        Ok(self.setup()?.options)
    }

    /// The game's mode.
    pub(super) fn mode(&self) -> Result<Mode, GameError> {
        Ok(self.options()?.mode())
    }

    /// The team with `team_id` in the scratch state.
    pub(super) fn team(&self, team_id: TeamId) -> Option<&TeamInGame> {
        self.state.teams().iter().find(|t| t.team_id == team_id)
    }

    /// The ids of the teams still in the game, in joining order.
    pub(super) fn alive_teams(&self) -> Vec<TeamId> {
        self.state.teams().iter().filter(|t| t.status.is_alive()).map(|t| t.team_id).collect()
    }
}
