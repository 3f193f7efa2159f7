//! [`ReadModelLookups`]: the production [`Lookups`], answering from the projections' read
//! models ([`ReadModels`]) after waiting until those projections have passed the store's head,
//! so a lookup always sees the caller's own earlier commands (read-your-writes).
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::lookups::{ActiveGame, LookupError, Lookups};
use crate::discord::{
    HistoryView, LeaderboardKind, LeaderboardView, Period, PlayerStatsView, TeamStatsView,
    LEADERBOARD_SIZE,
};
use crate::domain::{GameId, GuildId, TeamId, UserId};
use crate::projections::{ReadModelError, ReadModels, TeamState, ACTIVE_PLAYERS, PROJECTION_NAMES};
use crate::runtime::{Progress, Runtime, SharedClock};
use crate::store::EventStore;

/// How long a lookup waits for the projections to reach the store's head before it answers
/// from what they hold: they trail by milliseconds, so two seconds means a stalled projection
/// (the health line reports it), and a reply must not hang on it.
pub const READ_MODEL_WAIT: Duration = Duration::from_secs(2);

/// How often the wait looks at the projections' checkpoints.
pub const READ_MODEL_POLL: Duration = Duration::from_millis(5);

/// How many games `history` lists (one Discord message's worth).
pub const HISTORY_SIZE: u32 = 10;

impl From<ReadModelError> for LookupError {
    fn from(error: ReadModelError) -> Self {
        LookupError::Failed(Box::new(error))
    }
}

/// Lookups on the read models, with read-your-writes.
#[derive(Clone)]
pub struct ReadModelLookups {
    read_models: ReadModels,
    store: Arc<dyn EventStore>,
    followed: Vec<Arc<Progress>>,
    /// The active-players projection alone: DM routing waits only for it (the candidates it
    /// gives are checked against the player and game streams anyway).
    active_players: Option<Arc<Progress>>,
    clock: SharedClock,
}

impl ReadModelLookups {
    /// Lookups on `runtime`'s store, waiting on the projections it follows (subscribe them
    /// first: a projection that is not running is not waited for).
    pub fn for_runtime(runtime: &Runtime) -> Self {
        let followed = PROJECTION_NAMES.iter().filter_map(|name| runtime.progress(name)).collect();
        let mut lookups = Self::new(runtime.store().clone(), followed, runtime.clock().clone());
        lookups.active_players = runtime.progress(ACTIVE_PLAYERS);
        lookups
    }

    /// Lookups on `store`'s read models, waiting on the `followed` projections' progress.
    pub fn new(
        store: Arc<dyn EventStore>,
        followed: Vec<Arc<Progress>>,
        clock: SharedClock,
    ) -> Self {
        Self { read_models: ReadModels::new(&store), store, followed, active_players: None, clock }
    }

    /// Waits until every followed projection has handled everything this process appended and
    /// everything the store shows, or [`READ_MODEL_WAIT`] passes.
    async fn settled(&self) -> Result<(), LookupError> {
        self.settled_on(&self.followed).await
    }

    /// Like [`Self::settled`], for the given projections only.
    async fn settled_on(&self, followed: &[Arc<Progress>]) -> Result<(), LookupError> {
        let appended = *self.store.watch_appends().borrow();
        let head = self.store.last_position().await?.max(appended);
        let deadline = tokio::time::Instant::now() + READ_MODEL_WAIT;
        while followed.iter().any(|p| p.checkpoint() < head) {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(store.head = head, "read models lag; answering from what they hold");
                break;
            }
            tokio::time::sleep(READ_MODEL_POLL).await;
        }
        Ok(())
    }
}

#[async_trait]
impl Lookups for ReadModelLookups {
    async fn invitations_for(
        &self,
        guild: GuildId,
        invitee: UserId,
    ) -> Result<Vec<TeamId>, LookupError> {
        self.settled().await?;
        Ok(self.read_models.pending_invitations_for(guild, invitee).await?)
    }

    async fn active_games_of(&self, user: UserId) -> Result<Vec<ActiveGame>, LookupError> {
        match &self.active_players {
            Some(progress) => self.settled_on(std::slice::from_ref(progress)).await?,
            None => self.settled().await?,
        }
        let games = self.read_models.active_games_of(user).await?;
        Ok(games.into_iter().map(|(guild, game)| ActiveGame { guild, game }).collect())
    }

    async fn team_named(&self, guild: GuildId, name: &str) -> Result<Option<TeamId>, LookupError> {
        self.settled().await?;
        let team = self.read_models.team_by_name(guild, name).await?;
        Ok(team
            .filter(|t| matches!(t.state, TeamState::Formed | TeamState::Disbanded))
            .map(|t| t.team_id))
    }

    async fn replay_game(&self, name: &str) -> Result<Option<GameId>, LookupError> {
        self.settled().await?;
        Ok(self.read_models.replay_by_name(name.trim()).await?)
    }

    async fn player_stats(
        &self,
        guild: GuildId,
        player: UserId,
    ) -> Result<Option<PlayerStatsView>, LookupError> {
        self.settled().await?;
        Ok(Some(self.read_models.player_stats(guild, player).await?))
    }

    async fn team_stats(
        &self,
        guild: GuildId,
        team: TeamId,
    ) -> Result<Option<TeamStatsView>, LookupError> {
        self.settled().await?;
        Ok(self.read_models.team_stats(guild, team).await?)
    }

    async fn leaderboard(
        &self,
        guild: GuildId,
        kind: LeaderboardKind,
        period: Period,
    ) -> Result<LeaderboardView, LookupError> {
        self.settled().await?;
        let now = self.clock.now();
        Ok(self.read_models.leaderboard(guild, kind, period, now, LEADERBOARD_SIZE).await?)
    }

    async fn history(
        &self,
        guild: GuildId,
        player: Option<UserId>,
    ) -> Result<HistoryView, LookupError> {
        self.settled().await?;
        Ok(self.read_models.recent_games(guild, player, HISTORY_SIZE).await?)
    }
}
