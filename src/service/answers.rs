//! Direct messages through the service: answers, `give up` and `status` carry no guild, so the
//! service first finds the player's active game. Candidates come from
//! [`Lookups::active_games_of`](super::Lookups) and each is confirmed on the player's own stream
//! (the authoritative claim) and the game's stream before a command is sent.
use chrono::{DateTime, Utc};

use super::core::{GameService, Source};
use super::errors::ServiceError;
use super::games::{is_open, GameOutcome};
use super::queries::from_lookup;
use crate::domain::game::{Game, GameCommand, Phase};
use crate::domain::player::Player;
use crate::domain::{GameId, GuildId, UserId};
use crate::store::StreamId;

/// The game a player's DMs go to, as it stands.
#[derive(Clone, Debug)]
pub struct PlayerGame {
    /// The game's guild.
    pub guild: GuildId,
    /// The game.
    pub game_id: GameId,
    /// Its state (render the player's pair and count from it).
    pub game: Game,
}

impl GameService {
    /// A DM answer: routed to the caller's active game as `SubmitAnswer` (`<source>:answer`).
    /// The outcome's events say what happened: `AnswerAccepted` (waiting for the partner) or a
    /// resolved pair, possibly ending the game.
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %user))]
    pub async fn answer(
        &self,
        user: UserId,
        raw: &str,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let target = self.active_game(user).await?.ok_or(ServiceError::NotInAGame)?;
        let source = Source::new(source_id, Some(user), Some(target.guild));
        let submit =
            GameCommand::SubmitAnswer { guild: target.guild, player: user, raw: raw.to_owned() };
        let outcome =
            self.game_step(target.game_id, target.guild, submit, &source, "answer").await?;
        self.settle_closed(&outcome, &source).await;
        Ok(outcome)
    }

    /// A DM `give up`: abandons the pair (Race, Golf Race) or forfeits (Knockout)
    /// (`<source>:give-up`).
    #[tracing::instrument(skip_all, fields(source.id = source_id, user.id = %user))]
    pub async fn give_up(
        &self,
        user: UserId,
        source_id: &str,
    ) -> Result<GameOutcome, ServiceError> {
        let target = self.active_game(user).await?.ok_or(ServiceError::NotInAGame)?;
        let source = Source::new(source_id, Some(user), Some(target.guild));
        let give_up = GameCommand::GiveUp { guild: target.guild, player: user };
        let outcome =
            self.game_step(target.game_id, target.guild, give_up, &source, "give-up").await?;
        self.settle_closed(&outcome, &source).await;
        Ok(outcome)
    }

    /// A DM `status`: the caller's active game, or `None` when they are in none (the renderer
    /// says so).
    pub async fn dm_status(&self, user: UserId) -> Result<Option<PlayerGame>, ServiceError> {
        self.active_game(user).await
    }

    /// The game a player's DMs go to.
    ///
    /// Decision: a player claims one game per guild, so one person can be in games in several
    /// guilds at once. DMs then go to a running game before a lobby (a lobby takes no answers),
    /// and among running games to the one that showed the player's team its current pair most
    /// recently (the game that last asked them something).
    pub async fn active_game(&self, user: UserId) -> Result<Option<PlayerGame>, ServiceError> {
        let candidates = self.lookups.active_games_of(user).await.map_err(from_lookup)?;
        let mut best: Option<(RoutingRank, PlayerGame)> = None;
        for candidate in candidates {
            let player = self.state::<Player>(StreamId::player(candidate.guild, user)).await?;
            if player.active_game() != Some(candidate.game) {
                continue;
            }
            let game = self.state::<Game>(StreamId::game(candidate.game)).await?;
            if !is_open(&game) {
                continue;
            }
            let rank = RoutingRank {
                running: game.phase() == Phase::Running,
                pair_shown_at: game.team_of(user).and_then(|team| team.pair_shown_at),
            };
            if best.as_ref().is_none_or(|(so_far, _)| rank > *so_far) {
                let found = PlayerGame { guild: candidate.guild, game_id: candidate.game, game };
                best = Some((rank, found));
            }
        }
        Ok(best.map(|(_, game)| game))
    }
}

/// How strongly a game claims a player's DMs; greater wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct RoutingRank {
    running: bool,
    pair_shown_at: Option<DateTime<Utc>>,
}
