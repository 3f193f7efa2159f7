//! Read-only questions a reply needs (status, settings, statistics, replays) and the one guild
//! setting a member changes (`prefix`). Stream state answers whatever a known stream holds
//! (the channel's game, the prefix); [`Lookups`](super::Lookups) answers the rest.
use super::core::{Caller, GameService, Source};
use super::errors::{internal, ServiceError};
use super::lookups::LookupError;
use crate::discord::{HistoryView, LeaderboardView, PlayerStatsView, ReplayStory, TeamStatsView};
use crate::discord::{LeaderboardKind, Period, ReplayTarget, StatsTarget};
use crate::domain::game::{Game, GameEvent};
use crate::domain::guild::{Guild, GuildCommand, Prefix};
use crate::domain::player::ForbiddenListSize;
use crate::domain::{ChannelId, GameId, GuildId, UserId};
use crate::store::{Codec, StreamId};

/// A guild's settings as a reply shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuildSettings {
    /// The command prefix.
    pub prefix: Prefix,
    /// The forbidden list size of its players.
    pub forbidden_list_size: ForbiddenListSize,
}

/// The answer to `stats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatsReply {
    /// A player's statistics (zero games when they finished none).
    Player(PlayerStatsView),
    /// A team's statistics (zero games when it finished none).
    Team(TeamStatsView),
    /// `stats team` from a player without a team.
    NoTeam(UserId),
}

/// What `change_prefix` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixOutcome {
    /// The prefix now.
    pub prefix: Prefix,
    /// Whether it changed (setting the current prefix again changes nothing).
    pub changed: bool,
    /// True when this source id had already changed it.
    pub duplicate: bool,
}

/// Maps a lookup failure: an unsupported read model is a plain "not available", anything else
/// is logged and hidden.
pub(super) fn from_lookup(error: LookupError) -> ServiceError {
    match error {
        LookupError::Unsupported(what) => ServiceError::QueryUnavailable { what },
        LookupError::Failed(ref cause) => internal("lookup", cause.as_ref()),
    }
}

impl GameService {
    /// `status` in a channel: its lobby or running game, `None` when it has none.
    pub async fn channel_status(
        &self,
        guild: GuildId,
        channel: ChannelId,
    ) -> Result<Option<Game>, ServiceError> {
        let settings = self.state::<Guild>(StreamId::guild(guild)).await?;
        match settings.channel_game(channel) {
            Some(game) => Ok(Some(self.state::<Game>(StreamId::game(game)).await?)),
            None => Ok(None),
        }
    }

    /// The guild's command prefix.
    pub async fn prefix(&self, guild: GuildId) -> Result<Prefix, ServiceError> {
        Ok(self.state::<Guild>(StreamId::guild(guild)).await?.prefix().clone())
    }

    /// The guild's settings.
    pub async fn guild_settings(&self, guild: GuildId) -> Result<GuildSettings, ServiceError> {
        let state = self.state::<Guild>(StreamId::guild(guild)).await?;
        Ok(GuildSettings {
            prefix: state.prefix().clone(),
            forbidden_list_size: state.forbidden_list_size(),
        })
    }

    /// `prefix <new>`: needs Manage Server (the guild checks it) (`<source>:prefix`).
    pub async fn change_prefix(
        &self,
        caller: &Caller,
        prefix: Prefix,
        source_id: &str,
    ) -> Result<PrefixOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let change = GuildCommand::ChangePrefix {
            by: caller.user,
            has_manage_guild: caller.has_manage_guild,
            prefix: prefix.clone(),
        };
        let outcome =
            self.run::<Guild>(StreamId::guild(guild), change, source.step("prefix")).await?;
        Ok(PrefixOutcome {
            prefix,
            changed: !outcome.events.is_empty(),
            duplicate: outcome.duplicate,
        })
    }

    /// `stats [@player]` or `stats team [name]`, asked by `asker` in `guild`.
    pub async fn stats(
        &self,
        guild: GuildId,
        asker: UserId,
        target: &StatsTarget,
    ) -> Result<StatsReply, ServiceError> {
        match target {
            StatsTarget::Player(player) => {
                let player = player.unwrap_or(asker);
                let view = self.lookups.player_stats(guild, player).await.map_err(from_lookup)?;
                Ok(StatsReply::Player(view.unwrap_or_else(|| empty_player_stats(player))))
            }
            StatsTarget::Team(None) => match self.current_team(guild, asker).await {
                Ok(team) => self.team_stats(guild, team.id).await,
                Err(ServiceError::NoTeam) => Ok(StatsReply::NoTeam(asker)),
                Err(other) => Err(other),
            },
            StatsTarget::Team(Some(name)) => {
                let team = self.lookups.team_named(guild, name).await.map_err(from_lookup)?;
                let team = team.ok_or_else(|| ServiceError::TeamNotFound(name.to_string()))?;
                self.team_stats(guild, team).await
            }
        }
    }

    async fn team_stats(
        &self,
        guild: GuildId,
        team: crate::domain::TeamId,
    ) -> Result<StatsReply, ServiceError> {
        if let Some(view) = self.lookups.team_stats(guild, team).await.map_err(from_lookup)? {
            return Ok(StatsReply::Team(view));
        }
        let current = self.team_by_id(guild, team).await?.ok_or(ServiceError::NoTeam)?;
        Ok(StatsReply::Team(TeamStatsView {
            name: current.name.to_string(),
            members: current.users(),
            games: 0,
            wins: 0,
            matches: 0,
            matched_guesses: 0,
            perfect_rounds: 0,
            win_streak: 0,
        }))
    }

    /// `leaderboard [players|teams] [day|week|month|all]`.
    pub async fn leaderboard(
        &self,
        guild: GuildId,
        kind: LeaderboardKind,
        period: Period,
    ) -> Result<LeaderboardView, ServiceError> {
        self.lookups.leaderboard(guild, kind, period).await.map_err(from_lookup)
    }

    /// `history [@player]`: recent finished games of the guild or of one player in it.
    pub async fn history(
        &self,
        guild: GuildId,
        player: Option<UserId>,
    ) -> Result<HistoryView, ServiceError> {
        self.lookups.history(guild, player).await.map_err(from_lookup)
    }

    /// `replay <name or id>` asked in `guild`: the finished game told round by round, read from
    /// its stream.
    ///
    /// Decision (rules silent): a replay is told only in the guild the game was played in. A
    /// name or id of another guild's game gets the same [`ServiceError::ReplayNotFound`] as one
    /// that names nothing, so a reply never reveals what other servers play. Names are unique
    /// across guilds, so no guild's name can hide another's.
    pub async fn replay(
        &self,
        guild: GuildId,
        target: &ReplayTarget,
    ) -> Result<ReplayStory, ServiceError> {
        let (game, shown) = match target {
            ReplayTarget::Game(game) => (Some(*game), game.to_string()),
            ReplayTarget::Name(name) => {
                (self.lookups.replay_game(name).await.map_err(from_lookup)?, name.clone())
            }
        };
        let not_found = || ServiceError::ReplayNotFound(shown.clone());
        let game = game.ok_or_else(not_found)?;
        let events = self.game_events(game).await?;
        let played_here = events.iter().any(|e| {
            matches!(e, GameEvent::GameCreated { guild: created_in, .. } if *created_in == guild)
        });
        if !played_here {
            return Err(not_found());
        }
        let finished = events.iter().any(|e| matches!(e, GameEvent::GameEnded { .. }));
        if !finished {
            return Err(not_found());
        }
        let name = events
            .iter()
            .find_map(|e| match e {
                GameEvent::ReplayNamed { name } => Some(name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| game.to_string());
        ReplayStory::from_events(&name, &events).ok_or_else(not_found)
    }

    /// Every event of a game stream, decoded.
    async fn game_events(&self, game: GameId) -> Result<Vec<GameEvent>, ServiceError> {
        let recorded = self
            .store
            .read_stream(&StreamId::game(game), 1)
            .await
            .map_err(|e| internal("reading a game for a replay", &e))?;
        let codec = Codec::<GameEvent>::new();
        recorded
            .iter()
            .map(|event| codec.decode(event))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| internal("decoding a game for a replay", &e))
    }
}

fn empty_player_stats(player: UserId) -> PlayerStatsView {
    PlayerStatsView {
        player,
        games: 0,
        wins: 0,
        matches: 0,
        matched_guesses: 0,
        perfect_rounds: 0,
        best_partner: None,
    }
}
