//! The `team_stats` read model: per team, games played to the end, wins, matches, guesses the
//! matches took, perfect rounds and the current win streak (wins in a row up to its latest
//! finished game). Counted like player stats: pairs wait per game until `GameEnded`.
use async_trait::async_trait;

use super::error::ReadModelError;
use super::events::game_event;
use super::player_stats::guild_of;
use super::sql::{args, count, delete_all, from_snowflake, tx_conn, Conn};
use crate::discord::TeamStatsView;
use crate::domain::game::GameEvent;
use crate::domain::{GameId, GuildId, TeamId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// The projection that builds the `team_stats` read model.
#[derive(Debug, Default)]
pub struct TeamStatsProjection;

/// Its checkpoint name.
pub const TEAM_STATS: &str = "team_stats";

#[async_trait]
impl Subscriber for TeamStatsProjection {
    fn name(&self) -> &'static str {
        TEAM_STATS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, decoded)) = game_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            GameEvent::GameCreated { guild, .. } => {
                c.execute(
                    "INSERT INTO read_model.team_stats_games (game_id, guild) VALUES ($1, $2) \
                     ON CONFLICT (game_id) DO NOTHING",
                    args![game, guild],
                )
                .await?;
            }
            GameEvent::PairResolved { team_id, guess_count, result, .. } if result.is_match() => {
                c.execute(
                    "INSERT INTO read_model.team_stats_pending AS p (game_id, team_id, matches, \
                     matched_guesses, perfect_rounds) VALUES ($1, $2, 1, $3, $4) \
                     ON CONFLICT (game_id, team_id) DO UPDATE SET matches = p.matches + 1, \
                     matched_guesses = p.matched_guesses + excluded.matched_guesses, \
                     perfect_rounds = p.perfect_rounds + excluded.perfect_rounds",
                    args![game, team_id, guess_count, i64::from(guess_count == 1)],
                )
                .await?;
            }
            GameEvent::GameEnded { winners, ranking, .. } => {
                let guild = guild_of(
                    &mut c,
                    "SELECT guild FROM read_model.team_stats_games WHERE game_id = $1",
                    game,
                )
                .await?;
                for standing in &ranking {
                    let won = i64::from(winners.contains(&standing.team_id));
                    let pending: Option<(i64, i64, i64)> = c
                        .fetch_optional(
                            "SELECT matches, matched_guesses, perfect_rounds FROM \
                             read_model.team_stats_pending WHERE game_id = $1 AND team_id = $2",
                            args![game, standing.team_id],
                        )
                        .await?;
                    let (matches, guesses, perfect) = pending.unwrap_or_default();
                    c.execute(
                        "INSERT INTO read_model.team_stats AS s (team_id, guild, name, member_a, \
                         member_b, games, wins, matches, matched_guesses, perfect_rounds, \
                         win_streak) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $6) \
                         ON CONFLICT (team_id) DO UPDATE SET name = excluded.name, \
                         member_a = excluded.member_a, member_b = excluded.member_b, \
                         games = s.games + 1, wins = s.wins + excluded.wins, \
                         matches = s.matches + excluded.matches, \
                         matched_guesses = s.matched_guesses + excluded.matched_guesses, \
                         perfect_rounds = s.perfect_rounds + excluded.perfect_rounds, \
                         win_streak = CASE WHEN excluded.wins > 0 THEN s.win_streak + 1 ELSE 0 END",
                        args![
                            standing.team_id,
                            guild,
                            standing.name.as_str(),
                            standing.players[0],
                            standing.players[1],
                            won,
                            matches,
                            guesses,
                            perfect
                        ],
                    )
                    .await?;
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
                "DELETE FROM read_model.team_stats",
                "DELETE FROM read_model.team_stats_games",
                "DELETE FROM read_model.team_stats_pending",
            ],
        )
        .await?;
        Ok(())
    }
}

async fn forget_game(c: &mut Conn<'_>, game: GameId) -> Result<(), HandleError> {
    c.execute("DELETE FROM read_model.team_stats_pending WHERE game_id = $1", args![game]).await?;
    c.execute("DELETE FROM read_model.team_stats_games WHERE game_id = $1", args![game]).await?;
    Ok(())
}

/// A team's statistics in `guild`, with the name and members it had in its latest finished
/// game; `None` when it has not finished one there (a team id of another guild included).
pub async fn team_stats(
    c: &mut Conn<'_>,
    guild: GuildId,
    team: TeamId,
) -> Result<Option<TeamStatsView>, ReadModelError> {
    type Row = (String, i64, i64, i64, i64, i64, i64, i64, i64);
    let row: Option<Row> = c
        .fetch_optional(
            "SELECT name, member_a, member_b, games, wins, matches, matched_guesses, \
             perfect_rounds, win_streak FROM read_model.team_stats WHERE team_id = $1 \
             AND guild = $2",
            args![team, guild],
        )
        .await?;
    Ok(row.map(|(name, a, b, games, wins, matches, guesses, perfect, streak)| TeamStatsView {
        name,
        members: [UserId(from_snowflake(a)), UserId(from_snowflake(b))],
        games: count(games),
        wins: count(wins),
        matches: count(matches),
        matched_guesses: count(guesses),
        perfect_rounds: count(perfect),
        win_streak: count(streak),
    }))
}
