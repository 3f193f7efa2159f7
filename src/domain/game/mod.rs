//! The Game aggregate: one game of Word Match in any of its five modes, from lobby to result.
//! Commands are decided against the rule book (game-rules.md); events record every fact,
//! including dealt pairs, deadlines, eliminations and the final ranking.
mod commands;
mod deal;
mod decision;
mod errors;
mod events;
mod lifecycle;
mod modes;
mod options;
mod play;
mod state;
mod timeouts;

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;

pub use commands::{GameCommand, TeamSnapshot, DEFAULT_FORBIDDEN_LIST_SIZE};
pub use errors::{ForbiddenBy, GameError};
pub use events::{
    EliminationFact, EliminationReason, EndReason, GameEvent, GivenAnswer, GuessResult,
    TeamRoundResult, TeamStanding,
};
pub use options::{
    ClockOptions, GameOptions, GuessLimit, KnockoutOptions, LongformOptions, Mode, OptionError,
    RoundDelaySeconds, RoundHours, RoundSeconds, Rounds, Threshold, TimeSeconds, TwoPlayerOptions,
    UnknownMode, MAX_TEAMS,
};
pub use state::{Game, GameSetup, PendingAnswer, Phase, PlayerInGame, TeamInGame, TeamStatus};
pub use timeouts::{
    idle_period, GameTimeouts, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_LOBBY_TIMEOUT_SECONDS,
};
