//! Game lifecycle through the service: opening a lobby (or a Two Player game), joining, leaving,
//! starting and cancelling. The service keeps the cross-stream invariants the game cannot see:
//! one game per channel (the guild's lobby registry) and one active game per player (claims on
//! both players' streams, made before the game hears of the team and released when a later
//! step is refused or the team leaves).
use super::core::{Caller, GameService, Source};
use super::errors::ServiceError;
use super::teams::CurrentTeam;
use crate::domain::game::{
    Game, GameCommand, GameError, GameEvent, GameOptions, GameTimeouts, Mode, Phase, TeamSnapshot,
};
use crate::domain::guild::{Guild, GuildCommand, GuildError};
use crate::domain::player::{Player, PlayerCommand, PlayerError};
use crate::domain::{ChannelId, GameId, GuildId, UserId};
use crate::store::StreamId;

/// What a game command did, with everything a reply needs: the game's state after the command
/// (team names, phase, pairs, ranking) and the events it recorded.
#[derive(Clone, Debug)]
pub struct GameOutcome {
    /// The game.
    pub game_id: GameId,
    /// Its guild.
    pub guild: GuildId,
    /// The events the command recorded on the game stream (the original ones for a duplicate).
    pub events: Vec<GameEvent>,
    /// The game after the command.
    pub game: Game,
    /// True when this source id had already been applied: nothing new happened, and the reply
    /// was already sent the first time.
    pub duplicate: bool,
}

impl GameOutcome {
    /// Whether the command ended the game (a `GameEnded` among its events).
    pub fn ended(&self) -> bool {
        self.events.iter().any(|e| matches!(e, GameEvent::GameEnded { .. }))
    }
}

impl GameService {
    /// Opens every later game with `timeouts` (the deployment's `games.*` settings) instead of
    /// the defaults.
    pub fn with_game_timeouts(mut self, timeouts: GameTimeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The timeouts later games open with.
    pub fn game_timeouts(&self) -> GameTimeouts {
        self.timeouts
    }

    /// `2p`, `knockout`, `race`, `golf`, `longform`: opens a lobby in `channel` (the caller's
    /// team, if any, joins it) or, for Two Player, starts the caller's team's game at once.
    ///
    /// Steps: claim the game on both players' streams (`<source>:claim:<user>`), register it as
    /// the channel's game in the guild (`<source>:open`), create the game with the team's
    /// snapshot (both persisted forbidden lists), the guild's list size and the service's
    /// timeouts (`<source>:create`).
    /// The game id is derived from the source id, so a redelivery names the same game.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user, channel.id = %channel))]
    pub async fn open_game(
        &self,
        caller: &Caller,
        channel: ChannelId,
        options: GameOptions,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let game_id = source.game_id();
        let team = match self.current_team(guild, caller.user).await {
            Ok(team) => Some(team),
            Err(ServiceError::NoTeam) if options.mode() != Mode::TwoPlayer => None,
            Err(ServiceError::NoTeam) => return Err(GameError::TeamRequired.into()),
            Err(other) => return Err(other),
        };
        let guild_stream = StreamId::guild(guild);
        let settings = self.state::<Guild>(guild_stream.clone()).await?;
        // Refuse a busy channel before touching any player stream. A channel held by a game
        // that never got created or is over (an earlier attempt cut short by an outage) is
        // freed instead: a channel is never held by nothing.
        if let Some(open) = settings.channel_game(channel) {
            if open != game_id {
                if !self.free_if_stale(open, &source).await? {
                    return Err(GuildError::ChannelBusy(open).into());
                }
                // A game never created names no channel to free: free this one by name.
                let close = GuildCommand::CloseChannelGame { channel, game: open };
                let step = source.step(&format!("close-stale:{open}"));
                self.run::<Guild>(guild_stream.clone(), close, step).await?;
            }
        }
        let claimed = match &team {
            Some(team) => self.claim(guild, game_id, team.users(), caller.user, &source).await?,
            None => Vec::new(),
        };
        let open = GuildCommand::OpenChannelGame { channel, game: game_id };
        if let Err(refused) =
            self.run::<Guild>(guild_stream.clone(), open, source.step("open")).await
        {
            if !refused.is_transient() {
                self.release(guild, game_id, &claimed, &source).await;
            }
            return Err(refused);
        }
        let creator_team = match &team {
            Some(team) => Some(self.snapshot(guild, team).await?),
            None => None,
        };
        let create = GameCommand::CreateGame {
            game_id,
            guild,
            channel,
            creator: caller.user,
            options,
            creator_team,
            forbidden_list_size: u32::try_from(settings.forbidden_list_size().get())
                .unwrap_or(u32::MAX),
            timeouts: self.timeouts,
        };
        match self.game_step(game_id, guild, create, &source, "create").await {
            Ok(outcome) => Ok(outcome),
            // Resumable: the same input sent again finishes the steps (each is idempotent).
            Err(refused) if refused.is_transient() => Err(refused),
            Err(refused) => {
                self.release(guild, game_id, &claimed, &source).await;
                let close = GuildCommand::CloseChannelGame { channel, game: game_id };
                self.undo::<Guild>(guild_stream, close, source.step("close")).await;
                Err(refused)
            }
        }
    }

    /// `join`: the caller's team joins the lobby of `channel`, after both players claimed it.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user, channel.id = %channel))]
    pub async fn join(
        &self,
        caller: &Caller,
        channel: ChannelId,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let game_id = self.channel_game(guild, channel).await?;
        let team = self.current_team(guild, caller.user).await?;
        let claimed = self.claim(guild, game_id, team.users(), caller.user, &source).await?;
        let snapshot = self.snapshot(guild, &team).await?;
        let join = GameCommand::JoinGame { guild, team: snapshot };
        match self.game_step(game_id, guild, join, &source, "join").await {
            Ok(outcome) => Ok(outcome),
            Err(refused) if refused.is_transient() => Err(refused),
            Err(refused) => {
                self.release(guild, game_id, &claimed, &source).await;
                Err(refused)
            }
        }
    }

    /// `leave`: the caller's team leaves the lobby of `channel`; both players are free again.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user, channel.id = %channel))]
    pub async fn leave(
        &self,
        caller: &Caller,
        channel: ChannelId,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let game_id = self.channel_game(guild, channel).await?;
        let before = self.state::<Game>(StreamId::game(game_id)).await?;
        let players = before.team_of(caller.user).map(|team| team.users());
        let leave = GameCommand::LeaveGame { guild, player: caller.user };
        let outcome = self.game_step(game_id, guild, leave, &source, "leave").await?;
        if let Some(players) = players {
            self.release(guild, game_id, &players, &source).await;
        }
        Ok(outcome)
    }

    /// `start`: the lobby's creator starts the game of `channel`.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user, channel.id = %channel))]
    pub async fn start(
        &self,
        caller: &Caller,
        channel: ChannelId,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let game_id = self.channel_game(guild, channel).await?;
        let start = GameCommand::StartGame { guild, by: caller.user };
        self.game_step(game_id, guild, start, &source, "start").await
    }

    /// `cancel`: the creator (or a member with Manage Server) cancels the lobby or game of
    /// `channel`; the channel and every player in it are free at once.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %caller.user, channel.id = %channel))]
    pub async fn cancel(
        &self,
        caller: &Caller,
        channel: ChannelId,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let guild = caller.require_guild()?;
        let source = Source::new(source_id, Some(caller.user), Some(guild));
        let game_id = self.channel_game(guild, channel).await?;
        let cancel = GameCommand::CancelGame {
            guild,
            by: caller.user,
            has_manage_guild: caller.has_manage_guild,
        };
        let outcome = self.game_step(game_id, guild, cancel, &source, "cancel").await?;
        self.settle_closed(&outcome, &source).await;
        Ok(outcome)
    }

    /// Fires the game's pending timer now, whatever its deadline: for the demo and tests,
    /// which drive time themselves. In production the timers reactor fires each one at its
    /// deadline. `None` when the game has no timer armed.
    #[tracing::instrument(skip_all, fields(source.id = source_id, game.id = %game_id))]
    pub async fn fire_timer(
        &self,
        game_id: GameId,
        source_id: &str,
    ) -> Result<Option<GameOutcome>, ServiceError> {
        let game = self.state::<Game>(StreamId::game(game_id)).await?;
        let (Some(setup), Some((_, timer))) = (game.setup(), game.pending_timer()) else {
            return Ok(None);
        };
        let source = Source::new(source_id, None, Some(setup.guild));
        let outcome = self.game_step(game_id, setup.guild, timer, &source, "timer").await?;
        self.settle_closed(&outcome, &source).await;
        Ok(Some(outcome))
    }

    /// The game registered for `channel`, or [`ServiceError::NoGameHere`].
    pub(super) async fn channel_game(
        &self,
        guild: GuildId,
        channel: ChannelId,
    ) -> Result<GameId, ServiceError> {
        let settings = self.state::<Guild>(StreamId::guild(guild)).await?;
        settings.channel_game(channel).ok_or(ServiceError::NoGameHere)
    }

    /// Runs one step on a game stream and reads the game after it.
    pub(super) async fn game_step(
        &self,
        game_id: GameId,
        guild: GuildId,
        command: GameCommand,
        source: &Source,
        step: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let stream = StreamId::game(game_id);
        let outcome = self.run::<Game>(stream.clone(), command, source.step(step)).await?;
        let game = self.state::<Game>(stream).await?;
        Ok(GameOutcome {
            game_id,
            guild,
            events: outcome.events,
            game,
            duplicate: outcome.duplicate,
        })
    }

    /// Claims `game` on both players' streams, the caller's first; returns the players whose claim this call made
    /// (a player who already held this game's claim keeps it whatever happens next). If the
    /// second claim is refused, the first is released.
    async fn claim(
        &self,
        guild: GuildId,
        game: GameId,
        players: [UserId; 2],
        caller: UserId,
        source: &Source,
    ) -> Result<Vec<UserId>, ServiceError> {
        // The caller first, so their own game is the reason given when both are busy.
        let mut players = players;
        if players[1] == caller {
            players.swap(0, 1);
        }
        let mut claimed = Vec::new();
        for player in players {
            let stream = StreamId::player(guild, player);
            let claim = PlayerCommand::ClaimActiveGame { game };
            let step = source.step(&format!("claim:{player}"));
            let mut claimed_now = self.run::<Player>(stream.clone(), claim.clone(), step).await;
            if let Err(ServiceError::Player(PlayerError::AlreadyInGame(other))) = &claimed_now {
                let other = *other;
                if other != game && self.free_if_stale(other, source).await? {
                    let release = PlayerCommand::ReleaseActiveGame { game: other };
                    let stale = source.step(&format!("release-stale:{other}:{player}"));
                    self.run::<Player>(stream.clone(), release, stale).await?;
                    let step = source.step(&format!("claim-again:{player}"));
                    claimed_now = self.run::<Player>(stream, claim, step).await;
                }
            }
            match claimed_now {
                Ok(outcome) if outcome.events.is_empty() => {}
                Ok(_) => claimed.push(player),
                // Resumable: the same input sent again claims where this one stopped.
                Err(failed) if failed.is_transient() => return Err(failed),
                Err(refused) => {
                    self.release(guild, game, &claimed, source).await;
                    return Err(match refused {
                        ServiceError::Player(PlayerError::AlreadyInGame(_)) if player != caller => {
                            ServiceError::PartnerInAnotherGame(player)
                        }
                        other => other,
                    });
                }
            }
        }
        Ok(claimed)
    }

    /// Releases `game` on the players' streams (`<source>:release:<user>`); a no-op for a
    /// player whose active game is another one.
    async fn release(&self, guild: GuildId, game: GameId, players: &[UserId], source: &Source) {
        for player in players {
            let release = PlayerCommand::ReleaseActiveGame { game };
            let step = source.step(&format!("release:{player}"));
            self.undo::<Player>(StreamId::player(guild, *player), release, step).await;
        }
    }

    /// After a command that ended or cancelled the game: frees its channel and releases every
    /// player still in it, so the players' next command sees them free. The reactors do the
    /// same for the end of a game (all of these steps are idempotent), which also covers games
    /// that end on a timer.
    pub(super) async fn settle_closed(&self, outcome: &GameOutcome, source: &Source) {
        if !outcome.game.phase().is_closed() || outcome.events.is_empty() {
            return;
        }
        let Some(setup) = outcome.game.setup() else { return };
        let close =
            GuildCommand::CloseChannelGame { channel: setup.channel, game: outcome.game_id };
        self.undo::<Guild>(StreamId::guild(setup.guild), close, source.step("close")).await;
        let players: Vec<UserId> =
            outcome.game.teams().iter().flat_map(|team| team.users()).collect();
        self.release(setup.guild, outcome.game_id, &players, source).await;
    }

    /// Whether a claim or a channel held for `game_id` is stale, freeing what it can: true for a
    /// game that was never created (an open cut short by an outage; the caller frees the claim
    /// or channel it met by name) and for a closed game, whose channel and players' claims are
    /// freed here; false (changing nothing) while the game is open. A game that ends or closes
    /// on a timer is freed by the active-games reactor a moment later; this does the same
    /// idempotent steps at once, so the players who open the next game right after the `Game
    /// over` or the lobby's closing line are not told the channel or a partner is busy.
    async fn free_if_stale(&self, game_id: GameId, source: &Source) -> Result<bool, ServiceError> {
        let game = self.state::<Game>(StreamId::game(game_id)).await?;
        let Some(setup) = game.setup() else { return Ok(true) };
        if !game.phase().is_closed() {
            return Ok(false);
        }
        let close = GuildCommand::CloseChannelGame { channel: setup.channel, game: game_id };
        let step = source.step(&format!("free:{game_id}:close"));
        self.undo::<Guild>(StreamId::guild(setup.guild), close, step).await;
        for player in game.teams().iter().flat_map(|team| team.users()) {
            let release = PlayerCommand::ReleaseActiveGame { game: game_id };
            let step = source.step(&format!("free:{game_id}:release:{player}"));
            self.undo::<Player>(StreamId::player(setup.guild, player), release, step).await;
        }
        Ok(true)
    }

    /// The team as it enters a game: its players and their persisted forbidden lists.
    async fn snapshot(
        &self,
        guild: GuildId,
        team: &CurrentTeam,
    ) -> Result<TeamSnapshot, ServiceError> {
        let mut forbidden: [Vec<String>; 2] = Default::default();
        for (list, user) in forbidden.iter_mut().zip(team.users()) {
            let player = self.state::<Player>(StreamId::player(guild, user)).await?;
            *list = player.forbidden().words().map(|word| word.as_str().to_owned()).collect();
        }
        Ok(TeamSnapshot {
            team_id: team.id,
            name: team.name.to_string(),
            players: team.users(),
            forbidden,
        })
    }
}

/// Whether a game still takes players' commands.
pub(super) fn is_open(game: &Game) -> bool {
    matches!(game.phase(), Phase::Lobby | Phase::Running)
}
