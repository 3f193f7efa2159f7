//! Projections: the read models built from the event log. Each read model is a [`Subscriber`]
//! (`crate::runtime::Subscriber`) that copies facts out of events into its own tables inside the
//! subscription's batch transaction, so a read model and its checkpoint always commit together,
//! and every one can be rebuilt from the whole log. [`ReadModels`] is the query side.
//!
//! [`Subscriber`]: crate::runtime::Subscriber
mod active_players;
mod catalog;
mod error;
mod events;
mod game_results;
mod games;
mod player_stats;
mod read_models;
mod rebuild;
mod replays;
mod sql;
mod team_stats;
mod teams;

pub use active_players::{ActivePlayersProjection, ACTIVE_PLAYERS};
pub use catalog::{all_projections, projection_named, PROJECTION_NAMES};
pub use error::ReadModelError;
pub use game_results::{period_start, GameResultsProjection, GAME_RESULTS};
pub use games::{GameStatus, GameTeamView, GameView, GamesProjection, GAMES};
pub use player_stats::{PlayerStatsProjection, PLAYER_STATS};
pub use read_models::ReadModels;
pub use rebuild::{projection_status, rebuild, rebuild_one, ProjectionStatus, RebuildReport};
pub use replays::{ReplaysProjection, REPLAYS};
pub use team_stats::{TeamStatsProjection, TEAM_STATS};
pub use teams::{TeamNameEntry, TeamState, TeamView, TeamsProjection, TEAMS};
