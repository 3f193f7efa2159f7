//! A replay is a finished (or running) game told again from its event stream: the game's actor is
//! respawned through the production rebuild code, optionally stopped at a stream version, and its
//! events are narrated in order: pairs dealt, who answered what and how fast, matches, misses,
//! give ups, eliminations with their reasons, and the final ranking. Verification rebuilds the
//! game twice, by two fresh actors, and checks both against each other and the read models.
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use actix::prelude::*;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::discord::{game_over_with_reason, ReplayTarget};
use crate::domain::game::{EliminationReason, Game, GameEvent, GuessResult, Mode, Phase};
use crate::domain::words::WordService;
use crate::domain::{Aggregate, GameId, TeamId, UserId};
use crate::projections::{GameStatus, ReadModelError, ReadModels};
use crate::runtime::{
    CommandError, Health, Inspect, Inspected, StreamActor, StreamDeps, SystemClock, SNAPSHOT_SCHEMA,
};
use crate::store::{Codec, EventStore, StoreError, StreamId};

/// Why a replay could not be shown or verified.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// No replay has that name.
    #[error("no replay is named \"{0}\" (names look like river-123; a game id works too)")]
    UnknownName(String),
    /// The game stream is empty.
    #[error("game {0} has no events: no such game")]
    UnknownGame(GameId),
    /// `--until-version` is beyond the stream.
    #[error("--until-version {asked} is past the end of game {game}, which has {last} events")]
    PastTheEnd {
        /// The game.
        game: GameId,
        /// The version asked for.
        asked: u64,
        /// The stream's last version.
        last: u64,
    },
    /// The event store failed.
    #[error("reading the game's events")]
    Store(#[from] StoreError),
    /// A read model could not be read.
    #[error("reading the read models")]
    ReadModel(#[from] ReadModelError),
    /// The respawned actor could not rebuild the game.
    #[error("respawning the game's actor: {0}")]
    Actor(String),
}

/// Reads a replay argument: a game id (bare or as `game-<uuid>`), else a replay name.
pub fn parse_target(text: &str) -> ReplayTarget {
    let id = text.trim().strip_prefix("game-").unwrap_or(text.trim());
    match Uuid::parse_str(id) {
        Ok(uuid) => ReplayTarget::Game(GameId(uuid)),
        Err(_) => ReplayTarget::Name(text.trim().to_owned()),
    }
}

/// One event of the replayed history, with its place in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayedEvent {
    /// Its stream version.
    pub version: u64,
    /// The event.
    pub event: GameEvent,
}

/// A game rebuilt for a replay.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The game.
    pub game_id: GameId,
    /// The stream's last version (the whole history has this many events).
    pub last_version: u64,
    /// The version the replay stops at (`last_version` without `--until-version`).
    pub version: u64,
    /// The state the respawned actor folded up to `version`.
    pub state: Game,
    /// The events up to `version`, in order.
    pub events: Vec<ReplayedEvent>,
}

/// The dependencies of a stand-alone game actor on `store`: the same rebuild code as the
/// runtime's, with its own health counters (nothing here is a live command).
fn game_deps(store: &Arc<dyn EventStore>) -> Arc<StreamDeps<Game>> {
    Arc::new(StreamDeps {
        store: store.clone(),
        codec: Codec::new(),
        words: WordService::embedded(),
        clock: Arc::new(SystemClock),
        health: Arc::new(Health::default()),
        snapshot_every: 0,
        snapshot_schema: SNAPSHOT_SCHEMA,
        rebuild_permits: Arc::new(Semaphore::new(1)),
        fault: Default::default(),
        rebuild_fault: Default::default(),
    })
}

/// Asks a freshly started actor for its state; the actor stops when its address is dropped.
async fn inspect(actor: StreamActor<Game>) -> Result<Inspected<Game>, ReplayError> {
    let addr = actor.start();
    let result = addr.send(Inspect::<Game>::default()).await;
    match result {
        Ok(Ok(inspected)) => Ok(inspected),
        Ok(Err(CommandError::Store(error))) => Err(ReplayError::Store(error)),
        Ok(Err(other)) => Err(ReplayError::Actor(other.to_string())),
        Err(mailbox) => Err(ReplayError::Actor(mailbox.to_string())),
    }
}

/// Respawns the game's actor read-only up to `version` (the whole stream when `None`): the
/// production rebuild, from the first event, stopped at a point in history.
pub async fn respawn(
    store: &Arc<dyn EventStore>,
    game: GameId,
    version: Option<u64>,
) -> Result<Inspected<Game>, ReplayError> {
    let stream = StreamId::game(game);
    inspect(StreamActor::replaying_until(stream, game_deps(store), version.unwrap_or(u64::MAX)))
        .await
}

/// Respawns the game's actor as the registry would for a command: latest snapshot, then the
/// events after it.
pub async fn respawn_live(
    store: &Arc<dyn EventStore>,
    game: GameId,
) -> Result<Inspected<Game>, ReplayError> {
    inspect(StreamActor::new(StreamId::game(game), game_deps(store))).await
}

/// Finds the game a target names.
pub async fn resolve(
    read_models: &ReadModels,
    target: &ReplayTarget,
) -> Result<GameId, ReplayError> {
    match target {
        ReplayTarget::Game(game) => Ok(*game),
        ReplayTarget::Name(name) => read_models
            .replay_by_name(name)
            .await?
            .ok_or_else(|| ReplayError::UnknownName(name.clone())),
    }
}

/// Rebuilds `game` up to `until` (the whole game when `None`) by respawning its actor, and reads
/// its events up to the same version.
pub async fn load(
    store: &Arc<dyn EventStore>,
    game: GameId,
    until: Option<u64>,
) -> Result<Replay, ReplayError> {
    let recorded = store.read_stream(&StreamId::game(game), 1).await?;
    let last_version = recorded.last().map_or(0, |e| e.stream_version);
    if last_version == 0 {
        return Err(ReplayError::UnknownGame(game));
    }
    if let Some(asked) = until {
        if asked > last_version {
            return Err(ReplayError::PastTheEnd { game, asked, last: last_version });
        }
    }
    let version = until.unwrap_or(last_version);
    let codec = Codec::<GameEvent>::new();
    let events = recorded
        .iter()
        .take_while(|e| e.stream_version <= version)
        .map(|e| Ok(ReplayedEvent { version: e.stream_version, event: codec.decode(e)? }))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let inspected = respawn(store, game, Some(version)).await?;
    Ok(Replay {
        game_id: game,
        last_version,
        version: inspected.version,
        state: inspected.state,
        events,
    })
}

/// Game time as `m:ss`, `h:mm:ss`, or `Nd hh:mm:ss` for multi-day games.
fn offset(delta: TimeDelta) -> String {
    let total = delta.num_seconds().max(0);
    let (days, rest) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    match (days, h) {
        (0, 0) => format!("{m}:{s:02}"),
        (0, _) => format!("{h}:{m:02}:{s:02}"),
        _ => format!("{days}d {h:02}:{m:02}:{s:02}"),
    }
}

/// Milliseconds as a short human duration: `4.2 s`, `3 min`, `2.5 h`.
fn took(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s < 90.0 {
        format!("{s:.1} s")
    } else if s < 5400.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// `1 guess`, `3 guesses`.
fn guesses(n: u32) -> String {
    if n == 1 {
        "1 guess".to_owned()
    } else {
        format!("{n} guesses")
    }
}

/// How the story names people: a display name when the caller knows one, else a mention.
pub type Names = HashMap<UserId, String>;

fn name_of(names: &Names, user: UserId) -> String {
    names.get(&user).cloned().unwrap_or_else(|| format!("<@{user}>"))
}

/// The round-by-round story of a replay as terminal text, one fact per line, each stamped with
/// the game time since the game was created.
pub fn story(replay: &Replay, replay_name: Option<&str>, names: &Names) -> String {
    let mut out = String::new();
    let mut teams: HashMap<TeamId, String> = HashMap::new();
    let mut start: Option<DateTime<Utc>> = None;
    // Events without a time of their own are stamped with the latest time seen before them.
    let mut last = DateTime::<Utc>::default();
    let mut mode = Mode::TwoPlayer;
    let at = |start: Option<DateTime<Utc>>, when: DateTime<Utc>| {
        format!("[{:>11}]", start.map_or_else(|| "0:00".to_owned(), |s| offset(when - s)))
    };
    let title = replay_name.map_or_else(|| format!("game {}", replay.game_id), str::to_owned);
    let _ = writeln!(out, "Replay {title} (game {})", replay.game_id);
    if replay.version < replay.last_version {
        let _ = writeln!(
            out,
            "History up to version {} of {} (the actor was respawned at version {}).",
            replay.version, replay.last_version, replay.version
        );
    }
    for (index, ReplayedEvent { version: _, event }) in replay.events.iter().enumerate() {
        let team = |id: &TeamId, teams: &HashMap<TeamId, String>| {
            teams.get(id).cloned().unwrap_or_else(|| format!("team {id}"))
        };
        if let Some(when) = event_time(event) {
            last = when;
        }
        let line = match event {
            GameEvent::GameCreated { options, creator, created_at, .. } => {
                start = Some(*created_at);
                mode = options.mode();
                format!(
                    "{} {} opened by {} ({})",
                    at(start, *created_at),
                    mode,
                    name_of(names, *creator),
                    crate::discord::options_line(options)
                )
            }
            GameEvent::TeamJoined { team: t } => {
                teams.insert(t.team_id, t.name.clone());
                format!(
                    "{} {} joined: {} & {}",
                    at(start, last),
                    t.name,
                    name_of(names, t.players[0]),
                    name_of(names, t.players[1])
                )
            }
            GameEvent::TeamLeft { team_id, by } => format!(
                "{} {} left the lobby ({})",
                at(start, last),
                team(team_id, &teams),
                name_of(names, *by)
            ),
            GameEvent::GameStarted { started_at, clock_ends_at } => match clock_ends_at {
                Some(ends) => format!(
                    "{} Game started; the clock runs {}",
                    at(start, *started_at),
                    offset(*ends - *started_at)
                ),
                None => format!("{} Game started", at(start, *started_at)),
            },
            GameEvent::RoundStarted { round, started_at, round_deadline } => match round_deadline {
                Some(deadline) => format!(
                    "{} Round {round} started ({} to play)",
                    at(start, *started_at),
                    offset(*deadline - *started_at)
                ),
                None => format!("{} Round {round} started", at(start, *started_at)),
            },
            GameEvent::PairDealt { team_id, round, pair, dealt_at } => format!(
                "{}   {}: pair {} dealt: {} + {}",
                at(start, *dealt_at),
                team(team_id, &teams),
                round,
                pair[0],
                pair[1]
            ),
            GameEvent::AnswerAccepted { .. } => continue,
            GameEvent::PairResolved {
                team_id,
                guess_count,
                pair,
                answers,
                result,
                points,
                resolved_at,
                ..
            } => {
                let said = |i: usize| {
                    format!(
                        "{} \"{}\" ({})",
                        name_of(names, answers[i].player),
                        answers[i].word,
                        took(answers[i].answered_ms)
                    )
                };
                let verdict = match result {
                    GuessResult::Matched { on, .. } => {
                        let perfect = if *guess_count == 1 { ", a perfect round" } else { "" };
                        let pts = if *points != 0 {
                            format!(", {points:+} points")
                        } else {
                            String::new()
                        };
                        format!("MATCH on \"{on}\" in {}{perfect}{pts}", guesses(*guess_count))
                    }
                    GuessResult::Missed => "miss, their answers are the new pair".to_owned(),
                };
                format!(
                    "{}   {} guess {guess_count} on {} + {}: {} / {}: {verdict}",
                    at(start, *resolved_at),
                    team(team_id, &teams),
                    pair[0],
                    pair[1],
                    said(0),
                    said(1)
                )
            }
            GameEvent::PairAbandoned {
                team_id,
                player,
                guess_count,
                pair,
                points,
                abandoned_at,
                ..
            } => {
                format!(
                    "{}   {}: {} gave up {} + {} (counts as guess {guess_count}, {points:+} points)",
                    at(start, *abandoned_at),
                    team(team_id, &teams),
                    name_of(names, *player),
                    pair[0],
                    pair[1]
                )
            }
            GameEvent::TeamEliminated { team_id, round, reason, guess_count } => format!(
                "{}   {} eliminated in round {round}: {} ({})",
                at(start, elimination_time(&replay.events[index + 1..], *reason).unwrap_or(last)),
                team(team_id, &teams),
                crate::discord::elimination_reason(*reason),
                guesses(*guess_count)
            ),
            GameEvent::RoundEnded { round, results, ended_at, .. } => {
                let each: Vec<String> = results
                    .iter()
                    .map(|r| {
                        let how = if r.matched { "matched" } else { "no match" };
                        let out = r.eliminated.map_or_else(String::new, |e| {
                            format!(", out: {}", crate::discord::elimination_reason(e))
                        });
                        format!(
                            "{} {how} ({}{out})",
                            team(&r.team_id, &teams),
                            guesses(r.guess_count)
                        )
                    })
                    .collect();
                format!("{} Round {round} ended: {}", at(start, *ended_at), each.join("; "))
            }
            GameEvent::GameEnded { winners, ranking, ended_at, reason } => {
                let name = replay.state.replay_name().or(replay_name).unwrap_or("(not named yet)");
                let text = game_over_with_reason(mode, winners, ranking, *reason, name)
                    .content
                    .replace("**", "");
                let mut lines = text.lines();
                let mut block = format!("{} {}", at(start, *ended_at), lines.next().unwrap_or(""));
                for l in lines {
                    block.push_str("\n    ");
                    block.push_str(l);
                }
                block
            }
            GameEvent::GameCancelled { by, cancelled_at } => {
                format!("{} Cancelled by {}", at(start, *cancelled_at), name_of(names, *by))
            }
            GameEvent::LobbyExpired { lobby_seconds, expired_at } => format!(
                "{} Lobby closed: nobody started the game within {}",
                at(start, *expired_at),
                crate::discord::spoken_duration(u64::from(*lobby_seconds))
            ),
            GameEvent::ReplayNamed { name } => {
                format!("{} Replay named {name}", at(start, last))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    if replay.version < replay.last_version {
        out.push_str(&state_summary(&replay.state, names));
    }
    out
}

/// When an elimination happened: a round-end cut happens when its `RoundEnded` is recorded
/// (later in the stream); a guess limit or forfeit happens with the answer before it.
fn elimination_time(after: &[ReplayedEvent], reason: EliminationReason) -> Option<DateTime<Utc>> {
    match reason {
        EliminationReason::GuessLimit | EliminationReason::Forfeit => None,
        EliminationReason::TimeExpired
        | EliminationReason::Slowest
        | EliminationReason::LongformRound => after.iter().find_map(|e| match &e.event {
            GameEvent::RoundEnded { ended_at, .. } => Some(*ended_at),
            _ => None,
        }),
    }
}

/// The time an event carries, if it carries one.
fn event_time(event: &GameEvent) -> Option<DateTime<Utc>> {
    match event {
        GameEvent::GameCreated { created_at: t, .. }
        | GameEvent::GameStarted { started_at: t, .. }
        | GameEvent::RoundStarted { started_at: t, .. }
        | GameEvent::PairDealt { dealt_at: t, .. }
        | GameEvent::PairResolved { resolved_at: t, .. }
        | GameEvent::PairAbandoned { abandoned_at: t, .. }
        | GameEvent::RoundEnded { ended_at: t, .. }
        | GameEvent::GameEnded { ended_at: t, .. }
        | GameEvent::GameCancelled { cancelled_at: t, .. }
        | GameEvent::LobbyExpired { expired_at: t, .. } => Some(*t),
        _ => None,
    }
}

/// Where the game stood at the replayed version: phase, round and each team's state.
fn state_summary(game: &Game, names: &Names) -> String {
    let mut out = format!("State at this version: {:?}, round {}\n", game.phase(), game.round());
    for t in game.teams() {
        let _ = writeln!(
            out,
            "    {} ({} & {}): {:?}, pair {} + {}, {} guesses this round, {} matches, {} points",
            t.name,
            name_of(names, t.players[0].user),
            name_of(names, t.players[1].user),
            t.status,
            t.pair[0],
            t.pair[1],
            t.guesses,
            t.matches,
            t.score
        );
    }
    out
}

/// What `--verify` checked, for the success line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The game.
    pub game_id: GameId,
    /// Events folded.
    pub version: u64,
    /// How many checks passed.
    pub checks: usize,
}

/// One disagreement `--verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference(pub String);

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The replay could not even be built.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The rebuilds or the read models disagree.
    #[error("replay of game {game} does not verify:\n{}", .differences.iter().map(|d| format!("  - {}", d.0)).collect::<Vec<_>>().join("\n"))]
    Mismatch {
        /// The game.
        game: GameId,
        /// Every difference found.
        differences: Vec<Difference>,
    },
}

impl From<ReadModelError> for VerifyError {
    fn from(error: ReadModelError) -> Self {
        VerifyError::Replay(ReplayError::ReadModel(error))
    }
}

/// Rebuilds `game` twice with two fresh actors (from the first event, and the production way
/// from the latest snapshot), folds its events a third time by hand, and checks all three agree
/// with each other and with the read models: the `games` row (status, winners, replay name,
/// teams) and the statistics of the game's players. Returns every difference at once.
pub async fn verify(
    store: &Arc<dyn EventStore>,
    read_models: &ReadModels,
    game: GameId,
) -> Result<Verified, VerifyError> {
    let replay = load(store, game, None).await?;
    let live = respawn_live(store, game).await?;
    let mut differences = Vec::new();
    let mut checks = 0;
    let mut check = |ok: bool, what: String| {
        checks += 1;
        if !ok {
            differences.push(Difference(what));
        }
    };
    check(
        live.version == replay.version,
        format!(
            "the two actors reached different versions: {} and {}",
            replay.version, live.version
        ),
    );
    check(
        live.state == replay.state,
        "the actor rebuilt from the first event and the one rebuilt from the snapshot hold different states".to_owned(),
    );
    let mut folded = Game::default();
    for e in &replay.events {
        folded.apply(&e.event);
    }
    check(
        folded == replay.state,
        "folding the stored events by hand gives another state than the actor".to_owned(),
    );

    let state = &replay.state;
    match read_models.game(game).await? {
        None => check(false, "the games read model has no row for this game".to_owned()),
        Some(row) => {
            let expected = match state.phase() {
                Phase::NotCreated | Phase::Lobby => GameStatus::Lobby,
                Phase::Running => GameStatus::Running,
                Phase::Ended => GameStatus::Ended,
                Phase::Cancelled => GameStatus::Cancelled,
            };
            check(
                row.status == expected,
                format!(
                    "games row status is {}, the events say {}",
                    row.status.as_str(),
                    expected.as_str()
                ),
            );
            let mut want: Vec<TeamId> = state.winners().to_vec();
            let mut have = row.winners.clone();
            want.sort();
            have.sort();
            check(have == want, format!("games row winners are {have:?}, the events say {want:?}"));
            check(
                row.replay_name.as_deref() == state.replay_name(),
                format!(
                    "games row replay name is {:?}, the events say {:?}",
                    row.replay_name,
                    state.replay_name()
                ),
            );
            let want_teams: Vec<TeamId> = state.teams().iter().map(|t| t.team_id).collect();
            let have_teams: Vec<TeamId> = row.teams.iter().map(|t| t.team_id).collect();
            check(
                have_teams == want_teams,
                format!("games row teams are {have_teams:?}, the events say {want_teams:?}"),
            );
            if let Some(name) = state.replay_name() {
                let by_name = read_models.replay_by_name(name).await?;
                check(
                    by_name == Some(game),
                    format!("the replays read model maps {name} to {by_name:?}, not to this game"),
                );
            }
            if state.phase() == Phase::Ended {
                for t in state.teams() {
                    let won = state.winners().contains(&t.team_id);
                    let perfect = perfect_rounds(&replay.events, t.team_id);
                    for p in &t.players {
                        let stats = read_models.player_stats(row.guild, p.user).await?;
                        let who = name_of(&Names::new(), p.user);
                        check(
                            stats.games >= 1,
                            format!("player stats of {who} count no finished game"),
                        );
                        check(
                            stats.wins <= stats.games,
                            format!(
                                "player stats of {who}: {} wins in {} games",
                                stats.wins, stats.games
                            ),
                        );
                        check(
                            !won || stats.wins >= 1,
                            format!(
                                "player stats of {who} count no win, but their team won this game"
                            ),
                        );
                        check(
                            stats.matches >= t.matches,
                            format!(
                                "player stats of {who}: {} matches in all, {} in this game alone",
                                stats.matches, t.matches
                            ),
                        );
                        check(
                            stats.matched_guesses >= t.matched_guesses,
                            format!(
                                "player stats of {who}: {} matched guesses in all, {} in this game alone",
                                stats.matched_guesses, t.matched_guesses
                            ),
                        );
                        check(
                            stats.perfect_rounds >= perfect,
                            format!("player stats of {who}: {} perfect rounds in all, {perfect} in this game alone", stats.perfect_rounds),
                        );
                    }
                }
            }
        }
    }
    if differences.is_empty() {
        Ok(Verified { game_id: game, version: replay.version, checks })
    } else {
        Err(VerifyError::Mismatch { game, differences })
    }
}

/// Matches on the first guess of a pair by `team` in these events.
fn perfect_rounds(events: &[ReplayedEvent], team: TeamId) -> u32 {
    events
        .iter()
        .filter(|e| {
            matches!(&e.event, GameEvent::PairResolved { team_id, guess_count: 1, result, .. }
                if *team_id == team && result.is_match())
        })
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_a_game_id_when_it_parses_as_one() {
        let id = Uuid::now_v7();
        assert_eq!(parse_target(&id.to_string()), ReplayTarget::Game(GameId(id)));
        assert_eq!(parse_target(&format!("game-{id}")), ReplayTarget::Game(GameId(id)));
        assert_eq!(parse_target("river-123"), ReplayTarget::Name("river-123".to_owned()));
    }

    #[test]
    fn offsets_read_as_game_clocks() {
        assert_eq!(offset(TimeDelta::seconds(75)), "1:15");
        assert_eq!(offset(TimeDelta::seconds(3 * 3600 + 62)), "3:01:02");
        assert_eq!(offset(TimeDelta::seconds(86_400 + 3600)), "1d 01:00:00");
    }

    #[test]
    fn answer_times_read_naturally() {
        assert_eq!(took(4_200), "4.2 s");
        assert_eq!(took(600_000), "10 min");
        assert_eq!(took(9_000_000), "2.5 h");
    }
}
