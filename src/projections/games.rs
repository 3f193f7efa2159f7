//! The `games` read model: one row per game (guild, channel, mode, status, creator, round and
//! deadlines, winners, replay name, times) and the teams in it, copied from the game's events.
//! It answers "what is open in this channel", "show me game X" and the history of a guild.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::error::ReadModelError;
use super::events::game_event;
use super::sql::{args, delete_all, from_millis, from_snowflake, tx_conn, Conn};
use crate::discord::{HistoryEntry, HistoryView};
use crate::domain::game::{EliminationReason, GameEvent, GameOptions, Mode};
use crate::domain::{ChannelId, GameId, GuildId, TeamId, UserId};
use crate::runtime::{HandleError, Subscriber};
use crate::store::{ReadModelTx, RecordedEvent};

/// Where a game is in its life, as the read model records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameStatus {
    /// Created; teams may join (Two Player skips this).
    Lobby,
    /// Being played.
    Running,
    /// Finished with a result.
    Ended,
    /// Closed before a result: cancelled, or a lobby nobody started in time.
    Cancelled,
}

impl GameStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            GameStatus::Lobby => "lobby",
            GameStatus::Running => "running",
            GameStatus::Ended => "ended",
            GameStatus::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [GameStatus::Lobby, GameStatus::Running, GameStatus::Ended, GameStatus::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Whether the game is still open (lobby or running).
    pub fn is_open(self) -> bool {
        matches!(self, GameStatus::Lobby | GameStatus::Running)
    }
}

/// A team in a game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameTeamView {
    /// The team.
    pub team_id: TeamId,
    /// Its name when it joined.
    pub name: String,
    /// Its two players.
    pub players: [UserId; 2],
    /// Why it went out, if it did.
    pub eliminated: Option<EliminationReason>,
}

/// One game as the `games` read model knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct GameView {
    /// The game.
    pub game_id: GameId,
    /// Its guild.
    pub guild: GuildId,
    /// Its announcement channel.
    pub channel: ChannelId,
    /// Mode and options.
    pub options: GameOptions,
    /// Lobby, running, ended or cancelled.
    pub status: GameStatus,
    /// Who opened it.
    pub creator: UserId,
    /// The teams, in joining order (teams that left the lobby are gone).
    pub teams: Vec<GameTeamView>,
    /// The shared round (0 before the first; Race and Golf Race stay at 0).
    pub round: u32,
    /// When the shared round in play times out.
    pub round_deadline: Option<DateTime<Utc>>,
    /// When the Race or Golf Race clock ends.
    pub clock_ends_at: Option<DateTime<Utc>>,
    /// When the next Knockout round starts, between rounds.
    pub next_round_at: Option<DateTime<Utc>>,
    /// The winners of an ended game (empty for none).
    pub winners: Vec<TeamId>,
    /// The replay name, once given.
    pub replay_name: Option<String>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When play began.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended or was cancelled.
    pub ended_at: Option<DateTime<Utc>>,
}

impl GameView {
    /// The game's mode.
    pub fn mode(&self) -> Mode {
        self.options.mode()
    }

    /// The team `user` plays in.
    pub fn team_of(&self, user: UserId) -> Option<&GameTeamView> {
        self.teams.iter().find(|t| t.players.contains(&user))
    }
}

/// The projection that builds the `games` read model.
#[derive(Debug, Default)]
pub struct GamesProjection;

/// Its checkpoint name.
pub const GAMES: &str = "games";

fn reason_text(reason: EliminationReason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{reason:?}"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, HandleError> {
    serde_json::to_string(value).map_err(|e| HandleError::Unhandled(format!("to JSON: {e}")))
}

#[async_trait]
impl Subscriber for GamesProjection {
    fn name(&self) -> &'static str {
        GAMES
    }

    async fn handle(&self, tx: &mut ReadModelTx, event: &RecordedEvent) -> Result<(), HandleError> {
        let Some((game, decoded)) = game_event(event)? else { return Ok(()) };
        let mut c = tx_conn(tx);
        match decoded {
            GameEvent::GameCreated { guild, channel, creator, options, created_at, .. } => {
                c.execute(
                    "INSERT INTO read_model.games (game_id, guild, channel, mode, options, status, \
                     creator, created_at) VALUES ($1, $2, $3, $4, $5, 'lobby', $6, $7) \
                     ON CONFLICT (game_id) DO NOTHING",
                    args![game, guild, channel, options.mode().keyword(), json(&options)?, creator, created_at],
                )
                .await?;
            }
            GameEvent::TeamJoined { team } => {
                c.execute(
                    "INSERT INTO read_model.games_teams (game_id, team_id, joined, name, player_a, \
                     player_b) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (game_id, team_id) \
                     DO UPDATE SET joined = excluded.joined, name = excluded.name, \
                     player_a = excluded.player_a, player_b = excluded.player_b, eliminated = NULL",
                    args![
                        game,
                        team.team_id,
                        i64::try_from(event.stream_version).unwrap_or(i64::MAX),
                        team.name,
                        team.players[0],
                        team.players[1]
                    ],
                )
                .await?;
            }
            GameEvent::TeamLeft { team_id, .. } => {
                c.execute(
                    "DELETE FROM read_model.games_teams WHERE game_id = $1 AND team_id = $2",
                    args![game, team_id],
                )
                .await?;
            }
            GameEvent::GameStarted { started_at, clock_ends_at } => {
                c.execute(
                    "UPDATE read_model.games SET status = 'running', started_at = $2, \
                     clock_ends_at = $3 WHERE game_id = $1",
                    args![game, started_at, clock_ends_at],
                )
                .await?;
            }
            GameEvent::RoundStarted { round, round_deadline, .. } => {
                c.execute(
                    "UPDATE read_model.games SET round = $2, round_deadline = $3, \
                     next_round_at = NULL WHERE game_id = $1",
                    args![game, round, round_deadline],
                )
                .await?;
            }
            GameEvent::RoundEnded { next_round_at, .. } => {
                c.execute(
                    "UPDATE read_model.games SET round_deadline = NULL, next_round_at = $2 \
                     WHERE game_id = $1",
                    args![game, next_round_at],
                )
                .await?;
            }
            GameEvent::TeamEliminated { team_id, reason, .. } => {
                c.execute(
                    "UPDATE read_model.games_teams SET eliminated = $3 \
                     WHERE game_id = $1 AND team_id = $2",
                    args![game, team_id, reason_text(reason)],
                )
                .await?;
            }
            GameEvent::GameEnded { winners, ended_at, .. } => {
                c.execute(
                    "UPDATE read_model.games SET status = 'ended', ended_at = $2, winners = $3, \
                     round_deadline = NULL, next_round_at = NULL WHERE game_id = $1",
                    args![game, ended_at, json(&winners)?],
                )
                .await?;
            }
            GameEvent::GameCancelled { cancelled_at: closed_at, .. }
            | GameEvent::LobbyExpired { expired_at: closed_at, .. } => {
                c.execute(
                    "UPDATE read_model.games SET status = 'cancelled', ended_at = $2, \
                     round_deadline = NULL, next_round_at = NULL WHERE game_id = $1",
                    args![game, closed_at],
                )
                .await?;
            }
            GameEvent::ReplayNamed { name } => {
                c.execute(
                    "UPDATE read_model.games SET replay_name = $2 WHERE game_id = $1",
                    args![game, name],
                )
                .await?;
            }
            GameEvent::PairDealt { .. }
            | GameEvent::AnswerAccepted { .. }
            | GameEvent::PairResolved { .. }
            | GameEvent::PairAbandoned { .. } => {}
        }
        Ok(())
    }

    async fn reset(&self, tx: &mut ReadModelTx) -> Result<(), HandleError> {
        delete_all(tx, &["DELETE FROM read_model.games_teams", "DELETE FROM read_model.games"])
            .await?;
        Ok(())
    }
}

/// `SELECT <the columns [`game_from_row`] reads> FROM read_model.games WHERE <condition>`.
macro_rules! select_game {
    ($condition:literal $(,)?) => {
        concat!(
            "SELECT game_id, guild, channel, options, status, creator, round, round_deadline, \
             clock_ends_at, next_round_at, winners, replay_name, created_at, started_at, ended_at \
             FROM read_model.games WHERE ",
            $condition
        )
    };
}

type GameRow = (
    String,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
);

type TeamRow = (String, String, i64, i64, Option<String>);

fn corrupt(reason: String) -> ReadModelError {
    ReadModelError::Corrupt { table: "games", reason }
}

fn parse_uuid(text: &str) -> Result<uuid::Uuid, ReadModelError> {
    uuid::Uuid::parse_str(text).map_err(|e| corrupt(format!("bad id {text}: {e}")))
}

fn parse_winners(text: Option<&str>) -> Result<Vec<TeamId>, ReadModelError> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => {
            serde_json::from_str(text).map_err(|e| corrupt(format!("bad winners {text}: {e}")))
        }
    }
}

fn game_from_row(row: GameRow, teams: Vec<GameTeamView>) -> Result<GameView, ReadModelError> {
    let (
        id,
        guild,
        channel,
        options,
        status,
        creator,
        round,
        deadline,
        clock,
        next,
        winners,
        replay,
        created,
        started,
        ended,
    ) = row;
    Ok(GameView {
        game_id: GameId(parse_uuid(&id)?),
        guild: GuildId(from_snowflake(guild)),
        channel: ChannelId(from_snowflake(channel)),
        options: serde_json::from_str(&options)
            .map_err(|e| corrupt(format!("bad options {options}: {e}")))?,
        status: GameStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("bad status {status}")))?,
        creator: UserId(from_snowflake(creator)),
        teams,
        round: u32::try_from(round).unwrap_or(0),
        round_deadline: deadline.map(from_millis),
        clock_ends_at: clock.map(from_millis),
        next_round_at: next.map(from_millis),
        winners: parse_winners(winners.as_deref())?,
        replay_name: replay,
        created_at: from_millis(created),
        started_at: started.map(from_millis),
        ended_at: ended.map(from_millis),
    })
}

fn parse_reason(text: &str) -> Option<EliminationReason> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

async fn teams_of(c: &mut Conn<'_>, game: &str) -> Result<Vec<GameTeamView>, ReadModelError> {
    let rows: Vec<TeamRow> = c
        .fetch_all(
            "SELECT team_id, name, player_a, player_b, eliminated FROM read_model.games_teams \
             WHERE game_id = $1 ORDER BY joined, team_id",
            args![game],
        )
        .await?;
    rows.into_iter()
        .map(|(team, name, a, b, eliminated)| {
            Ok(GameTeamView {
                team_id: TeamId(parse_uuid(&team)?),
                name,
                players: [UserId(from_snowflake(a)), UserId(from_snowflake(b))],
                eliminated: eliminated.as_deref().and_then(parse_reason),
            })
        })
        .collect()
}

async fn with_teams(
    c: &mut Conn<'_>,
    row: Option<GameRow>,
) -> Result<Option<GameView>, ReadModelError> {
    let Some(row) = row else { return Ok(None) };
    let teams = teams_of(c, &row.0).await?;
    game_from_row(row, teams).map(Some)
}

/// One game by id.
pub async fn game(c: &mut Conn<'_>, game: GameId) -> Result<Option<GameView>, ReadModelError> {
    const SQL: &str = select_game!("game_id = $1");
    let row: Option<GameRow> = c.fetch_optional(SQL, args![game]).await?;
    with_teams(c, row).await
}

/// The newest open (lobby or running) game in a channel.
pub async fn open_game_in_channel(
    c: &mut Conn<'_>,
    guild: GuildId,
    channel: ChannelId,
) -> Result<Option<GameView>, ReadModelError> {
    const SQL: &str = select_game!(
        "guild = $1 AND channel = $2 AND status IN ('lobby', 'running') \
         ORDER BY created_at DESC, game_id LIMIT 1",
    );
    let row: Option<GameRow> = c.fetch_optional(SQL, args![guild, channel]).await?;
    with_teams(c, row).await
}

/// Finished games in a guild (or of one player there), newest first.
pub async fn recent_games(
    c: &mut Conn<'_>,
    guild: GuildId,
    player: Option<UserId>,
    limit: u32,
) -> Result<HistoryView, ReadModelError> {
    let rows: Vec<GameRow> = match player {
        None => {
            const SQL: &str = select_game!(
                "guild = $1 AND status = 'ended' ORDER BY ended_at DESC, game_id LIMIT $2",
            );
            c.fetch_all(SQL, args![guild, limit]).await?
        }
        Some(player) => {
            const SQL: &str = select_game!(
                "guild = $1 AND status = 'ended' AND game_id IN (SELECT game_id FROM \
                 read_model.games_teams WHERE player_a = $3 OR player_b = $3) \
                 ORDER BY ended_at DESC, game_id LIMIT $2",
            );
            c.fetch_all(SQL, args![guild, limit, player]).await?
        }
    };
    let mut games = Vec::with_capacity(rows.len());
    for row in rows {
        let teams = teams_of(c, &row.0).await?;
        let view = game_from_row(row, teams)?;
        let winners: Vec<String> = view
            .winners
            .iter()
            .filter_map(|w| view.teams.iter().find(|t| t.team_id == *w))
            .map(|t| t.name.clone())
            .collect();
        let won =
            player.map(|p| view.team_of(p).is_some_and(|t| view.winners.contains(&t.team_id)));
        games.push(HistoryEntry {
            // Decision: a game not named yet is listed by its id, which `replay` also accepts.
            replay_name: view.replay_name.clone().unwrap_or_else(|| view.game_id.to_string()),
            mode: view.mode(),
            ended_at: view.ended_at.unwrap_or(view.created_at),
            teams: u32::try_from(view.teams.len()).unwrap_or(u32::MAX),
            winners,
            won,
        });
    }
    Ok(HistoryView { player, games })
}
