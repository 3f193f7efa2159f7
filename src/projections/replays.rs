//! The `replays` read model: each finished game's replay name and back, from `ReplayNamed`.
//! Names are unique case-insensitively (a unique key on the lowercased name), so a clash is an
//! error the subscription retries and parks rather than a silent overwrite.
use async_trait::async_trait;

use super::error::ReadModelError;
use super::events::game_event;
use super::sql::{args, delete_all, tx_conn, Conn};
use crate::domain::game::GameEvent;
use crate::domain::GameId;
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// The projection that builds the `replays` read model.
#[derive(Debug, Default)]
pub struct ReplaysProjection;

/// Its checkpoint name.
pub const REPLAYS: &str = "replays";

#[async_trait]
impl Subscriber for ReplaysProjection {
    fn name(&self) -> &'static str {
        REPLAYS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, GameEvent::ReplayNamed { name })) = game_event(event)? else {
            return Ok(());
        };
        tx_conn(tx)
            .execute(
                "INSERT INTO read_model.replays (game_id, name, name_key) VALUES ($1, $2, $3) \
                 ON CONFLICT (game_id) DO NOTHING",
                args![game, name.as_str(), name.to_lowercase()],
            )
            .await?;
        Ok(())
    }

    async fn reset(&self, tx: &mut ReadModelTx) -> Result<(), HandleError> {
        delete_all(tx, &["DELETE FROM read_model.replays"]).await?;
        Ok(())
    }
}

/// The game a replay name belongs to, whatever its case.
pub async fn replay_by_name(
    c: &mut Conn<'_>,
    name: &str,
) -> Result<Option<GameId>, ReadModelError> {
    let row: Option<(String,)> = c
        .fetch_optional(
            "SELECT game_id FROM read_model.replays WHERE name_key = $1",
            args![name.trim().to_lowercase()],
        )
        .await?;
    row.map(|(id,)| {
        uuid::Uuid::parse_str(&id).map(GameId).map_err(|e| ReadModelError::Corrupt {
            table: "replays",
            reason: format!("game id {id}: {e}"),
        })
    })
    .transpose()
}

/// A game's replay name, once it has one.
pub async fn replay_name_of(
    c: &mut Conn<'_>,
    game: GameId,
) -> Result<Option<String>, ReadModelError> {
    let row: Option<(String,)> = c
        .fetch_optional("SELECT name FROM read_model.replays WHERE game_id = $1", args![game])
        .await?;
    Ok(row.map(|(name,)| name))
}
