//! The replay-naming process manager: a finished game gets a unique name `<word>-<NNN>` (a word
//! of the generation list, a number 100-999). Candidates are derived from the game id and an
//! attempt number, so a redelivered `GameEnded` picks the same name; the first candidate no other
//! game holds is reserved in the `replay_names` table (unique case-insensitively, one per game),
//! then the game is told its name.
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::Utc;

use super::common::{caused_by, command_failed, game_event_among, sent};
use crate::domain::game::{Game, GameCommand};
use crate::domain::words::WordService;
use crate::domain::GameId;
use crate::runtime::{HandleError, RegistryHandle, Subscriber};
use crate::store::{EventStore, ReadModelTx, RecordedEvent, StoreError, StreamId};

/// The checkpoint name of the replay-naming reactor.
pub const REPLAY_NAMES: &str = "reactor.replay_names";

/// Candidates tried before giving up. There are millions of names (thousands of words times
/// 900 numbers), so even a busy database rarely needs a second; 64 failures means a bug.
pub const MAX_NAME_ATTEMPTS: u32 = 64;

/// Why no replay name could be reserved.
#[derive(Debug, thiserror::Error)]
pub enum ReplayNameError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Every candidate was taken.
    #[error("no free replay name for game {0} after {MAX_NAME_ATTEMPTS} attempts")]
    Exhausted(GameId),
}

/// Names finished games.
pub struct ReplayNamesReactor {
    registry: RegistryHandle,
    store: Arc<dyn EventStore>,
}

impl ReplayNamesReactor {
    /// A reactor reserving names in `store` and sending through `registry`.
    pub fn new(registry: RegistryHandle, store: Arc<dyn EventStore>) -> Arc<Self> {
        Arc::new(Self { registry, store })
    }
}

/// The generation-list words usable in a name: only lowercase ASCII letters, the shape the game
/// accepts for a replay name.
fn name_words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        WordService::embedded()
            .generation_list()
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
            .collect()
    })
}

/// SplitMix64's finaliser: a fixed, well-mixed hash, stable across Rust versions (unlike std's
/// hasher), so a game's candidates never change between releases.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `attempt`-th candidate replay name of `game`: the same inputs always give the same name.
pub fn replay_name_candidate(game: GameId, attempt: u32) -> String {
    let words = name_words();
    let (high, low) = game.0.as_u64_pair();
    let hash = mix(high ^ mix(low ^ mix(u64::from(attempt))));
    let word = words.get((hash % words.len().max(1) as u64) as usize).copied().unwrap_or("game");
    let number = 100 + mix(hash) % 900;
    format!("{word}-{number}")
}

/// The name reserved for `game`, if any.
pub async fn reserved_replay_name(
    store: &dyn EventStore,
    game: GameId,
) -> Result<Option<String>, StoreError> {
    let mut tx = store.begin_read_model_tx().await?;
    let name = name_of(&mut tx, game).await?;
    tx.rollback().await?;
    Ok(name)
}

/// Reserves a unique replay name for `game` in its own short transaction and returns it; a game
/// that already holds one gets the same name back.
pub async fn reserve_replay_name(
    store: &dyn EventStore,
    game: GameId,
) -> Result<String, ReplayNameError> {
    let mut tx = store.begin_read_model_tx().await?;
    if let Some(name) = name_of(&mut tx, game).await? {
        tx.rollback().await?;
        return Ok(name);
    }
    for attempt in 0..MAX_NAME_ATTEMPTS {
        let name = replay_name_candidate(game, attempt);
        if try_insert(&mut tx, game, &name).await? {
            tx.commit().await?;
            return Ok(name);
        }
        tracing::debug!(game.id = %game, name, "replay name taken; trying the next candidate");
    }
    tx.rollback().await?;
    Err(ReplayNameError::Exhausted(game))
}

async fn name_of(tx: &mut ReadModelTx, game: GameId) -> Result<Option<String>, StoreError> {
    Ok(match tx {
        ReadModelTx::Postgres(tx) => {
            sqlx::query_scalar("SELECT name FROM event_store.replay_names WHERE game_id = $1")
                .bind(game.0)
                .fetch_optional(&mut **tx)
                .await?
        }
        ReadModelTx::Sqlite(tx) => {
            sqlx::query_scalar("SELECT name FROM replay_names WHERE game_id = ?")
                .bind(game.0.as_bytes().as_slice())
                .fetch_optional(&mut **tx)
                .await?
        }
    })
}

/// Inserts the reservation unless the name (or the game) is already taken; true if inserted.
async fn try_insert(tx: &mut ReadModelTx, game: GameId, name: &str) -> Result<bool, StoreError> {
    let inserted = match tx {
        ReadModelTx::Postgres(tx) => sqlx::query(
            "INSERT INTO event_store.replay_names (game_id, name) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(game.0)
        .bind(name)
        .execute(&mut **tx)
        .await?
        .rows_affected(),
        ReadModelTx::Sqlite(tx) => sqlx::query(
            "INSERT INTO replay_names (game_id, name, reserved_at) VALUES (?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(game.0.as_bytes().as_slice())
        .bind(name)
        .bind(Utc::now().to_rfc3339())
        .execute(&mut **tx)
        .await?
        .rows_affected(),
    };
    Ok(inserted == 1)
}

#[async_trait]
impl Subscriber for ReplayNamesReactor {
    fn name(&self) -> &'static str {
        REPLAY_NAMES
    }

    #[tracing::instrument(level = "debug", skip_all, fields(
        reactor = REPLAY_NAMES, stream.id = %event.stream_id, event.type = %event.event_type,
        event.position = event.position
    ))]
    async fn react(&self, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some(game) = game_event_among(event, &["GameEnded"])? else { return Ok(()) };
        let stream = StreamId::game(game);
        let inspected = self
            .registry
            .inspect::<Game>(stream.clone())
            .await
            .map_err(|e| command_failed(&format!("reading game {game}"), e))?;
        if inspected.state.replay_name().is_some() {
            return Ok(());
        }
        let Some(guild) = inspected.state.setup().map(|s| s.guild) else {
            return Err(HandleError::Unhandled(format!("game {game} ended but was never created")));
        };
        // The reservation commits before the game is asked, so no transaction is open while
        // this reactor waits for the game's actor.
        let name = reserve_replay_name(&*self.store, game).await.map_err(|e| match e {
            ReplayNameError::Store(error) => HandleError::Store(error),
            other => HandleError::Unhandled(other.to_string()),
        })?;
        let meta = caused_by(REPLAY_NAMES, "name", event, guild);
        let command = GameCommand::NameReplay { guild, name };
        sent("naming the replay", self.registry.execute::<Game>(stream, command, meta).await)
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_game_always_gets_the_same_candidates_in_the_replay_name_shape() {
        let game = GameId(Uuid::from_u128(0x1234_5678));
        for attempt in 0..10 {
            let name = replay_name_candidate(game, attempt);
            assert_eq!(name, replay_name_candidate(game, attempt), "deterministic");
            let (word, number) = name.rsplit_once('-').expect("word-number");
            assert!(!word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            let number: u32 = number.parse().expect("a number");
            assert!((100..=999).contains(&number), "{name}");
        }
        assert_ne!(replay_name_candidate(game, 0), replay_name_candidate(game, 1));
    }
}
