//! The `active_players` read model: the game each player is in, per guild, so a DM answer (which
//! names no game) reaches the right one. Set when the player's team joins a game (the creator's
//! team joins with `TeamJoined` right after `GameCreated`); cleared when the team leaves the
//! lobby or the game ends or is cancelled. An eliminated team's players stay routed to their
//! game until it ends, so their DMs get the game's own "you are out" answer.
use async_trait::async_trait;

use super::error::ReadModelError;
use super::events::game_event;
use super::player_stats::guild_of;
use super::sql::{args, delete_all, from_snowflake, tx_conn, Conn};
use crate::domain::game::GameEvent;
use crate::domain::{GameId, GuildId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// The projection that builds the `active_players` read model.
#[derive(Debug, Default)]
pub struct ActivePlayersProjection;

/// Its checkpoint name.
pub const ACTIVE_PLAYERS: &str = "active_players";

#[async_trait]
impl Subscriber for ActivePlayersProjection {
    fn name(&self) -> &'static str {
        ACTIVE_PLAYERS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, decoded)) = game_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            GameEvent::GameCreated { guild, .. } => {
                c.execute(
                    "INSERT INTO read_model.active_players_games (game_id, guild) \
                     VALUES ($1, $2) ON CONFLICT (game_id) DO NOTHING",
                    args![game, guild],
                )
                .await?;
            }
            GameEvent::TeamJoined { team } => {
                let guild = guild_of(
                    &mut c,
                    "SELECT guild FROM read_model.active_players_games WHERE game_id = $1",
                    game,
                )
                .await?;
                for player in team.players {
                    c.execute(
                        "INSERT INTO read_model.active_players (user_id, guild, game_id, team_id) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, guild) DO UPDATE SET \
                         game_id = excluded.game_id, team_id = excluded.team_id",
                        args![player, guild, game, team.team_id],
                    )
                    .await?;
                }
            }
            GameEvent::TeamLeft { team_id, .. } => {
                c.execute(
                    "DELETE FROM read_model.active_players WHERE game_id = $1 AND team_id = $2",
                    args![game, team_id],
                )
                .await?;
            }
            GameEvent::GameEnded { .. }
            | GameEvent::GameCancelled { .. }
            | GameEvent::LobbyExpired { .. } => {
                c.execute("DELETE FROM read_model.active_players WHERE game_id = $1", args![game])
                    .await?;
                c.execute(
                    "DELETE FROM read_model.active_players_games WHERE game_id = $1",
                    args![game],
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn reset(&self, tx: &mut ReadModelTx) -> Result<(), HandleError> {
        delete_all(
            tx,
            &[
                "DELETE FROM read_model.active_players",
                "DELETE FROM read_model.active_players_games",
            ],
        )
        .await?;
        Ok(())
    }
}

/// The games `user` is in, one per guild at most, ordered by guild.
pub async fn active_games_of(
    c: &mut Conn<'_>,
    user: UserId,
) -> Result<Vec<(GuildId, GameId)>, ReadModelError> {
    let rows: Vec<(i64, String)> = c
        .fetch_all(
            "SELECT guild, game_id FROM read_model.active_players WHERE user_id = $1 \
             ORDER BY guild",
            args![user],
        )
        .await?;
    rows.into_iter()
        .map(|(guild, game)| {
            let game = uuid::Uuid::parse_str(&game).map_err(|e| ReadModelError::Corrupt {
                table: "active_players",
                reason: format!("game id {game}: {e}"),
            })?;
            Ok((GuildId(from_snowflake(guild)), GameId(game)))
        })
        .collect()
}
