//! [`ReadModels`]: the query side for the Discord layer, the demo and the CLI. Each method
//! reads one or two read models on the store's pool and returns a plain struct (the render
//! module's views where one fits). Read models trail the log slightly; a caller that must see
//! its own command waits for the subscriptions first (`Runtime::wait_for_subscriptions`).
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::error::ReadModelError;
use super::games::{self, GameView};
use super::sql::PooledConn;
use super::teams::{self, TeamView};
use super::{active_players, game_results, player_stats, replays, team_stats};
use crate::discord::{Contender, HistoryView, LeaderboardView, PlayerStatsView, TeamStatsView};
use crate::discord::{LeaderboardKind, Period};
use crate::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use crate::store::{EventStore, ReadPool};

/// Queries over every read model.
#[derive(Clone, Debug)]
pub struct ReadModels {
    pool: ReadPool,
}

impl ReadModels {
    /// Queries on `store`'s database.
    pub fn new(store: &Arc<dyn EventStore>) -> Self {
        Self { pool: store.read_pool() }
    }

    async fn conn(&self) -> Result<PooledConn, ReadModelError> {
        Ok(PooledConn::acquire(&self.pool).await?)
    }

    /// One game by id, with its teams.
    pub async fn game(&self, game: GameId) -> Result<Option<GameView>, ReadModelError> {
        games::game(&mut self.conn().await?.conn(), game).await
    }

    /// The open (lobby or running) game in a channel, if any.
    pub async fn open_game_in_channel(
        &self,
        guild: GuildId,
        channel: ChannelId,
    ) -> Result<Option<GameView>, ReadModelError> {
        games::open_game_in_channel(&mut self.conn().await?.conn(), guild, channel).await
    }

    /// The games `user` is in, as (guild, game), one per guild at most.
    pub async fn active_games_of(
        &self,
        user: UserId,
    ) -> Result<Vec<(GuildId, GameId)>, ReadModelError> {
        active_players::active_games_of(&mut self.conn().await?.conn(), user).await
    }

    /// Up to `limit` finished games of a guild, or of one player there, newest first.
    pub async fn recent_games(
        &self,
        guild: GuildId,
        player: Option<UserId>,
        limit: u32,
    ) -> Result<HistoryView, ReadModelError> {
        games::recent_games(&mut self.conn().await?.conn(), guild, player, limit).await
    }

    /// A player's statistics in a guild (all zero before their first finished game).
    pub async fn player_stats(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<PlayerStatsView, ReadModelError> {
        player_stats::player_stats(&mut self.conn().await?.conn(), guild, user).await
    }

    /// A team's statistics under its current name; zero counts for a known team that has not
    /// finished a game; `None` for a team neither read model knows in this guild (a team of
    /// another guild included: statistics never cross guilds).
    pub async fn team_stats(
        &self,
        guild: GuildId,
        team: TeamId,
    ) -> Result<Option<TeamStatsView>, ReadModelError> {
        let mut held = self.conn().await?;
        let mut c = held.conn();
        let known = teams::team(&mut c, team).await?.filter(|t| t.guild == guild);
        let stats = team_stats::team_stats(&mut c, guild, team).await?;
        Ok(match (stats, known) {
            (Some(mut stats), Some(team)) => {
                stats.name = team.name;
                Some(stats)
            }
            (Some(stats), None) => Some(stats),
            (None, Some(team)) => Some(TeamStatsView {
                name: team.name,
                members: team.members,
                games: 0,
                wins: 0,
                matches: 0,
                matched_guesses: 0,
                perfect_rounds: 0,
                win_streak: 0,
            }),
            (None, None) => None,
        })
    }

    /// The team called `name` in a guild, case-insensitively.
    pub async fn team_by_name(
        &self,
        guild: GuildId,
        name: &str,
    ) -> Result<Option<TeamView>, ReadModelError> {
        teams::team_by_name(&mut self.conn().await?.conn(), guild, name).await
    }

    /// One team by id.
    pub async fn team(&self, team: TeamId) -> Result<Option<TeamView>, ReadModelError> {
        teams::team(&mut self.conn().await?.conn(), team).await
    }

    /// Teams whose invitation to `invitee` in `guild` is still pending (not accepted, not
    /// expired by its timer), oldest first.
    pub async fn pending_invitations_for(
        &self,
        guild: GuildId,
        invitee: UserId,
    ) -> Result<Vec<TeamId>, ReadModelError> {
        teams::pending_invitations_for(&mut self.conn().await?.conn(), guild, invitee).await
    }

    /// The formed team `user` is in, in a guild.
    pub async fn current_team(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> Result<Option<TeamView>, ReadModelError> {
        teams::current_team(&mut self.conn().await?.conn(), guild, user).await
    }

    /// The top `limit` players or teams of a guild by wins, then win rate, over a period ending
    /// at `now`; teams show their current name.
    pub async fn leaderboard(
        &self,
        guild: GuildId,
        kind: LeaderboardKind,
        period: Period,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<LeaderboardView, ReadModelError> {
        let mut held = self.conn().await?;
        let mut c = held.conn();
        let (mut view, team_ids) =
            game_results::leaderboard(&mut c, guild, kind, period, now, limit).await?;
        for (row, team) in view.rows.iter_mut().zip(team_ids) {
            if let Some(current) = teams::team(&mut c, team).await? {
                row.who = Contender::Team(current.name);
            }
        }
        Ok(view)
    }

    /// The game a replay name belongs to, whatever its case.
    pub async fn replay_by_name(&self, name: &str) -> Result<Option<GameId>, ReadModelError> {
        replays::replay_by_name(&mut self.conn().await?.conn(), name).await
    }

    /// A game's replay name, once it has one.
    pub async fn replay_name_of(&self, game: GameId) -> Result<Option<String>, ReadModelError> {
        replays::replay_name_of(&mut self.conn().await?.conn(), game).await
    }
}
