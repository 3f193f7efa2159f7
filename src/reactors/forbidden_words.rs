//! The forbidden-words process manager: every resolved guess pair in a game puts each player's
//! accepted answer on that player's forbidden list, on their own player stream, so the list
//! persists across games. The resolving event's id is the pair's id, so a redelivery records
//! nothing twice.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::common::{caused_by, command_failed, decode, game_event_among, sent};
use crate::domain::game::{Game, GameEvent};
use crate::domain::player::{ForbiddenListSize, Player, PlayerCommand, ResolvedPairId};
use crate::domain::words::WordService;
use crate::domain::{GameId, GuildId};
use crate::runtime::{HandleError, RegistryHandle, Subscriber};
use crate::store::{Codec, RecordedEvent, StreamId};

/// The checkpoint name of the forbidden-words reactor.
pub const FORBIDDEN_WORDS: &str = "reactor.forbidden_words";

/// What the reactor needs from a game's set-up.
#[derive(Clone, Copy, Debug)]
struct GameFacts {
    guild: GuildId,
    list_size: ForbiddenListSize,
}

/// Records each player's accepted answers on their player stream after every resolved pair.
pub struct ForbiddenWordsReactor {
    registry: RegistryHandle,
    codec: Codec<GameEvent>,
    /// Set-up facts of the games in play, learnt from `GameCreated` and dropped when a game
    /// closes; a game started before this process asks its actor instead.
    games: Mutex<HashMap<GameId, GameFacts>>,
}

impl ForbiddenWordsReactor {
    /// A reactor sending through `registry`.
    pub fn new(registry: RegistryHandle) -> Arc<Self> {
        Arc::new(Self { registry, codec: Codec::new(), games: Mutex::default() })
    }

    fn remember(&self, game: GameId, facts: GameFacts) {
        if let Ok(mut games) = self.games.lock() {
            games.insert(game, facts);
        }
    }

    fn forget(&self, game: GameId) {
        if let Ok(mut games) = self.games.lock() {
            games.remove(&game);
        }
    }

    /// The game's guild and list size: remembered, or read from the game's actor.
    async fn facts(&self, game: GameId) -> Result<GameFacts, HandleError> {
        if let Some(facts) = self.games.lock().ok().and_then(|g| g.get(&game).copied()) {
            return Ok(facts);
        }
        let inspected = self
            .registry
            .inspect::<Game>(StreamId::game(game))
            .await
            .map_err(|e| command_failed(&format!("reading game {game}"), e))?;
        let setup = inspected
            .state
            .setup()
            .ok_or_else(|| HandleError::Unhandled(format!("game {game} was never created")))?;
        let facts = facts_of(setup.guild, setup.forbidden_list_size)?;
        self.remember(game, facts);
        Ok(facts)
    }
}

fn facts_of(guild: GuildId, size: u32) -> Result<GameFacts, HandleError> {
    let list_size = ForbiddenListSize::new(u64::from(size))
        .map_err(|e| HandleError::Unhandled(format!("the game's forbidden list size: {e}")))?;
    Ok(GameFacts { guild, list_size })
}

#[async_trait]
impl Subscriber for ForbiddenWordsReactor {
    fn name(&self) -> &'static str {
        FORBIDDEN_WORDS
    }

    #[tracing::instrument(level = "debug", skip_all, fields(
        reactor = FORBIDDEN_WORDS, stream.id = %event.stream_id, event.type = %event.event_type,
        event.position = event.position
    ))]
    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let types = ["GameCreated", "PairResolved", "GameEnded", "GameCancelled", "LobbyExpired"];
        let Some(game) = game_event_among(event, &types)? else { return Ok(()) };
        match decode(&self.codec, event)? {
            GameEvent::GameCreated { guild, forbidden_list_size, .. } => {
                self.remember(game, facts_of(guild, forbidden_list_size)?);
            }
            GameEvent::PairResolved { answers, .. } => {
                let facts = self.facts(game).await?;
                // Each player's own answer goes on their own list, as the game does in its copy.
                for answer in &answers {
                    let words = match WordService::embedded().parse_answer(&answer.word) {
                        Ok(word) => vec![word],
                        Err(error) => {
                            tracing::warn!(
                                reactor = FORBIDDEN_WORDS, game.id = %game, error.message = %error,
                                "an accepted answer is not a dictionary word; not recorded"
                            );
                            continue;
                        }
                    };
                    let command = PlayerCommand::RecordAnswers {
                        game,
                        pair: ResolvedPairId(event.event_id),
                        words,
                        list_size: facts.list_size,
                    };
                    let meta = caused_by(FORBIDDEN_WORDS, "record", event, facts.guild);
                    let stream = StreamId::player(facts.guild, answer.player);
                    let result = self.registry.execute::<Player>(stream, command, meta).await;
                    sent("recording answers", result)?;
                }
            }
            GameEvent::GameEnded { .. }
            | GameEvent::GameCancelled { .. }
            | GameEvent::LobbyExpired { .. } => self.forget(game),
            _ => {}
        }
        Ok(())
    }
}
