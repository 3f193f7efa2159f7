//! The `player_stats` read model: per player per guild, games played to the end, wins, matches,
//! guesses the matches took, perfect rounds, and every partner with games and wins together.
//! Pair counts come from `PairResolved` and wait in a per-game table until `GameEnded` folds
//! them in (a cancelled game's pairs are dropped, so every count covers finished games only);
//! games and wins come from `GameEnded`'s ranking and winners.
use async_trait::async_trait;

use super::error::ReadModelError;
use super::events::game_event;
use super::sql::{args, count, delete_all, from_snowflake, tx_conn, Conn};
use crate::discord::{BestPartner, PlayerStatsView};
use crate::domain::game::GameEvent;
use crate::domain::{GameId, GuildId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// The projection that builds the `player_stats` read model.
#[derive(Debug, Default)]
pub struct PlayerStatsProjection;

/// Its checkpoint name.
pub const PLAYER_STATS: &str = "player_stats";

/// The guild a game belongs to, as a projection noted it at `GameCreated` in its own table
/// (`sql` selects it by game id).
pub(super) async fn guild_of(
    c: &mut Conn<'_>,
    sql: &'static str,
    game: GameId,
) -> Result<GuildId, HandleError> {
    let guild: Option<(i64,)> = c.fetch_optional(sql, args![game]).await?;
    guild.map(|(g,)| GuildId(from_snowflake(g))).ok_or_else(|| {
        HandleError::Unhandled(format!("game {game} has no GameCreated before this event"))
    })
}

#[async_trait]
impl Subscriber for PlayerStatsProjection {
    fn name(&self) -> &'static str {
        PLAYER_STATS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, decoded)) = game_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            GameEvent::GameCreated { guild, .. } => {
                c.execute(
                    "INSERT INTO read_model.player_stats_games (game_id, guild) VALUES ($1, $2) \
                     ON CONFLICT (game_id) DO NOTHING",
                    args![game, guild],
                )
                .await?;
            }
            GameEvent::PairResolved { guess_count, answers, result, .. } if result.is_match() => {
                for answer in &answers {
                    c.execute(
                        "INSERT INTO read_model.player_stats_pending AS p (game_id, player, \
                         matches, matched_guesses, perfect_rounds) VALUES ($1, $2, 1, $3, $4) \
                         ON CONFLICT (game_id, player) DO UPDATE SET matches = p.matches + 1, \
                         matched_guesses = p.matched_guesses + excluded.matched_guesses, \
                         perfect_rounds = p.perfect_rounds + excluded.perfect_rounds",
                        args![game, answer.player, guess_count, i64::from(guess_count == 1)],
                    )
                    .await?;
                }
            }
            GameEvent::GameEnded { winners, ranking, .. } => {
                let guild = guild_of(
                    &mut c,
                    "SELECT guild FROM read_model.player_stats_games WHERE game_id = $1",
                    game,
                )
                .await?;
                for standing in &ranking {
                    let won = i64::from(winners.contains(&standing.team_id));
                    for (seat, player) in standing.players.iter().enumerate() {
                        let partner = standing.players[1 - seat];
                        let pending: Option<(i64, i64, i64)> = c
                            .fetch_optional(
                                "SELECT matches, matched_guesses, perfect_rounds FROM \
                                 read_model.player_stats_pending WHERE game_id = $1 AND player = $2",
                                args![game, *player],
                            )
                            .await?;
                        let (matches, guesses, perfect) = pending.unwrap_or_default();
                        c.execute(
                            "INSERT INTO read_model.player_stats AS s (guild, player, games, wins, \
                             matches, matched_guesses, perfect_rounds) \
                             VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (guild, player) \
                             DO UPDATE SET games = s.games + 1, wins = s.wins + excluded.wins, \
                             matches = s.matches + excluded.matches, \
                             matched_guesses = s.matched_guesses + excluded.matched_guesses, \
                             perfect_rounds = s.perfect_rounds + excluded.perfect_rounds",
                            args![guild, *player, won, matches, guesses, perfect],
                        )
                        .await?;
                        c.execute(
                            "INSERT INTO read_model.player_stats_partners AS p (guild, player, \
                             partner, games, wins) VALUES ($1, $2, $3, 1, $4) \
                             ON CONFLICT (guild, player, partner) DO UPDATE SET \
                             games = p.games + 1, wins = p.wins + excluded.wins",
                            args![guild, *player, partner, won],
                        )
                        .await?;
                    }
                }
                forget_game(&mut c, game).await?;
            }
            GameEvent::GameCancelled { .. } | GameEvent::LobbyExpired { .. } => {
                forget_game(&mut c, game).await?
            }
            _ => {}
        }
        Ok(())
    }

    async fn reset(&self, tx: &mut ReadModelTx) -> Result<(), HandleError> {
        delete_all(
            tx,
            &[
                "DELETE FROM read_model.player_stats",
                "DELETE FROM read_model.player_stats_partners",
                "DELETE FROM read_model.player_stats_games",
                "DELETE FROM read_model.player_stats_pending",
            ],
        )
        .await?;
        Ok(())
    }
}

async fn forget_game(c: &mut Conn<'_>, game: GameId) -> Result<(), HandleError> {
    c.execute("DELETE FROM read_model.player_stats_pending WHERE game_id = $1", args![game])
        .await?;
    c.execute("DELETE FROM read_model.player_stats_games WHERE game_id = $1", args![game]).await?;
    Ok(())
}

/// A player's statistics in a guild; all zero when they have not finished a game there.
pub async fn player_stats(
    c: &mut Conn<'_>,
    guild: GuildId,
    player: UserId,
) -> Result<PlayerStatsView, ReadModelError> {
    let totals: Option<(i64, i64, i64, i64, i64)> = c
        .fetch_optional(
            "SELECT games, wins, matches, matched_guesses, perfect_rounds FROM \
             read_model.player_stats WHERE guild = $1 AND player = $2",
            args![guild, player],
        )
        .await?;
    let (games, wins, matches, guesses, perfect) = totals.unwrap_or_default();
    let best: Option<(i64, i64, i64)> = c
        .fetch_optional(
            "SELECT partner, wins, games FROM read_model.player_stats_partners \
             WHERE guild = $1 AND player = $2 ORDER BY wins DESC, games DESC, partner LIMIT 1",
            args![guild, player],
        )
        .await?;
    Ok(PlayerStatsView {
        player,
        games: count(games),
        wins: count(wins),
        matches: count(matches),
        matched_guesses: count(guesses),
        perfect_rounds: count(perfect),
        best_partner: best.map(|(partner, wins, games)| BestPartner {
            partner: UserId(from_snowflake(partner)),
            wins: count(wins),
            games: count(games),
        }),
    })
}
