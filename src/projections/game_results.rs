//! The `game_results` read model: one row per player per finished game (guild, mode, team,
//! when it ended, whether the team won, its rank), copied from `GameEnded`. Leaderboards for a
//! day, week, month or all time are queries over it.
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::error::ReadModelError;
use super::events::game_event;
use super::sql::{args, count, delete_all, from_snowflake, millis, tx_conn, Conn};
use crate::discord::{Contender, LeaderboardRow, LeaderboardView};
use crate::discord::{LeaderboardKind, Period};
use crate::domain::game::GameEvent;
use crate::domain::{GameId, GuildId, TeamId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// The projection that builds the `game_results` read model.
#[derive(Debug, Default)]
pub struct GameResultsProjection;

/// Its checkpoint name.
pub const GAME_RESULTS: &str = "game_results";

#[async_trait]
impl Subscriber for GameResultsProjection {
    fn name(&self) -> &'static str {
        GAME_RESULTS
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, decoded)) = game_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            GameEvent::GameCreated { guild, options, .. } => {
                c.execute(
                    "INSERT INTO read_model.game_results_games (game_id, guild, mode) \
                     VALUES ($1, $2, $3) ON CONFLICT (game_id) DO NOTHING",
                    args![game, guild, options.mode().keyword()],
                )
                .await?;
            }
            GameEvent::GameEnded { winners, ranking, ended_at, .. } => {
                let known: Option<(i64, String)> = c
                    .fetch_optional(
                        "SELECT guild, mode FROM read_model.game_results_games WHERE game_id = $1",
                        args![game],
                    )
                    .await?;
                let Some((guild, mode)) = known else {
                    return Err(HandleError::Unhandled(format!(
                        "game {game} has no GameCreated before this event"
                    )));
                };
                for standing in &ranking {
                    let won = winners.contains(&standing.team_id);
                    for player in standing.players {
                        c.execute(
                            "INSERT INTO read_model.game_results (game_id, player, guild, mode, \
                             team_id, team_name, ended_at, won, rank) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                             ON CONFLICT (game_id, player) DO NOTHING",
                            args![
                                game,
                                player,
                                guild,
                                mode.as_str(),
                                standing.team_id,
                                standing.name.as_str(),
                                ended_at,
                                won,
                                standing.rank
                            ],
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
            &["DELETE FROM read_model.game_results", "DELETE FROM read_model.game_results_games"],
        )
        .await?;
        Ok(())
    }
}

async fn forget_game(c: &mut Conn<'_>, game: GameId) -> Result<(), HandleError> {
    c.execute("DELETE FROM read_model.game_results_games WHERE game_id = $1", args![game]).await?;
    Ok(())
}

/// The earliest end time a period counts, as stored (`None` for all time). Periods are rolling
/// windows ending at `now`: the last 24 hours, 7 days or 30 days.
pub fn period_start(period: Period, now: DateTime<Utc>) -> Option<i64> {
    let span = match period {
        Period::Day => TimeDelta::days(1),
        Period::Week => TimeDelta::days(7),
        Period::Month => TimeDelta::days(30),
        Period::All => return None,
    };
    Some(millis(now - span))
}

/// Orders rows the rule book's way: wins, then win rate, then fewer games; `key` breaks the
/// remaining ties so the order is total.
fn rank_rows<K: Ord>(rows: &mut [(K, LeaderboardRow)]) {
    rows.sort_by(|(ka, a), (kb, b)| {
        let rate_a = u64::from(a.wins) * u64::from(b.games.max(1));
        let rate_b = u64::from(b.wins) * u64::from(a.games.max(1));
        b.wins.cmp(&a.wins).then(rate_b.cmp(&rate_a)).then(a.games.cmp(&b.games)).then(ka.cmp(kb))
    });
}

/// The top `limit` players or teams of a guild over a period ending at `now`. A team is shown
/// by `team_name(team)` (its current name), else by its name in its latest game.
pub async fn leaderboard(
    c: &mut Conn<'_>,
    guild: GuildId,
    kind: LeaderboardKind,
    period: Period,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<(LeaderboardView, Vec<TeamId>), ReadModelError> {
    // All time still stops at `now`, so a board asked "as of" a moment is stable.
    let from = period_start(period, now).unwrap_or(i64::MIN);
    let to = millis(now);
    let mut teams = Vec::new();
    let rows = match kind {
        LeaderboardKind::Players => {
            let found: Vec<(i64, i64, i64)> = c
                .fetch_all(
                    "SELECT player, count(*), count(CASE WHEN won THEN 1 END) \
                     FROM read_model.game_results WHERE guild = $1 AND ended_at > $2 \
                     AND ended_at <= $3 GROUP BY player",
                    args![guild, from, to],
                )
                .await?;
            let mut rows: Vec<(i64, LeaderboardRow)> = found
                .into_iter()
                .map(|(player, games, wins)| {
                    let who = Contender::Player(UserId(from_snowflake(player)));
                    (player, LeaderboardRow { who, games: count(games), wins: count(wins) })
                })
                .collect();
            rank_rows(&mut rows);
            rows.truncate(limit);
            rows.into_iter().map(|(_, row)| row).collect()
        }
        LeaderboardKind::Teams => {
            let found: Vec<(String, i64, i64)> = c
                .fetch_all(
                    "SELECT team_id, count(DISTINCT game_id), \
                     count(DISTINCT CASE WHEN won THEN game_id END) \
                     FROM read_model.game_results WHERE guild = $1 AND ended_at > $2 \
                     AND ended_at <= $3 GROUP BY team_id",
                    args![guild, from, to],
                )
                .await?;
            let mut rows: Vec<(String, LeaderboardRow)> = found
                .into_iter()
                .map(|(team, games, wins)| {
                    let who = Contender::Team(String::new());
                    (team, LeaderboardRow { who, games: count(games), wins: count(wins) })
                })
                .collect();
            rank_rows(&mut rows);
            rows.truncate(limit);
            let mut named = Vec::with_capacity(rows.len());
            for (team, mut row) in rows {
                let latest: Option<(String,)> = c
                    .fetch_optional(
                        "SELECT team_name FROM read_model.game_results WHERE team_id = $1 \
                         ORDER BY ended_at DESC LIMIT 1",
                        args![team.as_str()],
                    )
                    .await?;
                row.who = Contender::Team(latest.map(|(n,)| n).unwrap_or_default());
                let id = uuid::Uuid::parse_str(&team).map_err(|e| ReadModelError::Corrupt {
                    table: "game_results",
                    reason: format!("team id {team}: {e}"),
                })?;
                teams.push(TeamId(id));
                named.push(row);
            }
            named
        }
    };
    Ok((LeaderboardView { kind, period, rows }, teams))
}
