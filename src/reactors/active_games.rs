//! The active-games process manager: a player plays one game at a time. Claims are made by the
//! caller before a team enters a game (so a refused claim never leaves a team in a lobby); this
//! reactor releases them: a team that leaves the lobby or is eliminated is free at once, and
//! when the game ends, is cancelled or its lobby expires, every player is released and the
//! channel is closed.
use std::sync::Arc;

use async_trait::async_trait;

use super::common::{caused_by, decode, game_as_of, game_event_among, sent};
use crate::domain::game::{Game, GameEvent};
use crate::domain::guild::{Guild, GuildCommand};
use crate::domain::player::{Player, PlayerCommand};
use crate::domain::{GameId, TeamId, UserId};
use crate::runtime::{HandleError, RegistryHandle, Subscriber};
use crate::store::{Codec, EventStore, RecordedEvent, StreamId};

/// The checkpoint name of the active-games reactor.
pub const ACTIVE_GAMES: &str = "reactor.active_games";

/// Releases players' active games and closes channel games.
pub struct ActiveGamesReactor {
    registry: RegistryHandle,
    store: Arc<dyn EventStore>,
    codec: Codec<GameEvent>,
}

impl ActiveGamesReactor {
    /// A reactor reading games from `store` and sending through `registry`.
    pub fn new(registry: RegistryHandle, store: Arc<dyn EventStore>) -> Arc<Self> {
        Arc::new(Self { registry, store, codec: Codec::new() })
    }

    async fn release(
        &self,
        event: &RecordedEvent,
        state: &Game,
        game: GameId,
        players: &[UserId],
    ) -> Result<(), HandleError> {
        let Some(setup) = state.setup() else { return Ok(()) };
        for player in players {
            let meta = caused_by(ACTIVE_GAMES, "release", event, setup.guild);
            let stream = StreamId::player(setup.guild, *player);
            let command = PlayerCommand::ReleaseActiveGame { game };
            sent(
                "releasing the active game",
                self.registry.execute::<Player>(stream, command, meta).await,
            )?;
        }
        Ok(())
    }

    fn players_of(state: &Game, team: TeamId) -> Vec<UserId> {
        state.teams().iter().filter(|t| t.team_id == team).flat_map(|t| t.users()).collect()
    }
}

#[async_trait]
impl Subscriber for ActiveGamesReactor {
    fn name(&self) -> &'static str {
        ACTIVE_GAMES
    }

    #[tracing::instrument(level = "debug", skip_all, fields(
        reactor = ACTIVE_GAMES, stream.id = %event.stream_id, event.type = %event.event_type,
        event.position = event.position
    ))]
    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let types = ["TeamLeft", "TeamEliminated", "GameEnded", "GameCancelled", "LobbyExpired"];
        let Some(game) = game_event_among(event, &types)? else { return Ok(()) };
        let stream = &event.stream_id;
        match decode(&self.codec, event)? {
            GameEvent::TeamLeft { team_id, .. } => {
                // The team is gone from the state after the event; read it from just before.
                let before = event.stream_version.saturating_sub(1);
                let state = game_as_of(&*self.store, &self.codec, stream, before).await?;
                self.release(event, &state, game, &Self::players_of(&state, team_id)).await
            }
            GameEvent::TeamEliminated { team_id, .. } => {
                // Decision: an eliminated team is free at once (a Longform elimination would
                // otherwise keep its players out of every other game for days).
                let state =
                    game_as_of(&*self.store, &self.codec, stream, event.stream_version).await?;
                self.release(event, &state, game, &Self::players_of(&state, team_id)).await
            }
            GameEvent::GameEnded { .. }
            | GameEvent::GameCancelled { .. }
            | GameEvent::LobbyExpired { .. } => {
                let state =
                    game_as_of(&*self.store, &self.codec, stream, event.stream_version).await?;
                let players: Vec<UserId> = state.teams().iter().flat_map(|t| t.users()).collect();
                self.release(event, &state, game, &players).await?;
                let Some(setup) = state.setup() else { return Ok(()) };
                let meta = caused_by(ACTIVE_GAMES, "close", event, setup.guild);
                let command = GuildCommand::CloseChannelGame { channel: setup.channel, game };
                let result = self
                    .registry
                    .execute::<Guild>(StreamId::guild(setup.guild), command, meta)
                    .await;
                sent("closing the channel game", result)
            }
            _ => Ok(()),
        }
    }
}
