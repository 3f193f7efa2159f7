//! The catalog of projections: every read model's subscriber under its stable name, so start-up
//! subscribes them all and `gamebot projections` can name them.
use std::sync::Arc;

use super::active_players::{ActivePlayersProjection, ACTIVE_PLAYERS};
use super::game_results::{GameResultsProjection, GAME_RESULTS};
use super::games::{GamesProjection, GAMES};
use super::player_stats::{PlayerStatsProjection, PLAYER_STATS};
use super::replays::{ReplaysProjection, REPLAYS};
use super::team_stats::{TeamStatsProjection, TEAM_STATS};
use super::teams::{TeamsProjection, TEAMS};
use crate::runtime::Subscriber;

/// Every projection's checkpoint name, in the order they are listed and rebuilt.
pub const PROJECTION_NAMES: [&str; 7] =
    [GAMES, TEAMS, PLAYER_STATS, TEAM_STATS, GAME_RESULTS, REPLAYS, ACTIVE_PLAYERS];

/// A fresh subscriber for every read model, in [`PROJECTION_NAMES`] order.
pub fn all_projections() -> Vec<Arc<dyn Subscriber>> {
    vec![
        Arc::new(GamesProjection),
        Arc::new(TeamsProjection),
        Arc::new(PlayerStatsProjection),
        Arc::new(TeamStatsProjection),
        Arc::new(GameResultsProjection),
        Arc::new(ReplaysProjection),
        Arc::new(ActivePlayersProjection),
    ]
}

/// The projection called `name`, if there is one.
pub fn projection_named(name: &str) -> Option<Arc<dyn Subscriber>> {
    all_projections().into_iter().find(|p| p.name() == name)
}
